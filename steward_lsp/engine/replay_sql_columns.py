"""Columns and table constraints of raw SQL DDL, read from sqlglot trees."""

from __future__ import annotations

from sqlglot import exp

from steward_lsp.engine.replay_sql_types import column_type
from steward_lsp.engine.schema import (
    CheckConstraintDef,
    ColumnDef,
    ForeignKeyDef,
    Location,
    TableDef,
    UniqueConstraintDef,
)

# SQLAlchemy dialect name -> sqlglot dialect name.
SQLGLOT_DIALECTS = {
    "postgresql": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "mssql": "tsql",
    "oracle": "oracle",
}


def sqlglot_dialect(dialect: str | None) -> str | None:
    """Return sqlglot's name for a SQLAlchemy dialect, None for the generic one."""
    return SQLGLOT_DIALECTS.get(dialect or "")


def column_from_sql(
    item: exp.ColumnDef, location: Location | None, dialect: str | None
) -> ColumnDef:
    """Return the column a ``ColumnDef`` of CREATE TABLE or ADD COLUMN declares."""
    read = sqlglot_dialect(dialect)
    kind = item.args.get("kind")
    column = ColumnDef(
        item.name,
        column_type(kind, read) if isinstance(kind, exp.DataType) else None,
        location=location,
    )
    for constraint in item.constraints:
        _column_constraint(column, constraint.kind, read)
    return column


def _column_constraint(column: ColumnDef, kind: exp.Expr, read: str | None) -> None:
    if isinstance(kind, exp.NotNullColumnConstraint):
        column.nullable = bool(kind.args.get("allow_null"))
    elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
        column.primary_key = True
        column.nullable = False
    elif isinstance(kind, exp.DefaultColumnConstraint):
        column.server_default = kind.this.sql(dialect=read)
    elif isinstance(kind, exp.UniqueColumnConstraint):
        column.unique = True
    elif isinstance(kind, exp.Reference):
        referred = _reference(kind)
        if referred is not None:
            table, schema, columns = referred
            column.foreign_keys.append(
                ForeignKeyDef((column.name,), table, columns, schema)
            )


def add_table_constraint(
    table: TableDef, item: exp.Expr, location: Location | None, dialect: str | None
) -> bool:
    """Add a table-level constraint to an edited table; False when not modelled.

    Reads ``PRIMARY KEY (...)``, ``UNIQUE (...)``, ``FOREIGN KEY (...)
    REFERENCES t (...)`` and ``CHECK (...)``, each optionally named with
    ``CONSTRAINT name``.
    """
    name: str | None = None
    parts = [item]
    if isinstance(item, exp.Constraint):
        name = item.name or None
        parts = list(item.expressions)
    return all(_add_part(table, part, name, location, dialect) for part in parts)


def _add_part(
    table: TableDef,
    part: exp.Expr,
    name: str | None,
    location: Location | None,
    dialect: str | None,
) -> bool:
    if isinstance(part, exp.PrimaryKey):
        for identifier in part.expressions:
            column = table.columns.get(identifier.name)
            if column is None:
                return False
            column.primary_key = True
            column.nullable = False
        table.primary_key_name = name
        return True
    if isinstance(part, exp.UniqueColumnConstraint):
        schema = part.this
        if not isinstance(schema, exp.Schema):
            return False
        columns = tuple(identifier.name for identifier in schema.expressions)
        table.uniques.append(UniqueConstraintDef(columns, name, location))
        return True
    if isinstance(part, exp.ForeignKey):
        reference = part.args.get("reference")
        referred = (
            _reference(reference) if isinstance(reference, exp.Reference) else None
        )
        if referred is None:
            return False
        referred_table, referred_schema, referred_columns = referred
        local = tuple(identifier.name for identifier in part.expressions)
        table.foreign_keys.append(
            ForeignKeyDef(
                local,
                referred_table,
                referred_columns,
                referred_schema,
                name,
                location=location,
            )
        )
        return True
    if isinstance(part, exp.CheckColumnConstraint):
        text = part.this.sql(dialect=sqlglot_dialect(dialect))
        table.checks.append(CheckConstraintDef(text, name, location))
        return True
    return False


def _reference(
    reference: exp.Reference,
) -> tuple[str, str | None, tuple[str, ...]] | None:
    """Return (table, schema, columns) of ``REFERENCES t (a, b)``."""
    target = reference.this
    if isinstance(target, exp.Schema) and isinstance(target.this, exp.Table):
        columns = tuple(identifier.name for identifier in target.expressions)
        return target.this.name, target.this.db or None, columns
    if isinstance(target, exp.Table):
        return target.name, target.db or None, ()
    return None
