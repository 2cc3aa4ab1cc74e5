"""The drift findings of one environment, grouped by table for the author.

The migration author does not compare the schemas again. It reads the
STW101-STW109 findings that the drift rules reported (after the user's
ignores) with the ``data`` each carries. Then it looks up the model and head
definitions of the tables they name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from steward_lsp.engine.rules.context import RuleContext
from steward_lsp.engine.rules.scope import TablePair, pair_tables

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import EnvironmentAnalysis
    from steward_lsp.engine.findings import Finding

DRIFT_CODES = frozenset(f"STW{number}" for number in range(101, 110))

# Codes of a column that exists on both sides but differs.
ALTER_CODES = frozenset({"STW105", "STW106", "STW109"})


@dataclass
class TableDrift:
    """The drift findings of one table, by kind."""

    pair: TablePair
    created: bool = False
    dropped: bool = False
    added_columns: list[str] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)
    altered_columns: dict[str, set[str]] = field(default_factory=dict)
    enum_members: dict[str, dict[str, Any]] = field(default_factory=dict)
    indexes: list[dict[str, Any]] = field(default_factory=list)
    constraints: list[dict[str, Any]] = field(default_factory=list)
    # Probable column renames, new name to old name.
    renamed_columns: dict[str, str] = field(default_factory=dict)
    # The data of index and unique constraint findings whose rename the
    # dialect can run (``rename_sql``).
    name_changes: list[dict[str, Any]] = field(default_factory=list)


def rule_context(analysis: EnvironmentAnalysis) -> RuleContext:
    """Return the rules' view of ``analysis``, for its dialect and uncertainty."""
    return RuleContext(
        environment=analysis.environment,
        settings=analysis.environment.settings,
        model_schema=analysis.model_schema,
        head_schema=analysis.head_schema,
        scripts=analysis.scripts,
        revision_graph=analysis.revision_graph,
        replay_result=analysis.replay_result,
    )


def compared_pairs(context: RuleContext) -> list[TablePair]:
    """Return the tables the drift rules compare, paired by schema and name."""
    return pair_tables(
        context.model_schema,
        context.head_schema,
        context.environment.compare,
        context.settings.exclude_tables,
        context.dialect,
    )


def group_drift(
    findings: list[Finding], pairs: list[TablePair]
) -> dict[str, TableDrift]:
    """Return the drift findings grouped by table, keyed like ``pairs``."""
    by_key: dict[str, TablePair] = {}
    for pair in pairs:
        for table in (pair.model, pair.head):
            if table is not None:
                by_key[table.key] = pair
    grouped: dict[str, TableDrift] = {}
    for finding in findings:
        key = finding.data.get("table")
        found = by_key.get(key) if isinstance(key, str) else None
        if finding.code not in DRIFT_CODES or found is None:
            continue
        drift = grouped.setdefault(found.key, TableDrift(found))
        _add_finding(drift, finding)
    return grouped


def _add_finding(drift: TableDrift, finding: Finding) -> None:
    code, data = finding.code, finding.data
    column = data.get("column")
    renamed_from = data.get("renamed_from")
    if isinstance(renamed_from, str):
        _add_rename(drift, finding, renamed_from)
    elif code == "STW101":
        drift.created = True
    elif code == "STW102":
        drift.dropped = True
    elif code == "STW103" and isinstance(column, str):
        drift.added_columns.append(column)
    elif code == "STW104" and isinstance(column, str):
        drift.dropped_columns.append(column)
    elif code == "STW105" and "added" in data and isinstance(column, str):
        # Enum members changed, which Alembic's type comparison ignores.
        drift.enum_members[column] = data
    elif code in ALTER_CODES and isinstance(column, str):
        drift.altered_columns.setdefault(column, set()).add(code)
    elif code == "STW107":
        drift.indexes.append(data)
    elif code == "STW108":
        drift.constraints.append(data)


def _add_rename(drift: TableDrift, finding: Finding, old: str) -> None:
    """Record a rename finding as a rename, or as a drop and a create.

    An index or unique constraint that the dialect cannot rename (SQLite)
    is dropped under its head name and created under the model's.
    """
    data = finding.data
    column = data.get("column")
    if finding.code == "STW103" and isinstance(column, str):
        drift.renamed_columns[column] = old
    elif data.get("rename_sql"):
        drift.name_changes.append(data)
    elif finding.code in ("STW107", "STW108"):
        found = drift.indexes if finding.code == "STW107" else drift.constraints
        shared = {"table": data["table"], "kind": data["kind"]}
        drop = {**shared, "head": data["head"]}
        create = {**shared, "model": data["model"]}
        if data["kind"] == "index":
            drop["index"], create["index"] = old, data["index"]
        found.extend([drop, create])
