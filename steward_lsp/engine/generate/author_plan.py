"""The plan of a migration: its operations, notes, and the shared builders.

:mod:`author_ops` orders whole tables and :mod:`author_table` changes
existing ones; both build index, foreign-key and ENUM type operations with
the helpers here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops

from steward_lsp.engine.generate.author_directives import EnumMembersOp, EnumTypeOp
from steward_lsp.engine.generate.author_schema import (
    column_type,
    foreign_key_name,
    index_columns,
    index_name,
    indexes_of,
)
from steward_lsp.engine.schema import ColumnDef, ForeignKeyDef, SchemaState, TableDef
from steward_lsp.engine.sqla.dialects import load_dialect


@dataclass
class Plan:
    """The operations of the upgrade and what the user should know about them.

    ``added_columns`` lists ``(table, column)`` of the nullable columns
    without a server default added to existing tables, which the seed stub
    fills. A NOT NULL column is backfilled inside the revision instead.
    """

    operations: list[ops.MigrateOperation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    added_columns: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Planner:
    """Builds the operations of each table's drift for one dialect.

    ``model_enums`` and ``head_enums`` name the ENUM types that columns of
    each side use, so that a type is created only when head lacks it and
    dropped only when the models no longer use it.
    """

    dialect: str | None
    convention: dict[str, str]
    model_enums: set[str] = field(default_factory=set)
    head_enums: set[str] = field(default_factory=set)
    enums_done: set[str] = field(default_factory=set)
    head_schema: SchemaState = field(default_factory=SchemaState)
    plan: Plan = field(default_factory=Plan)
    model_schema: SchemaState = field(default_factory=SchemaState)

    def convention_of(self, table: TableDef) -> dict[str, str]:
        """Return the naming convention of the model MetaData of ``table``."""
        if table.key in self.model_schema.table_conventions:
            return self.model_schema.convention_of(table)
        return self.convention

    @property
    def concurrent_indexes(self) -> bool:
        """Whether index changes on existing tables run concurrently."""
        return self.dialect == "postgresql"

    def metadata(self, table: TableDef) -> sa.MetaData:
        """Return a MetaData with the naming convention of ``table``'s models."""
        return sa.MetaData(naming_convention=self.convention_of(table))

    def note(self, message: str) -> None:
        """Add a message for the user."""
        self.plan.notes.append(message)

    def enum_types(
        self, columns: list[ColumnDef], *, implicit: bool, kept: set[str]
    ) -> list[ops.MigrateOperation]:
        """Return the creates of the PostgreSQL ENUM types ``columns`` use.

        Types in ``kept`` exist before and after the revision, so they get
        none. A caller that removes the columns reverses the creates into
        drops.
        """
        if self.dialect != "postgresql":
            return []
        found: list[ops.MigrateOperation] = []
        for column in columns:
            name = enum_name(column)
            if name is None or name in kept or name in self.enums_done:
                continue
            self.enums_done.add(name)
            enum = column_type(column, self.dialect)
            found.append(EnumTypeOp(enum, create=True, implicit=implicit))
        return found


def enum_members_op(
    planner: Planner, column: ColumnDef, previous: list[str]
) -> EnumMembersOp | None:
    """Return the change of the ENUM type of ``column`` to the model's members.

    Every head column that uses the type is converted with it. None when
    the type was changed already, for another column.
    """
    name = enum_name(column)
    if name is None or name in planner.enums_done:
        return None
    planner.enums_done.add(name)
    preparer = dialect_named(planner.dialect).identifier_preparer
    columns = []
    for table in planner.head_schema.tables.values():
        quoted = preparer.quote(table.name)
        if table.schema:
            quoted = f"{preparer.quote_schema(table.schema)}.{quoted}"
        for other in table.columns.values():
            if enum_name(other) == name:
                columns.append(
                    (quoted, preparer.quote(other.name), other.server_default)
                )
    enum = column_type(column, planner.dialect)
    return EnumMembersOp(enum, columns, previous)


def index_op(
    table: TableDef, name: object, planner: Planner, concurrently: bool = False
) -> ops.CreateIndexOp | None:
    for index in indexes_of(table, planner.convention_of(table)):
        if index.name != name:
            continue
        kw: dict[str, Any] = {"postgresql_concurrently": True} if concurrently else {}
        kw.update(_index_options(table, index.name, planner))
        return ops.CreateIndexOp(
            index_name(index, table),
            table.name,
            index_columns(index),
            schema=table.schema,
            unique=index.unique,
            **kw,
        )
    return None


def _index_options(
    table: TableDef, name: str | None, planner: Planner
) -> dict[str, Any]:
    """Return the dialect options of index ``name`` that can be written.

    The parser keeps a ``*_where`` option as SQL text and a string option
    (``postgresql_using='gin'``) as the string. Any other value is source
    text, which a note names for the user to copy.
    """
    written: dict[str, Any] = {}
    for index in table.indexes:
        if index.name != name:
            continue
        for option, value in index.dialect_options.items():
            if option.endswith("_where"):
                written[option] = sa.text(value)
            elif option.endswith("_using"):
                written[option] = value
            else:
                planner.note(
                    f"index {name} on {table.key}: option {option}={value} is "
                    "not written; add it to the create_index by hand"
                )
    return written


def foreign_key_op(
    table: TableDef, shape: dict[str, Any], convention: dict[str, str]
) -> ops.CreateForeignKeyOp:
    """Return ``create_foreign_key`` for the foreign key data of a finding."""
    fk = ForeignKeyDef(
        columns=tuple(shape["columns"]),
        referred_table=shape["referred_table"],
        referred_columns=tuple(shape["referred_columns"]),
        referred_schema=shape.get("referred_schema"),
        name=shape.get("name"),
        ondelete=shape.get("ondelete"),
        onupdate=shape.get("onupdate"),
    )
    return create_foreign_key(table, fk, convention)


def create_foreign_key(
    table: TableDef, fk: ForeignKeyDef, convention: dict[str, str]
) -> ops.CreateForeignKeyOp:
    """Return ``create_foreign_key`` for ``fk`` of ``table``."""
    return ops.CreateForeignKeyOp(
        foreign_key_name(fk, table.name, convention, table.schema),
        table.name,
        fk.referred_table,
        list(fk.columns),
        list(fk.referred_columns),
        source_schema=table.schema,
        referent_schema=fk.referred_schema,
        ondelete=fk.ondelete,
        onupdate=fk.onupdate,
    )


def is_nullable(column: ColumnDef) -> bool:
    """Return whether ``column`` allows NULL (a primary key never does)."""
    return column.nullable and not column.primary_key


def dialect_named(name: str | None) -> sa.engine.Dialect:
    """Return SQLAlchemy's dialect ``name`` (SQLite when unknown)."""
    return load_dialect(name or "sqlite")


def enum_name(column: ColumnDef) -> str | None:
    """Return the name of the native ENUM type of ``column``, if it has one."""
    spec = column.type
    if spec is None or spec.name.rpartition(".")[2].lower() != "enum":
        return None
    if spec.kwarg("native_enum", True) is False:
        return None
    name = spec.kwarg("name")
    return name if isinstance(name, str) else None


def enum_names(schema: SchemaState) -> set[str]:
    """Return the names of the native ENUM types the columns of ``schema`` use."""
    return {
        name
        for table in schema.tables.values()
        for column in table.columns.values()
        if (name := enum_name(column)) is not None
    }
