"""Files of a small Alembic project for the CLI tests, and a writer for them."""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

ALEMBIC_INI = """\
[alembic]
script_location = migrations
sqlalchemy.url = postgresql+psycopg://app:secret@localhost/app
"""

ENV_PY = """\
from alembic import context

from app.models import Base

target_metadata = Base.metadata
"""

MODELS_PY = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
"""

FIRST_REVISION = '''\
"""create accounts"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("accounts")
'''

# Python reports the syntax error at line 7, column 13 (both 1-based).
BROKEN_REVISION = '''\
"""half-typed revision"""
from alembic import op

revision = "0002"
down_revision = "0001"

def upgrade(:
    pass
'''
BROKEN_LINE, BROKEN_COLUMN = 7, 13

Runner = Callable[..., subprocess.CompletedProcess[str]]


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (relative path to text) under ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
