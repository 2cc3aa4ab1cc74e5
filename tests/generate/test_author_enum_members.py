"""author-migration changes enum members where the database stores them.

The fixture's revision creates a native PostgreSQL ENUM (``state``) and a
non-native enum with a CHECK constraint (``channel``). The models add a
member to the first, and swap ``post`` for the longer ``whatsapp`` in the
second, so its VARCHAR must grow too. Alembic, in a subprocess, applies
the revision and finds no drift. Inserts then show which members the
database accepts after the upgrade and after the downgrade.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from author_support import REPO_ROOT, Alembic, copy_project, steward, written_paths

POSTGRESQL_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
FIXTURE = REPO_ROOT / "tests" / "workspaces" / "diff_enum_members"

MODELS = """\
from sqlalchemy import Enum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Certificate(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(
        Enum("draft", "sealed", "revoked", name="certificate_state")
    )
    channel: Mapped[str] = mapped_column(
        Enum("email", "sms", "whatsapp", native_enum=False, create_constraint=True)
    )
"""


def _accepts(url: str, state: str, channel: str) -> bool:
    """Return whether the database takes a row with these members."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text("INSERT INTO certificates (state, channel) VALUES (:s, :c)"),
                {"s": state, "c": channel},
            )
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()
    return True


def _delete_rows(url: str) -> None:
    """Delete the rows whose members the downgrade would reject."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM certificates"))
    engine.dispose()


def _author(tmp_path: Path, url: str, *options: str) -> tuple[Path, Alembic, str]:
    project = copy_project(FIXTURE, tmp_path / "enums", url)
    (project / "models.py").write_text(MODELS)
    alembic = Alembic(project, url)
    alembic.upgrade()
    completed = steward("author-migration", "-m", "members", *options, cwd=project)
    assert completed.returncode == 0, completed.stderr
    [revision] = [p for p in written_paths(completed, project) if "versions" in p.parts]
    return revision, alembic, completed.stderr


@pytest.mark.postgresql
def test_enum_members_changed_postgresql(tmp_path: Path, postgresql_url: str) -> None:
    revision, alembic, output = _author(
        tmp_path, postgresql_url, "--scratch-url", POSTGRESQL_SERVER
    )
    text = revision.read_text()
    before = alembic.schema()

    alembic.upgrade()

    assert "ALTER TYPE certificate_state ADD VALUE IF NOT EXISTS 'revoked'" in text
    assert "op.drop_constraint(op.f('certificates_channel_check')" in text
    assert "VALIDATE CONSTRAINT certificates_channel_check" in text
    assert "does not know its name" not in output
    assert alembic.compare() == []
    assert _accepts(postgresql_url, "revoked", "whatsapp")
    assert not _accepts(postgresql_url, "draft", "post")
    enums = dict(alembic.schema()["enum types"])
    assert enums["certificate_state"] == ["draft", "sealed", "revoked"]

    _delete_rows(postgresql_url)
    alembic.downgrade("0001")

    assert alembic.current() == ["0001"]
    assert alembic.schema() == before
    assert _accepts(postgresql_url, "sealed", "post")
    assert not _accepts(postgresql_url, "sealed", "whatsapp")


def test_enum_members_changed_sqlite(tmp_path: Path, sqlite_url: str) -> None:
    revision, alembic, _ = _author(tmp_path, sqlite_url)
    before = alembic.schema()

    alembic.upgrade()

    assert "batch_alter_table('certificates'" in revision.read_text()
    assert alembic.compare() == []
    assert _accepts(sqlite_url, "draft", "whatsapp")
    assert not _accepts(sqlite_url, "draft", "post")

    _delete_rows(sqlite_url)
    alembic.downgrade("0001")

    assert alembic.current() == ["0001"]
    assert alembic.schema() == before
    assert _accepts(sqlite_url, "draft", "post")
    assert not _accepts(sqlite_url, "draft", "whatsapp")
