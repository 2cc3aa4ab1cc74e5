"""Replay of ``op.*`` calls along the revision graph to the schema at head.

Revisions run in the graph's order, which is the order ``alembic upgrade
heads`` uses. Each revision starts from the schema its ancestors build: a
single parent's schema as is, and for a merge (or a ``depends_on``) the
first parent's schema with the revisions of the other branches applied on
top, in order. The head schema is built the same way from all heads. Schemas
share unchanged tables (see :mod:`steward_lsp.engine.replay_state`), so one
is kept per revision at little cost; treat them as read-only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.graph import RevisionGraph
from steward_lsp.engine.migration import Operation, RevisionScript
from steward_lsp.engine.replay_apply import apply_operation
from steward_lsp.engine.replay_record import HistoryEvent, Recorder
from steward_lsp.engine.replay_state import WorkingSchema
from steward_lsp.engine.schema import Location, SchemaState, Span

logger = logging.getLogger(__name__)

__all__ = ["HistoryEvent", "ReplayResult", "replay"]


@dataclass
class ReplayResult:
    """The schema at head (all heads merged) and what replay found.

    ``history`` maps a table key (``"users"``, ``"audit.events"``) and a
    column key (``"users.email"``) to the changes along the chain, oldest
    first. A renamed table or column carries its earlier history. Schemas
    per revision are in ``schema_before`` and ``schema_after``, keyed by
    revision id. ``uncertain_tables`` maps table keys to why their shape
    cannot be known statically; ``uncertain_everywhere`` holds a reason when
    some revision may have changed tables it does not name, in which case
    drift rules should not report anything for this environment.
    """

    head_schema: SchemaState = field(default_factory=SchemaState)
    findings: list[Finding] = field(default_factory=list)
    history: dict[str, list[HistoryEvent]] = field(default_factory=dict)
    schema_before: dict[str, SchemaState] = field(default_factory=dict)
    schema_after: dict[str, SchemaState] = field(default_factory=dict)
    uncertain_tables: dict[str, str] = field(default_factory=dict)
    uncertain_everywhere: str | None = None
    unparsed_revisions: list[str] = field(default_factory=list)
    """Revisions whose file did not parse, so only their header is known."""


def replay(
    revision_graph: RevisionGraph,
    *,
    dialect: str | None = None,
    naming_convention: dict[str, str] | None = None,
) -> ReplayResult:
    """Apply each revision's upgrade operations in graph order.

    Parameters
    ----------
    revision_graph:
        The linked revisions; revisions left out of its order (cycles) are
        not replayed, and the head schema is then uncertain everywhere.
    dialect:
        The dialect that decides ``if dialect.name == ...`` branches;
        defaults to the graph's.
    naming_convention:
        The target metadata's naming convention, which Alembic applies to the
        constraints its operations create; SQLAlchemy's default when None.
    """
    chosen_dialect = dialect or revision_graph.dialect
    convention = naming_convention or {}
    key = _cache_key(revision_graph, chosen_dialect, convention)
    cached = _RESULTS.get(key)
    if cached is not None:
        return cached[1]
    result = _replay(revision_graph, chosen_dialect, convention)
    # The scripts stay referenced by the entry, so their ids in the key
    # cannot be reused by other objects while it is cached.
    _RESULTS[key] = (list(revision_graph.scripts.values()), result)
    while len(_RESULTS) > _CACHED_RESULTS:
        _RESULTS.pop(next(iter(_RESULTS)))
    return result


# Results of the last replays, keyed by the identity of the parsed scripts.
# The parse cache returns the same RevisionScript for unchanged text, so an
# edit elsewhere (a model file) replays nothing. Results are shared between
# callers and must not be changed.
_CACHED_RESULTS = 8
_RESULTS: dict[tuple[object, ...], tuple[list[RevisionScript], ReplayResult]] = {}


def _cache_key(
    graph: RevisionGraph, dialect: str | None, convention: dict[str, str]
) -> tuple[object, ...]:
    return (
        tuple((revision, id(graph.scripts[revision])) for revision in graph.order),
        tuple((revision, graph.parents.get(revision, ())) for revision in graph.order),
        tuple(graph.heads),
        tuple(graph.unordered),
        dialect,
        tuple(sorted(convention.items())),
    )


def _replay(
    revision_graph: RevisionGraph,
    chosen_dialect: str | None,
    convention: dict[str, str],
) -> ReplayResult:
    result = ReplayResult()
    builder = _SchemaBuilder(revision_graph, result, chosen_dialect, convention)
    for revision in revision_graph.order:
        builder.run(revision)
    result.head_schema = builder.merged(revision_graph.heads)
    if revision_graph.unordered:
        result.uncertain_everywhere = (
            "revisions " + ", ".join(revision_graph.unordered) + " are in or after a "
            "cycle of the revision graph and were not replayed"
        )
    return result


class _SchemaBuilder:
    def __init__(
        self,
        graph: RevisionGraph,
        result: ReplayResult,
        dialect: str | None,
        convention: dict[str, str],
    ):
        self.graph = graph
        self.result = result
        self.dialect = dialect
        self.convention = convention
        self.position = {revision: i for i, revision in enumerate(graph.order)}

    def run(self, revision: str) -> None:
        """Replay ``revision`` on its parents' schema and record what it did."""
        script = self.graph.scripts[revision]
        parents = [
            p for p in self.graph.parents.get(revision, ()) if p in self.position
        ]
        before = self.merged(parents)
        recorder = _HistoryRecorder(revision, script.message, self.result)
        work = WorkingSchema(before, self.convention, self.dialect)
        if script.parse_error is not None:
            recorder.unparsed(script)
        for operation in script.upgrade.operations:
            apply_operation(work, operation, recorder, self.dialect)
        for location in _opaque_calls(script.upgrade.operations, script.upgrade.opaque):
            if script.parse_error is None:
                recorder.opaque_call(location)
        self.result.schema_before[revision] = before
        self.result.schema_after[revision] = work.state

    def merged(self, parents: list[str]) -> SchemaState:
        """Return the schema after all of ``parents`` and their ancestors ran."""
        if not parents:
            return SchemaState(naming_convention=dict(self.convention))
        if len(parents) == 1:
            return self.result.schema_after[parents[0]]
        ancestry = {parent: self._ancestors(parent) for parent in parents}
        first = max(parents, key=lambda p: (len(ancestry[p]), -parents.index(p)))
        covered = ancestry[first]
        pending = set().union(*ancestry.values()) - covered
        work = WorkingSchema(
            self.result.schema_after[first], self.convention, self.dialect
        )
        for revision in sorted(pending, key=self.position.__getitem__):
            script = self.graph.scripts[revision]
            silent = Recorder(revision, script.message)
            for operation in script.upgrade.operations:
                apply_operation(work, operation, silent, self.dialect)
        return work.state

    def _ancestors(self, revision: str) -> set[str]:
        """Return ``revision`` and every revision that runs before it."""
        found = {revision}
        pending = [revision]
        while pending:
            for parent in self.graph.parents.get(pending.pop(), ()):
                if parent in self.position and parent not in found:
                    found.add(parent)
                    pending.append(parent)
        return found


def _opaque_calls(
    operations: list[Operation], opaque: list[Location]
) -> list[Location]:
    """Return the opaque locations that are calls, not blocks around operations.

    Loops and ``if`` blocks are listed as opaque too, but their operations
    are marked not understood and handled one by one. A call of a function
    defined elsewhere may change any table.
    """
    spans = [operation.location.span for operation in operations]
    calls: list[Location] = []
    for location in opaque:
        inside = any(_contains(location.span, span) for span in spans)
        nested = any(
            other is not location and _contains(location.span, other.span)
            for other in opaque
        )
        if not inside and not nested:
            calls.append(location)
    return calls


def _contains(outer: Span, inner: Span) -> bool:
    return (outer.start_line, outer.start_col) <= (
        inner.start_line,
        inner.start_col,
    ) and (
        inner.end_line,
        inner.end_col,
    ) <= (outer.end_line, outer.end_col)


class _HistoryRecorder(Recorder):
    """Records history, uncertainty and STW110 findings into a ReplayResult."""

    def __init__(self, revision: str, message: str, result: ReplayResult):
        super().__init__(revision, message)
        self.result = result
        self._reported: set[str] = set()

    def event(self, key: str, operation: Operation, detail: str) -> None:
        self.result.history.setdefault(key, []).append(
            HistoryEvent(
                self.revision, self.message, operation.name, operation.location, detail
            )
        )

    def rename(self, old_key: str, new_key: str) -> None:
        history = self.result.history
        for key in list(history):
            if key == old_key or key.startswith(old_key + "."):
                moved = new_key + key[len(old_key) :]
                history[moved] = [*history[key], *history.get(moved, [])]

    def uncertain(self, key: str, reason: str, operation: Operation) -> None:
        self.result.uncertain_tables.setdefault(key, reason)
        if key in self._reported:
            return
        self._reported.add(key)
        self.result.findings.append(
            Finding(
                "STW110",
                f"head schema of table {key} is uncertain: {reason}; drift on this "
                "table is not reported",
                operation.location,
                data={"revision": self.revision, "table": key},
            )
        )

    def everywhere(self, reason: str, operation: Operation) -> None:
        self._report_everywhere(reason, operation.location)

    def missing_table(self, key: str, reason: str, operation: Operation) -> None:
        # After a revision that did not parse, a table that seems to come
        # from nowhere most likely comes from that revision, whose STW001
        # already states that drift is held back.
        if self.result.unparsed_revisions:
            self.result.uncertain_tables.setdefault(key, reason)
            return
        self.uncertain(key, reason, operation)

    def unparsed(self, script: RevisionScript) -> None:
        """Record a revision whose file did not parse: it may change any table.

        The file's STW001 is the one finding, so none is added here.
        """
        self.result.unparsed_revisions.append(self.revision)
        if self.result.uncertain_everywhere is None:
            reason = self.reason(f"did not parse ({script.parse_error})")
            self.result.uncertain_everywhere = reason

    def opaque_call(self, location: Location) -> None:
        """Record a call of a function the static analysis cannot follow."""
        reason = self.reason("calls a function the static analysis cannot follow")
        self._report_everywhere(reason, location)

    def _report_everywhere(self, reason: str, location: Location) -> None:
        if self.result.uncertain_everywhere is None:
            self.result.uncertain_everywhere = reason
        self.result.findings.append(
            Finding(
                "STW110",
                f"head schema is uncertain: {reason}, so it may change any table; "
                "drift is not reported for this environment",
                location,
                data={"revision": self.revision, "table": None},
            )
        )
