"""History events and uncertainty, recorded while a revision is replayed."""

from __future__ import annotations

from dataclasses import dataclass

from steward_lsp.engine.migration import Operation
from steward_lsp.engine.replay_state import WorkingSchema
from steward_lsp.engine.schema import Location, TableDef, table_key


@dataclass(frozen=True)
class HistoryEvent:
    """One change to a table or column along the revision chain.

    ``operation`` is the Alembic operation name (``"add_column"``) and
    ``detail`` a short phrase of what it did (``"NOT NULL, type String(100)"``).
    ``location`` is the operation call in the revision file.
    """

    revision: str
    message: str
    operation: str
    location: Location
    detail: str


class Recorder:
    """The revision being replayed, and where its effects are recorded.

    This base class records nothing: it serves when a schema is rebuilt for
    a merge, whose revisions were recorded on their first replay. Marking a
    table uncertain changes the schema, so :meth:`mark_uncertain` always
    does that part.
    """

    def __init__(self, revision: str, message: str):
        self.revision = revision
        self.message = message

    def reason(self, description: str) -> str:
        """Return an uncertainty reason that names the revision."""
        return f"revision {self.revision} {description}"

    def event(self, key: str, operation: Operation, detail: str) -> None:
        """Record that ``operation`` changed the table or column ``key``."""

    def rename(self, old_key: str, new_key: str) -> None:
        """Carry the history of ``old_key`` over to ``new_key``."""

    def uncertain(self, key: str, reason: str, operation: Operation) -> None:
        """Record that the shape of table ``key`` is uncertain."""

    def everywhere(self, reason: str, operation: Operation) -> None:
        """Record that an operation may have changed any table."""

    def missing_table(self, key: str, reason: str, operation: Operation) -> None:
        """Record that ``operation`` changes table ``key``, which is not there."""
        self.uncertain(key, reason, operation)

    def mark_uncertain(
        self,
        work: WorkingSchema,
        name: str,
        schema: str | None,
        description: str,
        operation: Operation,
    ) -> None:
        """Mark the table ``name`` uncertain in ``work`` and record it."""
        reason = self.reason(description)
        table = work.edit(name, schema)
        if table is not None and table.uncertain is None:
            table.uncertain = reason
        self.uncertain(table_key(name, schema), reason, operation)

    def mark_everywhere(self, description: str, operation: Operation) -> None:
        """Record that ``operation`` may have changed tables it does not name."""
        self.everywhere(self.reason(description), operation)


def changed_table(
    work: WorkingSchema, operation: Operation, recorder: Recorder
) -> TableDef | None:
    """Return the operation's table for changing; a missing one is made uncertain."""
    if not operation.table:
        return None
    table = work.edit(operation.table, operation.schema)
    if table is not None:
        return table
    reason = recorder.reason(
        f"changes table {operation.table}, which no earlier revision creates"
    )
    table = TableDef(
        operation.table, operation.schema, location=operation.location, uncertain=reason
    )
    work.put(table)
    work.own(table)
    recorder.missing_table(table.key, reason, operation)
    return table
