"""Generated downgrades run: Alembic takes the revision up and down on SQLite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from steward_lsp.engine.analysis import Workspace
from steward_lsp.engine.fixes import FixRequest, fix_for
from steward_lsp.engine.fixes.source import apply_edits

ALEMBIC_INI = """\
[alembic]
script_location = %(here)s/migrations
prepend_sys_path = .
sqlalchemy.url = sqlite:///%(here)s/scratch.sqlite3
"""

ENV_PY = """\
from alembic import context
from sqlalchemy import engine_from_config, pool

from app.models import Base

config = context.config
connectable = engine_from_config(
    config.get_section(config.config_ini_section, {}),
    prefix="sqlalchemy.",
    poolclass=pool.NullPool,
)
with connectable.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
"""

MODELS = """\
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
"""

CREATE = '''\
"""create accounts and sessions"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("fax", sa.String(length=32), server_default="none", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_accounts_fax", "accounts", ["fax"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("sessions")
    op.drop_index("ix_accounts_fax", table_name="accounts")
    op.drop_table("accounts")
'''

CLEAN_UP = '''\
"""drop fax and sessions, require email"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.drop_table("sessions")
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_index("ix_accounts_fax")
        batch_op.drop_column("fax")
        batch_op.alter_column("email", nullable=False)


def downgrade() -> None:
    pass
'''


def _workspace(root: Path) -> Path:
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "app").mkdir()
    (root / "alembic.ini").write_text(ALEMBIC_INI, encoding="utf-8")
    (root / "migrations" / "env.py").write_text(ENV_PY, encoding="utf-8")
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (root / "app" / "models.py").write_text(MODELS, encoding="utf-8")
    (versions / "0001_create.py").write_text(CREATE, encoding="utf-8")
    (versions / "0002_clean_up.py").write_text(CLEAN_UP, encoding="utf-8")
    return versions / "0002_clean_up.py"


def _alembic(root: Path, *arguments: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "alembic", *arguments],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr


def _shape(root: Path) -> dict[str, object]:
    engine = sa.create_engine(f"sqlite:///{root / 'scratch.sqlite3'}")
    try:
        inspector = sa.inspect(engine)
        return {
            table: (
                [
                    (c["name"], str(c["type"]), c["nullable"], c["default"])
                    for c in inspector.get_columns(table)
                ],
                sorted(i["name"] or "" for i in inspector.get_indexes(table)),
                [fk["referred_table"] for fk in inspector.get_foreign_keys(table)],
            )
            for table in sorted(inspector.get_table_names())
            if table != "alembic_version"
        }
    finally:
        engine.dispose()


def test_downgrade_restores_dropped_shapes(tmp_path: Path) -> None:
    revision = _workspace(tmp_path)
    result = Workspace(tmp_path).analyze()
    analysis = result.environments[0]
    finding = next(f for f in analysis.findings if f.code == "STW301")
    text = revision.read_text(encoding="utf-8")

    fix = fix_for(FixRequest(finding, text, analysis))
    assert fix is not None
    fixed = apply_edits(text, fix.edits)
    revision.write_text(fixed, encoding="utf-8")
    _alembic(tmp_path, "upgrade", "0001")
    before = _shape(tmp_path)
    _alembic(tmp_path, "upgrade", "head")
    _alembic(tmp_path, "downgrade", "0001")

    assert fix.safe
    assert fixed.count("op.batch_alter_table(") == 2
    assert _shape(tmp_path) == before
    left = Workspace(tmp_path).analyze().findings.get(revision.resolve(), [])
    assert [f.code for f in left if f.code in ("STW301", "STW302")] == []
