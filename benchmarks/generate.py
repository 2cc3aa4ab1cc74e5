"""Generate a synthetic SQLAlchemy + Alembic project for the benchmark.

The project is in sync: the models declare exactly what the revision chain
builds at head, so the analysis runs every comparison without stopping
early. The first ``models`` revisions each create one table, the rest
cycle through adding a column, creating an index and widening a column.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

MODELS_PER_FILE = 10

ALEMBIC_INI = """\
[alembic]
script_location = migrations
prepend_sys_path = .
path_separator = os
sqlalchemy.url = sqlite:///bench.sqlite
"""

ENV_PY = """\
from alembic import context
from sqlalchemy import engine_from_config, pool

from app.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata, compare_type=True
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
"""

BASE_PY = """\
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
"""

REVISION = '''\
"""{message}

Revision ID: {revision}
Revises: {down_revision}
Create Date: 2026-01-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = {revision!r}
down_revision = {down_revision!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
{upgrade}


def downgrade() -> None:
{downgrade}
'''


@dataclass
class TableState:
    """The shape the chain has built for one table so far."""

    index: int
    has_note: bool = False
    name_indexed: bool = False
    name_length: int = 40

    @property
    def name(self) -> str:
        return f"table_{self.index:03d}"

    @property
    def class_name(self) -> str:
        return f"Model{self.index:03d}"


def _revision_id(number: int) -> str:
    return hashlib.sha1(f"revision {number}".encode()).hexdigest()[:12]


def _indent(lines: list[str]) -> str:
    return "\n".join(f"    {line}" for line in lines)


def _create_table(table: TableState) -> tuple[str, list[str], list[str]]:
    columns = [
        f'op.create_table("{table.name}",',
        '    sa.Column("id", sa.Integer(), nullable=False),',
        '    sa.Column("name", sa.String(length=40), nullable=False),',
        '    sa.Column("created_at", sa.DateTime(), nullable=False),',
    ]
    if table.index > 0:
        columns.append('    sa.Column("parent_id", sa.Integer(), nullable=True),')
        parent = f"table_{table.index - 1:03d}"
        columns.append(f'    sa.ForeignKeyConstraint(["parent_id"], ["{parent}.id"]),')
    columns.append('    sa.PrimaryKeyConstraint("id"),')
    columns.append(")")
    upgrade = columns
    downgrade = [f'op.drop_table("{table.name}")']
    if table.index > 0:
        index = f"ix_{table.name}_parent_id"
        upgrade.append(f'op.create_index("{index}", "{table.name}", ["parent_id"])')
        downgrade.insert(0, f'op.drop_index("{index}", table_name="{table.name}")')
    return f"create {table.name}", upgrade, downgrade


def _alter_table(
    table: TableState, round_number: int
) -> tuple[str, list[str], list[str]]:
    if round_number % 3 == 0:
        table.has_note = True
        column = 'sa.Column("note", sa.Text(), nullable=True)'
        upgrade = [f'op.add_column("{table.name}", {column})']
        return (
            f"add note to {table.name}",
            upgrade,
            [f'op.drop_column("{table.name}", "note")'],
        )
    if round_number % 3 == 1:
        table.name_indexed = True
        index = f"ix_{table.name}_name"
        upgrade = [f'op.create_index("{index}", "{table.name}", ["name"])']
        return (
            f"index {table.name} name",
            upgrade,
            [f'op.drop_index("{index}", table_name="{table.name}")'],
        )
    old = table.name_length
    table.name_length = old + 40
    change = (
        f'op.alter_column("{table.name}", "name", existing_type=sa.String(length={{}}),'
        " type_=sa.String(length={}), existing_nullable=False)"
    )
    upgrade = [change.format(old, table.name_length)]
    downgrade = [change.format(table.name_length, old)]
    return f"widen {table.name} name", upgrade, downgrade


def _model_class(table: TableState) -> str:
    name_index = ", index=True" if table.name_indexed else ""
    lines = [
        f"class {table.class_name}(Base):",
        f'    __tablename__ = "{table.name}"',
        "",
        "    id: Mapped[int] = mapped_column(primary_key=True)",
        "    name: Mapped[str] = mapped_column("
        f"String({table.name_length}){name_index})",
        "    created_at: Mapped[datetime]",
    ]
    if table.index > 0:
        parent = f"table_{table.index - 1:03d}"
        lines.append(
            "    parent_id: Mapped[Optional[int]] = mapped_column("
            f'ForeignKey("{parent}.id"), index=True)'
        )
    if table.has_note:
        lines.append("    note: Mapped[Optional[str]] = mapped_column(Text)")
    return "\n".join(lines)


MODEL_HEADER = """\
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
"""


def generate_project(root: Path, models: int, revisions: int) -> list[Path]:
    """Write the project under ``root`` and return its model file paths."""
    if revisions < models:
        raise ValueError("revisions must be at least the number of models")
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "alembic.ini").write_text(ALEMBIC_INI)
    (root / "migrations" / "env.py").write_text(ENV_PY)
    package = root / "app" / "models"
    package.mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (package / "base.py").write_text(BASE_PY)

    tables = [TableState(index) for index in range(models)]
    down: str | None = None
    for number in range(revisions):
        if number < models:
            message, upgrade, downgrade = _create_table(tables[number])
        else:
            step = number - models
            table = tables[step % models]
            message, upgrade, downgrade = _alter_table(table, step // models)
        revision = _revision_id(number)
        text = REVISION.format(
            message=message,
            revision=revision,
            down_revision=down,
            upgrade=_indent(upgrade),
            downgrade=_indent(downgrade),
        )
        slug = message.replace(" ", "_")
        (versions / f"{number:04d}_{revision}_{slug}.py").write_text(text)
        down = revision

    model_files: list[Path] = []
    imports: list[str] = ["from app.models.base import Base"]
    for start in range(0, models, MODELS_PER_FILE):
        chunk = tables[start : start + MODELS_PER_FILE]
        module = f"m{start // MODELS_PER_FILE:03d}"
        body = "\n\n\n".join(_model_class(table) for table in chunk)
        path = package / f"{module}.py"
        path.write_text(f"{MODEL_HEADER}\n\n{body}\n")
        model_files.append(path)
        names = ", ".join(table.class_name for table in chunk)
        imports.append(f"from app.models.{module} import {names}")
    (package / "__init__.py").write_text("\n".join(imports) + "\n")
    return model_files
