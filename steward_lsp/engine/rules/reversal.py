"""Matching of upgrade operations with the downgrade operations that undo them.

Names are followed through the renames of the same function, so a column
added as ``new_id`` and renamed to ``id`` in upgrade is undone by dropping
``id`` in downgrade. Some operations are undone without an inverse of their
own: dropping a table drops what upgrade added to it, dropping a column drops
the indexes and constraints on it, and dropping a column added in the same
revision undoes every later change to it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from steward_lsp.engine.migration import Operation
from steward_lsp.engine.rules.inverse import (
    OperationKey,
    column_name,
    forward_key,
    inverse_key,
    new_column_name,
    table_name,
)
from steward_lsp.engine.rules.naming import convention_name

_CREATES = {
    "create_table",
    "add_column",
    "create_index",
    "create_unique_constraint",
    "create_foreign_key",
    "create_check_constraint",
    "create_primary_key",
    "create_exclude_constraint",
}
_DROPS = {"drop_table", "drop_column", "drop_index", "drop_constraint"}


@dataclass(frozen=True)
class _Rename:
    position: int
    table: str
    column: str | None
    new: str


def _renames(ops: list[Operation]) -> list[_Rename]:
    found: list[_Rename] = []
    for position, op in enumerate(ops):
        table = table_name(op)
        if table is None:
            continue
        if op.name == "rename_table" and op.new_name:
            new = f"{op.schema}.{op.new_name}" if op.schema else op.new_name
            found.append(_Rename(position, table, None, new))
        renamed = new_column_name(op) if op.name == "alter_column" else None
        if renamed and column_name(op):
            found.append(_Rename(position, table, column_name(op), renamed))
    return found


def _follow(
    table: str, column: str | None, renames: list[_Rename], backward: bool
) -> tuple[str, str | None]:
    for rename in reversed(renames) if backward else renames:
        if rename.column is None:
            old, new = (
                (rename.new, rename.table) if backward else (rename.table, rename.new)
            )
            if table == old:
                table = new
            continue
        old_col, new_col = (
            (rename.new, rename.column) if backward else (rename.column, rename.new)
        )
        if table == rename.table and column == old_col:
            column = new_col
    return table, column


def _names_at_edge(
    op: Operation, position: int, renames: list[_Rename]
) -> tuple[str | None, str | None]:
    """Return the op's table and column as named at the end or start of the function.

    What an operation creates must be undone under the name it has when the
    function ends, and what it drops was named as it is when the function
    starts.
    """
    table, column = table_name(op), column_name(op)
    if table is None:
        return None, column
    if op.name in _CREATES:
        later = [r for r in renames if r.position > position]
        return _follow(table, column, later, backward=False)
    if op.name in _DROPS:
        earlier = [r for r in renames if r.position < position]
        return _follow(table, column, earlier, backward=True)
    return table, column


def _dropped_again(upgrade: list[Operation], renames: list[_Rename]) -> set[int]:
    """Return the positions of create_table and add_column that upgrade undoes.

    A staging table or column created and dropped within one upgrade, under
    its first or a later name, leaves nothing behind for downgrade.
    """
    positions: set[int] = set()
    for position, op in enumerate(upgrade):
        if op.name not in ("create_table", "add_column"):
            continue
        table = table_name(op) or ""
        column = column_name(op) if op.name == "add_column" else None
        later = [r for r in renames if r.position > position]
        for drop_position, drop in enumerate(upgrade[position + 1 :], position + 1):
            moved = [r for r in later if r.position < drop_position]
            final = _follow(table, column, moved, backward=False)
            if drop.name == "drop_table" and table_name(drop) == final[0]:
                positions.add(position)
                break
            dropped = (table_name(drop), column_name(drop))
            if column and drop.name == "drop_column" and dropped == final:
                positions.add(position)
                break
    return positions


def _op_columns(op: Operation) -> tuple[str, ...]:
    if op.index is not None:
        return op.index.expressions
    if op.unique is not None:
        return op.unique.columns
    if op.foreign_key is not None:
        return op.foreign_key.columns
    columns = op.params.get("columns")
    if isinstance(columns, tuple) and all(isinstance(c, str) for c in columns):
        return columns
    return ()


def unreversed_operations(
    upgrade: list[Operation],
    downgrade: list[Operation],
    convention: dict[str, str] | None = None,
) -> list[Operation]:
    """Return the operations of ``upgrade`` that ``downgrade`` does not undo.

    ``convention`` is the target metadata's naming convention, which names
    the constraints that upgrade creates without a name.
    """
    convention = convention or {}
    down_renames = _renames(downgrade)
    available: dict[OperationKey, int] = defaultdict(int)
    dropped_tables: set[str] = set()
    dropped_columns: set[tuple[str, str]] = set()
    for position, op in enumerate(downgrade):
        table, column = _names_at_edge(op, position, down_renames)
        key = forward_key(op, table, column)
        if key is not None:
            available[key] += 1
        if op.name == "drop_table" and table:
            dropped_tables.add(table)
        if op.name == "drop_column" and table and column:
            dropped_columns.add((table, column))

    up_renames = _renames(upgrade)
    staging = _dropped_again(upgrade, up_renames)
    created_tables: set[str] = set()
    added_columns: set[tuple[str | None, str | None]] = set()
    missing: list[Operation] = []
    for position, op in enumerate(upgrade):
        current = (table_name(op), column_name(op))
        if position in staging:
            # Upgrade itself drops what this operation creates, so downgrade
            # has nothing of it to undo.
            if op.name == "create_table" and current[0]:
                created_tables.add(current[0])
            if op.name == "add_column":
                added_columns.add(current)
            continue
        if op.name == "create_table" and current[0]:
            created_tables.add(current[0])
        elif current[0] in created_tables:
            # The create_table covers it, because dropping the table undoes it.
            continue
        if op.name == "alter_column" and current in added_columns:
            renamed = new_column_name(op)
            if renamed:
                added_columns.add((current[0], renamed))
            continue
        if op.name == "drop_column" and current in added_columns:
            continue

        table, column = _names_at_edge(op, position, up_renames)
        if op.name == "add_column":
            added_columns.add(current)
        key = forward_key(op, table, column)
        if key is None:
            continue
        if op.name in _DROPS and op.params.get("if_exists") is True:
            # A defensive drop of what may not exist has nothing certain to undo.
            continue
        if op.name != "create_table" and table in dropped_tables:
            continue
        final_columns = [
            _follow(
                table or "",
                c,
                [r for r in up_renames if r.position > position],
                backward=False,
            )
            for c in _op_columns(op)
        ]
        if op.name in _CREATES and any(
            (t, c) in dropped_columns for t, c in final_columns if c is not None
        ):
            continue
        candidates = [inverse_key(key)]
        if key[0] == "constraint" and not key[2]:
            candidates += [
                ("constraint", key[1], name, "-")
                for name in implicit_constraint_names(op, convention)
            ]
        wanted = next((k for k in candidates if available[k] > 0), None)
        if wanted is None:
            missing.append(op)
        else:
            available[wanted] -= 1
    return missing


def implicit_constraint_names(op: Operation, convention: dict[str, str]) -> list[str]:
    """Return the names an unnamed constraint may get when it is created.

    The naming convention names it when it has a template for the kind.
    Otherwise the database names it, and PostgreSQL's names are predictable
    (``<table>_<columns>_fkey``, ``_key``, ``_pkey``), so a downgrade that
    drops by that name works there.
    """
    table = op.table or ""
    columns = _op_columns(op)
    kinds = {
        "create_foreign_key": ("fk", "fkey"),
        "create_unique_constraint": ("uq", "key"),
        "create_primary_key": ("pk", "pkey"),
        "create_check_constraint": ("ck", "check"),
    }
    if op.name not in kinds:
        return []
    kind, suffix = kinds[op.name]
    referred = op.foreign_key.referred_table if op.foreign_key else None
    referred_columns = op.foreign_key.referred_columns if op.foreign_key else ()
    names: list[str] = []
    if kind in convention:
        named = convention_name(
            convention,
            kind,
            table,
            columns,
            None,
            referred,
            referred_columns,
            schema=op.schema,
        )
        if named:
            names.append(named)
    if kind == "pk":
        names.append(f"{table}_pkey")
    elif columns:
        names.append("_".join([table, *columns, suffix]))
    return names
