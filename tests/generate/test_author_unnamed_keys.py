"""author-migration drops constraints that have no name at head on PostgreSQL.

A revision creates ``orders`` with a foreign key and a unique constraint
without names, and the models drop both. The revision must drop them by
the name the database gave them: PostgreSQL's ``<table>_<columns>_fkey``
and ``_key``, or the naming convention's. Alembic, in a subprocess, must
find no drift after the upgrade and the old shape after the downgrade.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from author_support import PROJECTS, Alembic, copy_project, steward, written_paths

from steward_lsp.engine.generate.author_schema import postgresql_constraint_name

PREVIOUS_HEAD = "88bb11cc22dd"

ORDERS_REVISION = '''\
"""create orders"""
from alembic import op
import sqlalchemy as sa

revision = "88bb11cc22dd"
down_revision = "1f0c8e2a9b3d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.UniqueConstraint("code"),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("orders")
'''

MODELS = """\
from __future__ import annotations

from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=CONVENTION)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255))
    display: Mapped[str] = mapped_column(String(100))
    nickname: Mapped[str | None] = mapped_column(String(40))


class LegacyToken(Base):
    __tablename__ = "legacy_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64))


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column()
    code: Mapped[str] = mapped_column(String(20))
"""

CONVENTIONS = [
    pytest.param({}, ["orders_account_id_fkey", "orders_code_key"], id="postgresql"),
    pytest.param(
        {"fk": "fkey_%(table_name)s_%(column_0_name)s", "uq": "uq_%(column_0_name)s"},
        ["fkey_orders_account_id", "uq_code"],
        id="convention",
    ),
]


@pytest.mark.postgresql
@pytest.mark.parametrize(("convention", "names"), CONVENTIONS)
def test_unnamed_keys_dropped_postgresql(
    convention: dict[str, str], names: list[str], tmp_path: Path, postgresql_url: str
) -> None:
    project = copy_project(PROJECTS / "shop", tmp_path / "shop", postgresql_url)
    versions = project / "migrations" / "versions"
    (versions / f"{PREVIOUS_HEAD}_orders.py").write_text(ORDERS_REVISION)
    models = f"CONVENTION = {convention!r}\n\n" + MODELS
    (project / "shop" / "models.py").write_text(
        models.replace("from __future__ import annotations\n", "")
    )

    completed = steward(
        "author-migration", "-m", "drop keys", "--no-round-trip", cwd=project
    )

    assert completed.returncode == 0, completed.stderr
    [revision] = written_paths(completed, project)
    text = revision.read_text()
    for name in names:
        assert f"drop_constraint('{name}'" in text or f"op.f('{name}')" in text
    assert "drop it by hand" not in completed.stderr
    verified = Alembic(project, postgresql_url).run("verify", PREVIOUS_HEAD)
    assert verified["compare"] == []
    assert verified["current"] == [PREVIOUS_HEAD]
    assert verified["same shape"]


def test_unnamed_key_left_to_user_sqlite(tmp_path: Path, sqlite_url: str) -> None:
    project = copy_project(PROJECTS / "shop", tmp_path / "shop", sqlite_url)
    versions = project / "migrations" / "versions"
    (versions / f"{PREVIOUS_HEAD}_orders.py").write_text(ORDERS_REVISION)
    (project / "shop" / "models.py").write_text(
        "CONVENTION = {}\n\n"
        + MODELS.replace("from __future__ import annotations\n", "")
    )

    completed = steward(
        "author-migration", "-m", "drop keys", "--no-round-trip", cwd=project
    )

    assert "foreign key on orders(account_id) has no name at head" in (completed.stderr)
    assert "drop it by hand" in completed.stderr


@pytest.mark.parametrize(
    ("table", "columns", "label", "expected"),
    [
        ("orders", ["account_id"], "fkey", "orders_account_id_fkey"),
        ("orders", ["a", "b"], "key", "orders_a_b_key"),
        # 63 bytes at most: the longer part is shortened first.
        ("t" * 70, ["c"], "fkey", "t" * 56 + "_c_fkey"),
        ("t" * 40, ["c" * 40], "fkey", "t" * 29 + "_" + "c" * 28 + "_fkey"),
    ],
)
def test_postgresql_constraint_name(
    table: str, columns: list[str], label: str, expected: str
) -> None:
    assert postgresql_constraint_name(table, columns, label) == expected
