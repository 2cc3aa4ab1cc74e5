"""SQLAlchemy objects for the tables, columns and constraints of a SchemaState.

The migration author builds Alembic operations from these, the way
autogenerate builds them from the target metadata and the reflected
database. A column whose type steward cannot build (a project's own
TypeDecorator, say) raises :class:`UnbuildableType`, so the caller can
leave that change to the user instead of writing a wrong type.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import conv

from steward_lsp.engine.rules.naming import convention_name
from steward_lsp.engine.rules.server_defaults import normalize_server_default
from steward_lsp.engine.rules.table_shape import (
    IndexShape,
    table_indexes,
    table_uniques,
)
from steward_lsp.engine.rules.type_compare import build_type, for_dialect
from steward_lsp.engine.schema import ColumnDef, ForeignKeyDef, TableDef

# Server defaults written as Python calls, which are no SQL text.
_PYTHON_DEFAULT_PREFIXES = ("sa.", "sqlalchemy.", "func.", "expression.")
_PYTHON_DEFAULT_CALLS = ("true()", "false()")
_NOW_CALLS = ("now()", "func.now()", "sa.func.now()", "sqlalchemy.func.now()")


class UnbuildableType(Exception):
    """A column type that steward cannot turn into a SQLAlchemy type."""


def build_column(
    column: ColumnDef, dialect: str | None, *, nullable: bool | None = None
) -> sa.Column[Any]:
    """Return ``column`` as a SQLAlchemy Column without keys or indexes.

    Foreign keys, ``unique=True`` and ``index=True`` become operations of
    their own, as in autogenerate. ``nullable`` overrides the column's.
    """
    return sa.Column(
        column.name,
        column_type(column, dialect),
        primary_key=column.primary_key,
        nullable=column.nullable and not column.primary_key
        if nullable is None
        else nullable,
        server_default=server_default(column.server_default, dialect),
        autoincrement=column.autoincrement,  # type: ignore[arg-type]
        comment=column.comment,
    )


def column_type(column: ColumnDef, dialect: str | None) -> Any:
    """Return the SQLAlchemy type of ``column`` on ``dialect``."""
    spec = column.type
    built = build_type(for_dialect(spec, dialect)) if spec is not None else None
    if built is None:
        written = spec.text or spec.name if spec is not None else "no type"
        raise UnbuildableType(f"type {written} of column {column.name}")
    return built


def server_default(text: str | None, dialect: str | None) -> Any:
    """Return the ``server_default=`` argument for a default's SQL text.

    A quoted literal becomes a plain string, which Alembic renders as
    autogenerate does (``server_default='active'``); any other expression
    becomes ``sa.text()``.
    """
    if text is None:
        return None
    value = text.strip()
    if value.lower() in _NOW_CALLS:
        # Alembic compiles func.now() for the dialect: CURRENT_TIMESTAMP on
        # SQLite, which has no now() function.
        return sa.func.now()
    if value.startswith(_PYTHON_DEFAULT_PREFIXES) or value in _PYTHON_DEFAULT_CALLS:
        value = normalize_server_default(value, dialect) or value
    if len(value) >= 2 and value[0] == value[-1] == "'" and "'" not in value[1:-1]:
        return value[1:-1]
    return sa.text(value)


def build_table(
    table: TableDef, metadata: sa.MetaData, dialect: str | None
) -> sa.Table:
    """Return ``table`` as a SQLAlchemy Table on ``metadata``, without indexes.

    Raises UnbuildableType when a column's type cannot be built.
    """
    columns = [build_column(column, dialect) for column in table.columns.values()]
    constraints: list[sa.Constraint] = []
    if table.primary_key:
        constraints.append(
            sa.PrimaryKeyConstraint(*table.primary_key, name=table.primary_key_name)
        )
    convention = metadata.naming_convention
    constraints.extend(
        foreign_key_constraint(fk, table.name, convention, table.schema)
        for fk in table.all_foreign_keys()
    )
    constraints.extend(
        sa.UniqueConstraint(*unique.columns, name=unique.name)
        for unique in table_uniques(table, dict(convention))  # type: ignore[arg-type]
    )
    constraints.extend(
        sa.CheckConstraint(sa.text(check.sqltext), name=check.name)
        for check in table.checks
    )
    return sa.Table(
        table.name,
        metadata,
        *columns,
        *constraints,
        schema=table.schema,
        comment=table.comment,
    )


def foreign_key_constraint(
    fk: ForeignKeyDef, table: str, convention: Any, schema: str | None = None
) -> sa.ForeignKeyConstraint:
    """Return ``fk`` as a ForeignKeyConstraint with a name to drop it by."""
    prefix = f"{fk.referred_schema}." if fk.referred_schema else ""
    return sa.ForeignKeyConstraint(
        list(fk.columns),
        [f"{prefix}{fk.referred_table}.{column}" for column in fk.referred_columns],
        name=foreign_key_name(fk, table, convention, schema),
        ondelete=fk.ondelete,
        onupdate=fk.onupdate,
    )


def foreign_key_name(
    fk: ForeignKeyDef, table: str, convention: Any, schema: str | None = None
) -> str:
    """Return the name of ``fk``: its own, the convention's, or a made-up one.

    NOTE: an unnamed foreign key gets ``fk_<table>_<columns>_<referred>``,
    because a downgrade cannot drop a constraint without a name. Alembic's
    comparison ignores foreign-key names, so the name is no drift.
    """
    named = convention_name(
        dict(convention),
        "fk",
        table,
        fk.columns,
        fk.name,
        fk.referred_table,
        fk.referred_columns,
        schema,
    )
    if named is not None:
        return named
    return "_".join(("fk", table, *fk.columns, fk.referred_table))


# The maximum identifier length PostgreSQL keeps (NAMEDATALEN - 1), in bytes.
_POSTGRESQL_NAME_BYTES = 63


def postgresql_constraint_name(table: str, columns: list[str], label: str) -> str:
    """Return the name PostgreSQL gives an unnamed constraint.

    ``label`` is ``fkey`` for a foreign key and ``key`` for a unique
    constraint. As PostgreSQL's makeObjectName does, the table name and the
    joined column names are shortened, the longer one first, until the name
    fits in 63 bytes. NOTE: when that name is taken, PostgreSQL appends a
    number, which steward cannot know.
    """
    first = table.encode()
    second = "_".join(columns).encode()
    available = _POSTGRESQL_NAME_BYTES - len(label) - 2
    first_length, second_length = len(first), len(second)
    while first_length + second_length > available:
        if first_length > second_length:
            first_length -= 1
        else:
            second_length -= 1
    parts = (
        first[:first_length].decode(errors="ignore"),
        second[:second_length].decode(errors="ignore"),
        label,
    )
    return "_".join(parts)


def indexes_of(table: TableDef, convention: dict[str, str]) -> list[IndexShape]:
    """Return the named indexes of ``table``, column flags included."""
    return [index for index in table_indexes(table, convention) if index.name]


def index_name(index: IndexShape, table: TableDef) -> str | conv:
    """Return the index name, marked final (``op.f()``) when a convention made it.

    Autogenerate renders a name that a naming convention produced as
    ``op.f('...')``, so that the convention is not applied a second time.
    """
    assert index.name is not None
    explicit = {i.name for i in table.indexes if i.name}
    return index.name if index.name in explicit else conv(index.name)


def index_columns(index: IndexShape) -> list[Any]:
    """Return the index's columns: names, or ``sa.text()`` for expressions."""
    return [
        expression if expression.isidentifier() else sa.text(expression)
        for expression in index.expressions
    ]
