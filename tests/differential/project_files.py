"""Render a schema spec as a real Alembic project on disk.

``write_project`` writes alembic.ini, env.py, script.py.mako, a models module
with Core ``Table`` objects and the revision chain. Revision ``0001`` creates
every table of the spec, and an optional ``0002`` applies an edit with
``op.*`` calls. On SQLite those run in ``batch_alter_table``, because SQLite
cannot ALTER most things.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from schema_specs import (
    NAMING_CONVENTION,
    ColumnSpec,
    Edit,
    ForeignKeySpec,
    IndexSpec,
    SchemaSpec,
    TableSpec,
    UniqueSpec,
    foreign_key_name,
    unique_name,
)

ALEMBIC_INI = """\
[alembic]
script_location = migrations
prepend_sys_path = .
path_separator = os
sqlalchemy.url = {url}
"""

ENV_PY = """\
from alembic import context
from sqlalchemy import engine_from_config, pool

from models import metadata

config = context.config
target_metadata = metadata


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {{}}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_server_default={compare_server_default},
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
"""

SCRIPT_MAKO = '''\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""
from alembic import op
import sqlalchemy as sa

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''

REVISION = '''\
"""{message}

Revision ID: {revision}
Revises: {down_revision}
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

revision = {revision!r}
down_revision = {down_revision!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
{body}


def downgrade() -> None:
    pass
'''


# The project's own column types, which models may use in place of the
# type a revision spells out.
COLTYPES_PY = """\
import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class Token(TypeDecorator):
    impl = sa.String(64)
    cache_ok = True


class Code(TypeDecorator):
    impl = sa.String
    cache_ok = True


class Guid(TypeDecorator):
    impl = sa.Uuid
    cache_ok = True
"""


def write_project(
    root: Path, url: str, models: SchemaSpec, base: SchemaSpec, edit: Edit | None
) -> None:
    """Write the project: models from ``models``, revisions from ``base``.

    With ``edit``, a second revision applies it to ``base``.
    """
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "alembic.ini").write_text(ALEMBIC_INI.format(url=url))
    (root / "migrations" / "env.py").write_text(
        ENV_PY.format(compare_server_default=base.compare_server_default)
    )
    (root / "migrations" / "script.py.mako").write_text(SCRIPT_MAKO)
    (root / "coltypes.py").write_text(COLTYPES_PY)
    (root / "models.py").write_text(models_source(models))
    body = create_body(base)
    (versions / "0001_create.py").write_text(
        REVISION.format(
            message="create", revision="0001", down_revision=None, body=body
        )
    )
    if edit is not None:
        body = edit_body(edit, base, batch=dialect == "sqlite")
        (versions / "0002_edit.py").write_text(
            REVISION.format(
                message=edit.kind, revision="0002", down_revision="0001", body=body
            )
        )


# -- models ----------------------------------------------------------------


# The Python type of a Mapped[...] annotation per type kind.
PYTHON_TYPES = {
    "String": "str",
    "Text": "str",
    "Enum": "str",
    "Integer": "int",
    "BigInteger": "int",
    "Numeric": "decimal.Decimal",
    "Boolean": "bool",
    "DateTime": "datetime.datetime",
    "JSON": "dict[str, object]",
    "LargeBinary": "bytes",
}


def models_source(schema: SchemaSpec) -> str:
    if schema.style == "declarative":
        return _declarative_source(schema)
    lines = [
        "import sqlalchemy as sa",
        "from sqlalchemy.dialects import mysql, postgresql",
        "",
        *_coltypes_import(schema),
    ]
    if schema.naming_convention:
        lines.append(f"metadata = sa.MetaData(naming_convention={NAMING_CONVENTION!r})")
    else:
        lines.append("metadata = sa.MetaData()")
    for table in schema.tables:
        lines += ["", "", *_model_table(table)]
    return "\n".join(lines) + "\n"


def _coltypes_import(schema: SchemaSpec) -> list[str]:
    """Return the import of coltypes and a blank line, if a column uses it."""
    used = any(
        column.type.model_text is not None
        for table in schema.tables
        for column in table.columns
    )
    return ["import coltypes", ""] if used else []


def _model_table(table: TableSpec) -> list[str]:
    unnamed_fks = {fk.column: fk for fk in table.foreign_keys if fk.name is None}
    lines = [f"{table.name} = sa.Table(", f"    {table.name!r},", "    metadata,"]
    lines.append('    sa.Column("id", sa.Integer(), primary_key=True),')
    for column in table.columns:
        fk = unnamed_fks.get(column.name)
        lines.append(f"    {_model_column(column, fk)},")
    for unique in table.uniques:
        lines.append(f"    {_unique_source(unique.columns, unique.name)},")
    for fk in table.foreign_keys:
        if fk.name is not None:
            lines.append(f"    {_foreign_key_source(fk, fk.name)},")
    for check in table.checks:
        lines.append(
            f"    sa.CheckConstraint({check.column + ' > 0'!r}, name={check.name!r}),"
        )
    lines.append(")")
    for index in table.indexes:
        lines.append(_model_index(table.name, index))
    return lines


def _declarative_source(schema: SchemaSpec) -> str:
    lines = [
        "import datetime",
        "import decimal",
        "import uuid",
        "from typing import Optional",
        "",
        "import sqlalchemy as sa",
        "from sqlalchemy.dialects import mysql, postgresql",
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column",
        "",
        *_coltypes_import(schema),
        "",
        "class Base(DeclarativeBase):",
    ]
    if schema.naming_convention:
        lines.append(
            f"    metadata = sa.MetaData(naming_convention={NAMING_CONVENTION!r})"
        )
    else:
        lines.append("    pass")
    lines.append("")
    lines.append("")
    lines.append("metadata = Base.metadata")
    for table in schema.tables:
        lines += ["", "", *_model_class(table)]
    return "\n".join(lines) + "\n"


def _class_name(table: str) -> str:
    return table.capitalize()


def _model_class(table: TableSpec) -> list[str]:
    class_name = _class_name(table.name)
    unnamed_fks = {fk.column: fk for fk in table.foreign_keys if fk.name is None}
    lines = [f"class {class_name}(Base):", f"    __tablename__ = {table.name!r}"]
    table_args = [_unique_source(u.columns, u.name) for u in table.uniques]
    table_args += [
        _foreign_key_source(fk, fk.name) for fk in table.foreign_keys if fk.name
    ]
    table_args += [
        f"sa.CheckConstraint({check.column + ' > 0'!r}, name={check.name!r})"
        for check in table.checks
    ]
    if table_args:
        lines.append("    __table_args__ = (")
        lines += [f"        {argument}," for argument in table_args]
        lines.append("    )")
    lines.append("")
    lines.append("    id: Mapped[int] = mapped_column(primary_key=True)")
    for column in table.columns:
        python_type = column.type.python or PYTHON_TYPES[column.type.kind]
        if column.nullable:
            python_type = f"Optional[{python_type}]"
        parts = [column.type.model_source()]
        fk = unnamed_fks.get(column.name)
        if fk is not None:
            parts.append(f"sa.ForeignKey({fk.referred + '.id'!r})")
        if column.server_default is not None:
            parts.append(f"server_default={column.server_default}")
        if column.flag is not None:
            parts.append(f"{column.flag}=True")
        lines.append(
            f"    {column.name}: Mapped[{python_type}] = "
            f"mapped_column({', '.join(parts)})"
        )
    for index in table.indexes:
        lines.append("")
        lines.append(_model_index(class_name, index, attribute=True))
    return lines


def _model_column(column: ColumnSpec, fk: ForeignKeySpec | None) -> str:
    parts = [repr(column.name), column.type.model_source()]
    if fk is not None:
        parts.append(f"sa.ForeignKey({fk.referred + '.id'!r})")
    parts.append(f"nullable={column.nullable}")
    if column.server_default is not None:
        parts.append(f"server_default={column.server_default}")
    if column.flag is not None:
        parts.append(f"{column.flag}=True")
    return f"sa.Column({', '.join(parts)})"


def _model_index(table: str, index: IndexSpec, attribute: bool = False) -> str:
    """Return a module-level Index on ``table.c.x``, or ``Class.x`` if attribute."""
    prefix = f"{table}." if attribute else f"{table}.c."
    elements = [prefix + name for name in index.columns]
    if index.form == "desc":
        elements[0] += ".desc()"
    elif index.form == "expression":
        elements[0] = f"sa.func.lower({elements[0]})"
    parts = [repr(index.name), *elements]
    parts += _index_options(index)
    return f"sa.Index({', '.join(parts)})"


def _index_options(index: IndexSpec) -> list[str]:
    options = []
    if index.unique:
        options.append("unique=True")
    if index.form == "partial":
        predicate = f"{index.columns[0]} IS NOT NULL"
        options.append(f"postgresql_where=sa.text({predicate!r})")
    return options


def _unique_source(columns: tuple[str, ...], name: str | None) -> str:
    names = ", ".join(repr(column) for column in columns)
    return f"sa.UniqueConstraint({names}, name={name!r})"


def _foreign_key_source(fk: ForeignKeySpec, name: str | None) -> str:
    return (
        f"sa.ForeignKeyConstraint([{fk.column!r}], [{fk.referred + '.id'!r}], "
        f"name={name!r})"
    )


# -- revisions -------------------------------------------------------------


def _op_name(name: str | None) -> str:
    # op.f() marks a name as final, so a naming convention leaves it as is.
    return "None" if name is None else f"op.f({name!r})"


def create_body(schema: SchemaSpec) -> str:
    lines: list[str] = []
    convention = schema.naming_convention
    for table in schema.tables:
        lines.append("op.create_table(")
        lines.append(f"    {table.name!r},")
        lines.append('    sa.Column("id", sa.Integer(), nullable=False),')
        for column in table.columns:
            lines.append(f"    {_revision_column(column)},")
        pk_name = f"pk_{table.name}" if convention else None
        lines.append(f'    sa.PrimaryKeyConstraint("id", name={_op_name(pk_name)}),')
        for column in table.columns:
            if column.flag == "unique":
                flag_unique = UniqueSpec(None, (column.name,))
                name = unique_name(table, flag_unique, convention)
                lines.append(f"    {_revision_unique(column.name, name)},")
        for unique in table.uniques:
            name = unique_name(table, unique, convention)
            names = ", ".join(repr(column) for column in unique.columns)
            lines.append(f"    sa.UniqueConstraint({names}, name={_op_name(name)}),")
        for fk in table.foreign_keys:
            name = foreign_key_name(fk, table.name, convention)
            lines.append(
                f"    sa.ForeignKeyConstraint([{fk.column!r}], "
                f"[{fk.referred + '.id'!r}], name={_op_name(name)}),"
            )
        for check in table.checks:
            name = f"ck_{table.name}_{check.name}" if convention else check.name
            lines.append(
                f"    sa.CheckConstraint({check.column + ' > 0'!r}, "
                f"name={_op_name(name)}),"
            )
        lines.append(")")
        for column in table.columns:
            if column.flag == "index":
                name = f"ix_{table.name}_{column.name}"
                lines.append(
                    f"op.create_index({_op_name(name)}, {table.name!r}, "
                    f"[{column.name!r}])"
                )
        for index in table.indexes:
            lines.append(_revision_create_index(table.name, index, batch=False))
    return _indent(lines)


def _revision_unique(column: str, name: str | None) -> str:
    return f"sa.UniqueConstraint({column!r}, name={_op_name(name)})"


def _revision_column(column: ColumnSpec) -> str:
    parts = [repr(column.name), column.type.source(), f"nullable={column.nullable}"]
    if column.server_default is not None:
        parts.append(f"server_default={column.server_default}")
    return f"sa.Column({', '.join(parts)})"


def _revision_index_elements(index: IndexSpec) -> str:
    elements = [repr(name) for name in index.columns]
    if index.form == "desc":
        elements[0] = f"sa.text({index.columns[0] + ' DESC'!r})"
    elif index.form == "expression":
        elements[0] = f"sa.text({'lower(' + index.columns[0] + ')'!r})"
    return f"[{', '.join(elements)}]"


def _revision_create_index(table: str, index: IndexSpec, batch: bool) -> str:
    target = "batch_op.create_index(" if batch else "op.create_index("
    parts = [_op_name(index.name)]
    if not batch:
        parts.append(repr(table))
    parts.append(_revision_index_elements(index))
    parts += _index_options(index)
    return f"{target}{', '.join(parts)})"


def edit_body(edit: Edit, schema: SchemaSpec, batch: bool) -> str:
    """Return the upgrade body that applies ``edit`` to the head of ``schema``."""
    table = edit.before.name
    if edit.kind == "add_table":
        return create_body(replace(schema, tables=(edit.after,)))
    if edit.kind == "drop_table":
        return _indent([f"op.drop_table({table!r})"])
    lines = _edit_lines(edit, schema, batch)
    if batch:
        head = f"with op.batch_alter_table({table!r}) as batch_op:"
        return _indent([head, *("    " + line for line in lines)])
    return _indent(lines)


def _edit_lines(edit: Edit, schema: SchemaSpec, batch: bool) -> list[str]:
    table = edit.before.name
    # In batch mode the table is the batch's; plain op calls name it first.
    target = "batch_op." if batch else "op."
    on_table = "" if batch else f"{table!r}, "
    if edit.kind == "none":
        return ["pass"]
    if edit.kind == "add_column":
        assert edit.column is not None
        return [f"{target}add_column({on_table}{_revision_column(edit.column)})"]
    if edit.kind == "drop_column":
        assert edit.column is not None
        return [f"{target}drop_column({on_table}{edit.column.name!r})"]
    if edit.kind.startswith("alter_"):
        return [_alter_column(edit, target, on_table)]
    if edit.kind == "rename_column":
        assert edit.column is not None and edit.new_column is not None
        return [
            f"{target}alter_column({on_table}{edit.column.name!r}, "
            f"new_column_name={edit.new_column.name!r}, "
            f"existing_type={edit.column.type.source()}, "
            f"existing_nullable={edit.column.nullable}, "
            f"existing_server_default={edit.column.server_default})"
        ]
    if edit.kind == "add_flag":
        return [_flag_line(edit, schema, batch)]
    if edit.kind == "add_index":
        assert edit.index is not None
        return [_revision_create_index(table, edit.index, batch)]
    if edit.kind == "drop_index":
        assert edit.index is not None
        where = "" if batch else f", table_name={table!r}"
        return [f"{target}drop_index({_op_name(edit.index.name)}{where})"]
    convention = schema.naming_convention
    if edit.kind == "add_unique":
        assert edit.unique is not None
        columns = list(edit.unique.columns)
        name = _op_name(edit.unique.name)
        return [f"{target}create_unique_constraint({name}, {on_table}{columns!r})"]
    if edit.kind == "drop_unique":
        assert edit.unique is not None
        name = _op_name(unique_name(edit.before, edit.unique, convention))
        return [f'{target}drop_constraint({name}, {on_table}type_="unique")']
    fk = edit.foreign_key
    assert fk is not None
    if edit.kind == "add_foreign_key":
        return [
            f"{target}create_foreign_key({_op_name(fk.name)}, {on_table}"
            f"{fk.referred!r}, [{fk.column!r}], ['id'])"
        ]
    name = _op_name(foreign_key_name(fk, table, convention))
    return [f'{target}drop_constraint({name}, {on_table}type_="foreignkey")']


def _flag_line(edit: Edit, schema: SchemaSpec, batch: bool) -> str:
    """Return the op that builds what ``index=True`` or ``unique=True`` builds."""
    column = edit.new_column
    assert column is not None
    table = edit.before.name
    if column.flag == "index":
        index = IndexSpec(f"ix_{table}_{column.name}", (column.name,))
        return _revision_create_index(table, index, batch)
    unique = UniqueSpec(None, (column.name,))
    name = _op_name(unique_name(edit.before, unique, schema.naming_convention))
    if batch:
        return f"batch_op.create_unique_constraint({name}, [{column.name!r}])"
    return f"op.create_unique_constraint({name}, {table!r}, [{column.name!r}])"


def _alter_column(edit: Edit, target: str, on_table: str) -> str:
    column, new = edit.column, edit.new_column
    assert column is not None and new is not None
    parts = [f"{on_table}{column.name!r}", f"existing_type={column.type.source()}"]
    if new.type != column.type:
        parts.append(f"type_={new.type.source()}")
    if new.nullable != column.nullable:
        parts.append(f"nullable={new.nullable}")
    else:
        parts.append(f"existing_nullable={column.nullable}")
    if new.server_default != column.server_default:
        parts.append(f"server_default={new.server_default}")
    elif column.server_default is not None:
        parts.append(f"existing_server_default={column.server_default}")
    if column.server_default is not None and new.server_default is None:
        parts.append(f"existing_server_default={column.server_default}")
    return f"{target}alter_column({', '.join(parts)})"


def _indent(lines: list[str]) -> str:
    return "\n".join("    " + line for line in lines) if lines else "    pass"
