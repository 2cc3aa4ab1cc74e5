"""Table selection for the drift comparison, and helpers that place its findings.

Alembic's autogenerate compares only the tables its filters let through:
without ``include_schemas`` it reflects the default schema alone, it skips the
``alembic_version`` table, and ``include_object`` / ``include_name`` filters
drop tables by name. The same choices are applied to both sides here.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from steward_lsp.engine.findings import Finding, RelatedLocation
from steward_lsp.engine.migration import RevisionScript
from steward_lsp.engine.project import CompareOptions
from steward_lsp.engine.replay import HistoryEvent
from steward_lsp.engine.schema import Location, SchemaState, TableDef

VERSION_TABLE = "alembic_version"

# Schemas that the dialects treat as the default one, so ``schema="public"``
# on PostgreSQL names the same table as no schema at all.
_DEFAULT_SCHEMAS = {"postgresql": "public", "mssql": "dbo"}


@dataclass
class TablePair:
    """A table as the models declare it and as the migrations build it."""

    key: str
    model: TableDef | None
    head: TableDef | None


def normalize_schema(schema: str | None, dialect: str | None) -> str | None:
    """Return None for the dialect's default schema, else ``schema``."""
    if schema is not None and dialect and _DEFAULT_SCHEMAS.get(dialect) == schema:
        return None
    return schema


def is_compared(
    table: TableDef,
    compare: CompareOptions,
    exclude_patterns: list[str],
    dialect: str | None,
) -> bool:
    """Return whether autogenerate would compare ``table`` at all.

    NOTE: Alembic without ``include_schemas`` still lists model tables of
    other schemas as added on every run, because it reflects only the default
    schema. That is noise users silence, so both sides skip such tables here.
    """
    if table.name == VERSION_TABLE:
        return False
    if (
        normalize_schema(table.schema, dialect) is not None
        and not compare.include_schemas
    ):
        return False
    if compare.include_tables is not None and table.name not in compare.include_tables:
        return False
    if table.name in compare.exclude_tables:
        return False
    return not any(fnmatch.fnmatchcase(table.name, p) for p in exclude_patterns)


def pair_tables(
    model: SchemaState,
    head: SchemaState,
    compare: CompareOptions,
    exclude_patterns: list[str],
    dialect: str | None,
) -> list[TablePair]:
    """Match model tables with head tables by schema and name."""
    pairs: dict[str, TablePair] = {}
    for side, schema_state in (("model", model), ("head", head)):
        for table in schema_state.tables.values():
            if not is_compared(table, compare, exclude_patterns, dialect):
                continue
            schema = normalize_schema(table.schema, dialect)
            key = f"{schema}.{table.name}" if schema else table.name
            pair = pairs.setdefault(key, TablePair(key, None, None))
            if side == "model":
                pair.model = table
            else:
                pair.head = table
    return [pairs[key] for key in sorted(pairs)]


class RevisionIndex:
    """Look up the revision script that contains a source location."""

    def __init__(
        self,
        scripts: list[RevisionScript],
        history: dict[str, list[HistoryEvent]] | None = None,
    ):
        self._by_path: dict[Path, RevisionScript] = {s.path: s for s in scripts}
        self._history = history or {}

    def last_change(self, key: str) -> Location | None:
        """Return the operation that last changed a table or column key."""
        events = self._history.get(key)
        return events[-1].location if events else None

    def script_at(self, location: Location | None) -> RevisionScript | None:
        """Return the revision whose file contains ``location``."""
        if location is None:
            return None
        return self._by_path.get(location.path)

    def describe(self, location: Location | None) -> str:
        """Return ``" (revision abc123)"`` for a location in a revision file."""
        script = self.script_at(location)
        if script is None or not script.revision:
            return ""
        return f" (revision {script.revision})"

    def related(self, location: Location | None, what: str) -> list[RelatedLocation]:
        """Return a related location pointing at a revision's operation."""
        if location is None:
            return []
        script = self.script_at(location)
        if script is not None and script.revision:
            label = f"{what} in revision {script.revision}"
            if script.message:
                label += f" ({script.message})"
        else:
            label = what
        return [RelatedLocation(location, label)]


def columns_text(columns: tuple[str, ...]) -> str:
    """Return ``(a, b)`` for messages."""
    return "(" + ", ".join(columns) + ")"


def finding_at(
    code: str,
    message: str,
    location: Location | None,
    related: list[RelatedLocation],
    data: dict[str, object],
) -> list[Finding]:
    """Return the finding in a list, or no finding when there is no location."""
    if location is None:
        return []
    return [Finding(code, message, location, related=related, data=data)]
