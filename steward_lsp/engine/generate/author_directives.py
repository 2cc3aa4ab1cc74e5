"""Operations Alembic has no class for, with their renderers and inverses.

The safety rewrites of the migration author wrap Alembic's own operations:
a block run outside the transaction (``autocommit_block``), an added column
backfilled before it becomes NOT NULL, and an operation with a comment above
it. Each is a :class:`~alembic.operations.ops.MigrateOperation` whose
``reverse()`` gives the downgrade, and whose renderer is registered on
Alembic's renderer dispatch, so ``UpgradeOps.reverse()`` and Alembic's
renderer handle them like any other operation.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from typing import Any

from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import _alter_column, render_op
from alembic.operations import ops


class AutocommitBlockOp(ops.MigrateOperation):
    """Operations run in ``with op.get_context().autocommit_block():``.

    PostgreSQL builds an index concurrently only outside a transaction.
    """

    def __init__(self, operations: Sequence[ops.MigrateOperation]) -> None:
        self.ops = list(operations)

    def reverse(self) -> AutocommitBlockOp:
        return AutocommitBlockOp([op.reverse() for op in reversed(self.ops)])


class BackfilledColumnOp(ops.MigrateOperation):
    """A NOT NULL column added nullable, backfilled, then made NOT NULL.

    ``add`` and ``tighten`` are the table's operations before and after the
    UPDATE, so that batch mode runs each in its own ``batch_alter_table``.
    The inverse drops the column.
    """

    def __init__(
        self,
        add: ops.ModifyTableOps,
        backfill_sql: str,
        todo: Sequence[str],
        tighten: ops.ModifyTableOps,
    ) -> None:
        self.add = add
        self.backfill_sql = backfill_sql
        self.todo = list(todo)
        self.tighten = tighten

    def reverse(self) -> ops.ModifyTableOps:
        return self.add.reverse()


def enum_type_note(column_key: str) -> str:
    """Return the note for a native ENUM column added for another dialect.

    ``create_table`` creates the type of its enum columns, and ``add_column``
    does not, so on PostgreSQL the revision fails with "type does not exist".
    """
    return (
        f"column {column_key} is a native sa.Enum: on PostgreSQL add_column "
        "does not create its type, so if this revision must run there too, add "
        "sa.Enum(..., name=...).create(op.get_bind(), checkfirst=True) before it"
    )


def backfilled_column(
    table: str,
    schema: str | None,
    nullable: Any,
    existing_type: Any,
    preparer: Any,
) -> BackfilledColumnOp:
    """Return the add, placeholder backfill and NOT NULL of a column.

    ``nullable`` is the column as added, nullable. The UPDATE sets NULL
    under a TODO comment, so it fails on rows until the user writes the
    value.
    """
    add = ops.ModifyTableOps(
        table, [ops.AddColumnOp(table, nullable, schema=schema)], schema=schema
    )
    tighten = ops.ModifyTableOps(
        table,
        [
            ops.AlterColumnOp(
                table,
                nullable.name,
                schema=schema,
                existing_type=existing_type,
                existing_nullable=True,
                modify_nullable=False,
            )
        ],
        schema=schema,
    )
    key = f"{schema}.{table}" if schema else table
    todo = [
        f"TODO: backfill {key}.{nullable.name} before it becomes NOT NULL.",
        "Replace NULL in this UPDATE with the value existing rows get, or",
        "the alter_column below fails on a table that has rows.",
    ]
    quoted = preparer.quote(table)
    if schema:
        quoted = f"{preparer.quote_schema(schema)}.{quoted}"
    name = preparer.quote(nullable.name)
    sql = f"UPDATE {quoted} SET {name} = NULL WHERE {name} IS NULL"
    return BackfilledColumnOp(add, sql, todo, tighten)


class ValidateConstraintOp(ops.MigrateOperation):
    """``ALTER TABLE ... VALIDATE CONSTRAINT`` of a constraint added NOT VALID.

    PostgreSQL checks the existing rows under a lock that lets writes go on,
    once the transaction that added the constraint has committed, so this
    goes in an autocommit block. Its inverse does nothing, because dropping
    the constraint undoes both.
    """

    def __init__(self, table: str, name: str) -> None:
        self.table = table
        self.name = name

    def reverse(self) -> NothingOp:
        return NothingOp(self)


class NothingOp(ops.MigrateOperation):
    """An operation that renders nothing, as the inverse of a validation."""

    def __init__(self, inverse: ops.MigrateOperation) -> None:
        self.inverse = inverse

    def reverse(self) -> ops.MigrateOperation:
        return self.inverse


class CommentedOp(ops.MigrateOperation):
    """An operation with comment lines above it, in upgrade and downgrade."""

    def __init__(
        self,
        comment: Sequence[str],
        operation: ops.MigrateOperation,
        reverse_comment: Sequence[str] | None = None,
    ) -> None:
        self.comment = list(comment)
        self.operation = operation
        self.reverse_comment = (
            list(reverse_comment) if reverse_comment is not None else self.comment
        )

    def reverse(self) -> CommentedOp:
        return CommentedOp(self.reverse_comment, self.operation.reverse(), self.comment)


class RenameColumnOp(ops.AlterColumnOp):
    """An ``alter_column`` with ``new_column_name`` whose inverse renames back.

    Alembic 1.20's ``AlterColumnOp.reverse()`` drops ``modify_name``, so the
    inverse here swaps the two names itself.
    """

    def reverse(self) -> ops.AlterColumnOp:
        inverse = super().reverse()
        inverse.column_name = self.modify_name or self.column_name
        inverse.modify_name = self.column_name
        return inverse


class CastColumnOp(ops.AlterColumnOp):
    """An ``alter_column`` of the type with ``postgresql_using``, both ways.

    PostgreSQL converts a column to an unrelated type (INTEGER to BOOLEAN)
    only with a USING cast, and Alembic's renderer does not write one.
    """

    using: str | None = None
    reverse_using: str | None = None

    def reverse(self) -> ops.AlterColumnOp:
        inverse = super().reverse()
        assert isinstance(inverse, CastColumnOp)
        inverse.using, inverse.reverse_using = self.reverse_using, self.using
        return inverse


def postgresql_cast(alter: ops.AlterColumnOp, dialect: Any) -> ops.AlterColumnOp:
    """Return ``alter`` with ``postgresql_using`` casts when the type family changes.

    A change within one family (VARCHAR(50) to VARCHAR(100)) needs no
    cast, and a cast there could make PostgreSQL rewrite the table.
    """
    if alter.existing_type is None or alter.modify_type is None:
        return alter
    old_ddl = str(alter.existing_type.compile(dialect=dialect))
    new_ddl = str(alter.modify_type.compile(dialect=dialect))
    if old_ddl.split("(")[0] == new_ddl.split("(")[0]:
        return alter
    cast = CastColumnOp(
        alter.table_name,
        alter.column_name,
        schema=alter.schema,
        existing_type=alter.existing_type,
        existing_nullable=alter.existing_nullable,
        existing_server_default=alter.existing_server_default,
        modify_type=alter.modify_type,
        modify_nullable=alter.modify_nullable,
        modify_server_default=alter.modify_server_default,
    )
    name = dialect.identifier_preparer.quote(alter.column_name)
    cast.using = f"{name}::{new_ddl}"
    cast.reverse_using = f"{name}::{old_ddl}"
    return cast


@renderers.dispatch_for(CastColumnOp)
def _render_cast_column(autogen_context: AutogenContext, op: CastColumnOp) -> str:
    text: str = _alter_column(autogen_context, op)
    if op.using is None:
        return text
    return f"{text[:-1]},\n{' ' * 11}postgresql_using={op.using!r})"


@renderers.dispatch_for(AutocommitBlockOp)
def _render_autocommit_block(
    autogen_context: AutogenContext, op: AutocommitBlockOp
) -> list[str]:
    prefix = autogen_context.opts.get("alembic_module_prefix", "op.")
    inner = [line for each in op.ops for line in render_op(autogen_context, each)]
    if not inner:
        return []
    # An empty line ends the block for Mako's PythonPrinter.
    return [f"with {prefix}get_context().autocommit_block():", *inner, ""]


@renderers.dispatch_for(BackfilledColumnOp)
def _render_backfilled_column(
    autogen_context: AutogenContext, op: BackfilledColumnOp
) -> list[str]:
    lines = render_op(autogen_context, op.add)
    lines.extend(f"# {line}" for line in op.todo)
    prefix = autogen_context.opts.get("alembic_module_prefix", "op.")
    lines.append(f"{prefix}execute({_double_quoted(op.backfill_sql)})")
    lines.extend(render_op(autogen_context, op.tighten))
    return lines


def _double_quoted(text: str) -> str:
    """Return ``text`` as a Python string literal in double quotes.

    The user replaces NULL in the backfill with a SQL string literal such
    as 'eu', which must not end the Python string.
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


@renderers.dispatch_for(CommentedOp)
def _render_commented(autogen_context: AutogenContext, op: CommentedOp) -> list[str]:
    lines = [f"# {line}" for line in op.comment]
    lines.extend(render_op(autogen_context, op.operation))
    return lines


class EnumTypeOp(ops.MigrateOperation):
    """Creates or drops a PostgreSQL ENUM type that a column needs.

    ``create_table`` creates the types of its columns itself, so the create
    that goes with a new table is ``implicit`` and renders nothing. Its
    inverse, after ``drop_table``, drops the type, which ``drop_table``
    leaves behind. ``add_column`` creates no type, so the create before it
    is rendered.
    """

    def __init__(self, enum: Any, *, create: bool, implicit: bool) -> None:
        self.enum = enum
        self.create = create
        self.implicit = implicit

    def reverse(self) -> EnumTypeOp:
        return EnumTypeOp(self.enum, create=not self.create, implicit=self.implicit)


@renderers.dispatch_for(EnumTypeOp)
def _render_enum_type(autogen_context: AutogenContext, op: EnumTypeOp) -> list[str]:
    if op.create and op.implicit:
        return []
    prefix = autogen_context.opts.get("alembic_module_prefix", "op.")
    schema = f", schema={op.enum.schema!r}" if op.enum.schema else ""
    if op.create:
        values = "".join(f"{value!r}, " for value in op.enum.enums)
        enum = f"sa.Enum({values}name={op.enum.name!r}{schema})"
        return [f"{enum}.create({prefix}get_bind(), checkfirst=True)"]
    enum = f"sa.Enum(name={op.enum.name!r}{schema})"
    return [f"{enum}.drop({prefix}get_bind(), checkfirst=True)"]


class EnumMembersOp(ops.MigrateOperation):
    """Changes the members of a PostgreSQL ENUM type that columns use.

    Added members only are ``ALTER TYPE ... ADD VALUE``, which PostgreSQL
    runs outside a transaction block before version 12, so the statements go
    in an ``autocommit_block``. A removed member needs a new type: the old
    one is renamed, the new one created, every column converted through
    text, and the old type dropped. Rows holding a removed member make the
    conversion fail, which keeps them.

    ``columns`` are ``(table, column, server default)`` of every column that
    uses the type, with the table as SQL (schema-qualified and quoted).
    """

    def __init__(
        self,
        enum: Any,
        columns: Sequence[tuple[str, str, str | None]],
        previous: Sequence[str],
    ) -> None:
        self.enum = enum
        self.columns = list(columns)
        self.previous = list(previous)

    def reverse(self) -> EnumMembersOp:
        old = copy(self.enum)
        old.enums = list(self.previous)
        inverse = EnumMembersOp(old, self.columns, self.enum.enums)
        return inverse


@renderers.dispatch_for(EnumMembersOp)
def _render_enum_members(
    autogen_context: AutogenContext, op: EnumMembersOp
) -> list[str]:
    prefix = autogen_context.opts.get("alembic_module_prefix", "op.")
    if set(op.previous) <= set(op.enum.enums):
        return _added_members(op, prefix)
    return _new_enum_type(op, prefix)


def _added_members(op: EnumMembersOp, prefix: str) -> list[str]:
    members = list(op.enum.enums)
    existing = [member for member in members if member in op.previous]
    # PostgreSQL 12+ runs ADD VALUE in a transaction, but the value is
    # usable only after commit, so the autocommit block commits it at once.
    lines = [f"with {prefix}get_context().autocommit_block():"]
    for index, member in enumerate(members):
        if member in op.previous:
            continue
        # Members are added in order, so the one before always exists.
        if index > 0:
            place = f" AFTER {_literal(members[index - 1])}"
        elif existing:
            place = f" BEFORE {_literal(existing[0])}"
        else:
            place = ""
        sql = (
            f"ALTER TYPE {_type_name(op)} ADD VALUE IF NOT EXISTS "
            f"{_literal(member)}{place}"
        )
        lines.append(f"{prefix}execute({sql!r})")
    # An empty line ends the block for Mako's PythonPrinter.
    lines.append("")
    return lines


def _new_enum_type(op: EnumMembersOp, prefix: str) -> list[str]:
    name, type_name = op.enum.name, _type_name(op)
    removed = ", ".join(m for m in op.previous if m not in op.enum.enums)
    values = "".join(f"{member!r}, " for member in op.enum.enums)
    enum_schema = f", schema={op.enum.schema!r}" if op.enum.schema else ""
    statements = [f"ALTER TYPE {type_name} RENAME TO {name}_old"]
    create = f"sa.Enum({values}name={name!r}{enum_schema}).create({prefix}get_bind())"
    converts = []
    for table, column, default in op.columns:
        alter = f"ALTER TABLE {table} ALTER COLUMN {column}"
        if default is not None:
            converts.append(f"{alter} DROP DEFAULT")
        converts.append(f"{alter} TYPE {type_name} USING {column}::text::{type_name}")
        if default is not None:
            converts.append(f"{alter} SET DEFAULT {default}")
    old_type = f"{op.enum.schema}.{name}_old" if op.enum.schema else f"{name}_old"
    converts.append(f"DROP TYPE {old_type}")
    return [
        f"# NOTE: the type {name} loses {removed}; rows holding it make the",
        "# conversion below fail.",
        *(f"{prefix}execute({sql!r})" for sql in statements),
        create,
        *(f"{prefix}execute({sql!r})" for sql in converts),
    ]


def _type_name(op: EnumMembersOp) -> str:
    schema = f"{op.enum.schema}." if op.enum.schema else ""
    return f"{schema}{op.enum.name}"


def _literal(member: str) -> str:
    """Return ``member`` as a SQL string literal."""
    escaped = member.replace("'", "''")
    return f"'{escaped}'"


@renderers.dispatch_for(ValidateConstraintOp)
def _render_validate(
    autogen_context: AutogenContext, op: ValidateConstraintOp
) -> list[str]:
    prefix = autogen_context.opts.get("alembic_module_prefix", "op.")
    sql = f"ALTER TABLE {op.table} VALIDATE CONSTRAINT {op.name}"
    return [f"{prefix}execute({sql!r})"]


@renderers.dispatch_for(NothingOp)
def _render_nothing(autogen_context: AutogenContext, op: NothingOp) -> list[str]:
    return []
