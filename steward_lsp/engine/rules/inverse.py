"""Inverse pairs of Alembic operations, for checking that downgrade undoes upgrade.

Each operation gets a key naming what it changes, and the key of its inverse
is derived from it. Upgrade and downgrade are then matched as multisets of
keys, without regard to order. Operations without an inverse here (``execute``,
``bulk_insert``, comments) are left to other rules.
"""

from __future__ import annotations

from steward_lsp.engine.migration import Operation, RevisionScript

OperationKey = tuple[str, ...]

_CREATE_CONSTRAINT = {
    "create_unique_constraint": "unique",
    "create_foreign_key": "foreignkey",
    "create_check_constraint": "check",
    "create_primary_key": "primary",
    "create_exclude_constraint": "exclude",
}


def column_name(op: Operation) -> str | None:
    """Return the column an operation adds, drops or alters."""
    if op.column is not None:
        return op.column.name
    return op.column_name


def operation_data(script: RevisionScript, op: Operation) -> dict[str, object]:
    """Return the Finding.data keys naming a revision's operation and table."""
    return {"revision": script.revision, "operation": op.name, "table": table_name(op)}


def table_name(op: Operation) -> str | None:
    """Return the table an operation works on, with its schema."""
    table = op.table
    if table is None and op.table_def is not None:
        table = op.table_def.name
    if table is None:
        return None
    return f"{op.schema}.{table}" if op.schema else table


def index_name(op: Operation) -> str | None:
    """Return the name of the index an index operation creates or drops."""
    if op.index is not None and op.index.name:
        return op.index.name
    value = op.params.get("index_name")
    return value if isinstance(value, str) else op.constraint_name


def constraint_name(op: Operation) -> str | None:
    """Return the constraint name of a constraint operation."""
    if op.constraint_name:
        return op.constraint_name
    for owned in (op.unique, op.foreign_key, op.check):
        if owned is not None and owned.name:
            return owned.name
    return None


def new_column_name(op: Operation) -> str | None:
    """Return ``new_column_name`` of an ``alter_column``, if it renames."""
    value = op.params.get("new_column_name", op.new_name)
    return value if isinstance(value, str) else None


def forward_key(
    op: Operation, table: str | None = None, column: str | None = None
) -> OperationKey | None:
    """Return the key of what ``op`` does, or None when it has no inverse here.

    ``table`` and ``column`` replace the names written in ``op``, for a caller
    that follows renames made by other operations of the same function.
    """
    table = table or table_name(op) or ""
    name = op.name
    if name in ("create_table", "drop_table"):
        return ("table", table, _sign(name == "create_table"))
    if name in ("add_column", "drop_column"):
        column = column or column_name(op) or ""
        return ("column", table, column, _sign(name == "add_column"))
    if name in ("create_index", "drop_index"):
        return ("index", index_name(op) or "", _sign(name == "create_index"))
    if name in _CREATE_CONSTRAINT:
        return ("constraint", table, constraint_name(op) or "", "+")
    if name == "drop_constraint":
        # drop_constraint(None, ...) raises when it runs, so it undoes nothing.
        dropped = constraint_name(op)
        return ("constraint", table, dropped, "-") if dropped else None
    if name == "rename_table":
        return ("rename_table", table, _with_schema(op, op.new_name))
    if name == "alter_column":
        renamed = new_column_name(op)
        if renamed:
            return ("rename_column", table, column_name(op) or "", renamed)
        return ("alter_column", table, column or column_name(op) or "")
    return None


def _sign(creates: bool) -> str:
    return "+" if creates else "-"


def inverse_key(key: OperationKey) -> OperationKey:
    """Return the key that the inverse of an operation with ``key`` has."""
    kind = key[0]
    if kind in ("table", "column", "index", "constraint"):
        return (*key[:-1], "-" if key[-1] == "+" else "+")
    if kind == "rename_table":
        return ("rename_table", key[2], key[1])
    if kind == "rename_column":
        return ("rename_column", key[1], key[3], key[2])
    return key


def _with_schema(op: Operation, name: str | None) -> str:
    if name is None:
        return ""
    return f"{op.schema}.{name}" if op.schema else name


def render_inverse(op: Operation) -> str | None:
    """Return the Python call that undoes ``op``, when it can be written from ``op``.

    Dropping is always renderable. Recreating a dropped table or column needs
    its definition from before the revision, which ``op`` does not carry.
    """
    table = op.table or (op.table_def.name if op.table_def else None)
    schema = f", schema={op.schema!r}" if op.schema else ""
    column = column_name(op)
    if op.name == "create_table" and table:
        return f"op.drop_table({table!r}{schema})"
    if op.name == "add_column" and table and column:
        return f"op.drop_column({table!r}, {column!r}{schema})"
    if op.name == "create_index" and index_name(op):
        on_table = f", table_name={table!r}" if table else ""
        return f"op.drop_index({index_name(op)!r}{on_table}{schema})"
    if op.name in _CREATE_CONSTRAINT and constraint_name(op) and table:
        kind = _CREATE_CONSTRAINT[op.name]
        return (
            f"op.drop_constraint({constraint_name(op)!r}, {table!r}, "
            f"type_={kind!r}{schema})"
        )
    if op.name == "rename_table" and table and op.new_name:
        return f"op.rename_table({op.new_name!r}, {table!r}{schema})"
    renamed = new_column_name(op) if op.name == "alter_column" else None
    if renamed and table and column:
        return (
            f"op.alter_column({table!r}, {renamed!r}, "
            f"new_column_name={column!r}{schema})"
        )
    return None


def describe(op: Operation) -> str:
    """Return ``add_column documents.title`` and the like, for messages."""
    table = table_name(op)
    if op.name in ("add_column", "drop_column", "alter_column"):
        target = f"{table}.{column_name(op)}"
        renamed = new_column_name(op)
        return f"{op.name} {target}" + (f" -> {renamed}" if renamed else "")
    if op.name in ("create_index", "drop_index"):
        return f"{op.name} {index_name(op)}" + (f" on {table}" if table else "")
    if op.name in _CREATE_CONSTRAINT or op.name == "drop_constraint":
        return f"{op.name} {constraint_name(op) or '(unnamed)'} on {table}"
    if op.name == "rename_table":
        return f"rename_table {table} -> {op.new_name}"
    return f"{op.name} {table}" if table else op.name
