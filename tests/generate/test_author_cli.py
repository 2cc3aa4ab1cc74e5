"""``steward author-migration`` end to end, with Alembic as the judge.

Each test copies a project, runs the CLI as a subprocess and applies the
new revision with Alembic on a fresh SQLite file or PostgreSQL database.
Alembic's ``compare_metadata`` against the project's models must then be
empty. The downgrade must return the database to the previous heads and
shape, and ``steward check`` must report no drift afterwards.
"""

from __future__ import annotations

import py_compile
import runpy
from pathlib import Path

import pytest
import sqlalchemy as sa
from author_support import (
    DEFECTS,
    PROJECTS,
    REPO_ROOT,
    Alembic,
    copy_project,
    drift_findings,
    repaired_defects,
    revision_id,
    set_url,
    steward,
    written_paths,
)

from steward_lsp.engine.generate.output import is_generated

POSTGRESQL_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
SHOP = PROJECTS / "shop"
PROJECT_HEADS = [
    pytest.param("shop", "1f0c8e2a9b3d", id="shop"),
    pytest.param("ledger", "4d2e6a1b7c90", id="ledger"),
]
DEFECT_HEADS = ["a7e35c6a5aae", "fa007e9ea8ef"]

# Changes a model can make that are safe on a populated table, so that the
# round trip passes: a nullable column, its index, a new table it refers to.
SAFE_MODELS = """\
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64))


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255))
    display: Mapped[str] = mapped_column(String(100))
    nickname: Mapped[str | None] = mapped_column(String(40), index=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))


class LegacyToken(Base):
    __tablename__ = "legacy_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64))
"""


def _author(project: Path, *options: str) -> Path:
    completed = steward(
        "author-migration", "-m", "catch up with models", *options, cwd=project
    )
    assert completed.returncode == 0, completed.stderr
    revisions = [p for p in written_paths(completed, project) if "versions" in p.parts]
    assert len(revisions) == 1, completed.stdout
    return revisions[0]


def _check_round_trip(alembic: Alembic, revision: Path, previous: list[str]) -> None:
    before = alembic.schema()
    alembic.upgrade()

    assert alembic.current() == [revision_id(revision)]
    assert alembic.compare() == []

    alembic.downgrade(previous[0])

    assert alembic.current() == previous
    assert alembic.schema() == before


def _shop(tmp_path: Path, url: str) -> tuple[Path, Alembic]:
    return _project("shop", tmp_path, url)


def _project(name: str, tmp_path: Path, url: str) -> tuple[Path, Alembic]:
    project = copy_project(PROJECTS / name, tmp_path / name, url)
    alembic = Alembic(project, url)
    alembic.upgrade()
    return project, alembic


def _close_project_drift(name: str, head: str, tmp_path: Path, url: str) -> str:
    """Author the project's revision on ``url`` and check it; return its text."""
    project, alembic = _project(name, tmp_path, url)

    revision = _author(project, "--no-round-trip")

    _check_round_trip(alembic, revision, [head])
    alembic.upgrade()
    assert drift_findings(project) == []
    return revision.read_text()


@pytest.mark.parametrize(("name", "head"), PROJECT_HEADS)
def test_project_revision_sqlite(
    name: str, head: str, tmp_path: Path, sqlite_url: str
) -> None:
    text = _close_project_drift(name, head, tmp_path, sqlite_url)

    assert "with op.batch_alter_table(" in text


@pytest.mark.postgresql
@pytest.mark.parametrize(("name", "head"), PROJECT_HEADS)
def test_project_revision_postgresql(
    name: str, head: str, tmp_path: Path, postgresql_url: str
) -> None:
    text = _close_project_drift(name, head, tmp_path, postgresql_url)

    assert "with op.get_context().autocommit_block():" in text
    assert "postgresql_concurrently=True" in text


@pytest.mark.mariadb
@pytest.mark.parametrize(("name", "head"), PROJECT_HEADS)
def test_project_revision_mariadb(
    name: str, head: str, tmp_path: Path, mariadb_url: str
) -> None:
    text = _close_project_drift(name, head, tmp_path, mariadb_url)

    assert "batch_alter_table" not in text


def test_defects_revision_sqlite(tmp_path: Path, sqlite_url: str) -> None:
    project = repaired_defects(tmp_path / "defects", sqlite_url)
    alembic = Alembic(project, sqlite_url)
    alembic.upgrade()

    # No --env: of the example's three environments only this one drifted.
    completed = steward("author-migration", "-m", "sync models", cwd=project)

    # The round trip fails, and its report names the cause: the downgrade
    # cannot bring back the rows of the table and column the models dropped.
    assert completed.returncode == 1, completed.stderr
    written = written_paths(completed, project)
    revision = next(p for p in written if "versions" in p.parts)
    report = next(p for p in written if p.name.endswith("-test-report.md"))
    assert report.parent == project / "docs" / "migrations"
    assert report.name == f"{revision_id(revision)}-test-report.md"
    report_text = report.read_text()
    assert "**Result: failed.**" in report_text
    assert "legacy_sessions" in report_text
    assert "merges the heads" in completed.stderr
    _check_round_trip(alembic, revision, DEFECT_HEADS)
    alembic.upgrade()
    main_env = [
        f
        for f in drift_findings(project)
        if not f["path"].startswith(("postgres/", "cycle/"))
    ]
    assert main_env == []


@pytest.mark.postgresql
def test_defects_revision_postgresql(tmp_path: Path, postgresql_url: str) -> None:
    project = repaired_defects(tmp_path / "defects", postgresql_url)
    alembic = Alembic(project, postgresql_url)
    alembic.upgrade()
    before = alembic.schema()

    completed = steward(
        "author-migration",
        "-m",
        "sync models",
        "--env",
        "migrations",
        "--no-round-trip",
        cwd=project,
    )

    assert completed.returncode == 0, completed.stderr
    # On PostgreSQL the raw ALTER TABLE ... INHERIT runs, so the analysis
    # leaves both tables it names alone, and a note names each.
    assert "table audit_log: no operations" in completed.stderr
    assert "table audit_base: no operations" in completed.stderr
    revision = written_paths(completed, project)[0]
    alembic.upgrade()
    assert alembic.current() == [revision_id(revision)]
    # The only difference left is a comment that the model sets through
    # **kwargs, which steward reports (STW100) as beyond static analysis.
    remaining = [(d["kind"], d["table"], d["column"]) for d in alembic.compare()]
    assert remaining == [("modify_comment", "audit_base", "actor")]
    alembic.downgrade(DEFECT_HEADS[0])
    assert alembic.current() == DEFECT_HEADS
    assert alembic.schema() == before


@pytest.mark.postgresql
def test_defects_postgres_env_revision(tmp_path: Path, postgresql_url: str) -> None:
    project = copy_project(DEFECTS, tmp_path / "defects", "sqlite:///unused.db")
    pg_env = project / "postgres"
    models = pg_env / "evidence" / "models.py"
    models.write_text(
        models.read_text() + '\n\nclass Ledger(Base):\n    """A new table."""\n\n'
        '    __tablename__ = "ledgers"\n\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    name: Mapped[str] = mapped_column(String(64), index=True)\n"
    )
    text = models.read_text().replace(
        "chain_id: Mapped[str] = mapped_column(String(64))",
        "chain_id: Mapped[str] = mapped_column(String(64), index=True)",
    )
    models.write_text(text)
    set_url(pg_env / "alembic.ini", postgresql_url)
    alembic = Alembic(pg_env, postgresql_url)
    alembic.upgrade()

    revision = _author(pg_env, "--no-round-trip")

    revision_text = revision.read_text()
    assert "op.create_index(op.f('ix_ledgers_name'), 'ledgers'" in revision_text
    assert (
        "'ix_evidence_chain_id'), 'evidence', ['chain_id'], unique=False, "
        "postgresql_concurrently=True)" in revision_text
    )
    _check_round_trip(alembic, revision, ["5c5182ac705d"])


@pytest.mark.postgresql
def test_enum_members_added_postgresql(tmp_path: Path, postgresql_url: str) -> None:
    fixture = REPO_ROOT / "tests" / "workspaces" / "diff_enum_members"
    project = copy_project(fixture, tmp_path / "enums", postgresql_url)
    alembic = Alembic(project, postgresql_url)
    alembic.upgrade()

    completed = steward(
        "author-migration",
        "-m",
        "revoke",
        "--scratch-url",
        POSTGRESQL_SERVER,
        cwd=project,
    )

    assert completed.returncode == 0, completed.stderr
    revision = written_paths(completed, project)[0]
    assert "drop_constraint(op.f('certificates_channel_check')" in revision.read_text()
    alembic.upgrade()
    enums = dict(alembic.schema()["enum types"])
    assert enums["certificate_state"] == ["draft", "sealed", "revoked"]
    alembic.downgrade("0001")
    enums = dict(alembic.schema()["enum types"])
    assert enums["certificate_state"] == ["draft", "sealed"]
    assert alembic.current() == ["0001"]
    assert revision_id(revision) in revision.name


def test_round_trip_report_passes(tmp_path: Path, sqlite_url: str) -> None:
    project, _ = _shop(tmp_path, sqlite_url)
    (project / "shop" / "models.py").write_text(SAFE_MODELS)

    completed = steward("author-migration", "-m", "add tenants", cwd=project)

    assert completed.returncode == 0, completed.stderr
    written = written_paths(completed, project)
    assert [p.parent.name for p in written] == ["versions", "migrations"]
    report = written[1].read_text()
    assert report.startswith("<!-- generated by steward author-migration")
    assert "**Result: passed.**" in report
    assert "| downgrade |" in report


def test_seed_stub_written(tmp_path: Path, sqlite_url: str) -> None:
    project, alembic = _shop(tmp_path, sqlite_url)

    completed = steward(
        "author-migration", "-m", "catch up", "--seed", "--no-round-trip", cwd=project
    )

    assert completed.returncode == 0, completed.stderr
    revision, seed = written_paths(completed, project)
    assert seed == project / "migrations" / "seeds" / f"{revision_id(revision)}_seed.py"
    text = seed.read_text()
    # The stub is the user's to edit: no mark lets a later run replace it.
    assert not is_generated(text)
    assert "never overwrites" in text
    assert "_fill(connection, 'accounts', 'tenant_id', None)" in text
    # region is NOT NULL and backfilled in the revision; plan has a default.
    assert "'region'" not in text
    assert "'plan'" not in text
    py_compile.compile(str(seed), doraise=True)

    # Filled in, the stub sets the new column of existing rows.
    alembic.upgrade()
    seed.write_text(text.replace("'tenant_id', None)", "'tenant_id', 7)"))
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO tenants (id, slug) VALUES (7, 'a')"))
        connection.execute(
            sa.text(
                "INSERT INTO accounts (id, email, display_name, plan, region, "
                "nickname) VALUES (1, 'e', 'd', 'free', 'eu', 'n')"
            )
        )
        module = runpy.run_path(str(seed))
        module["backfill"](connection)
        tenant = connection.execute(sa.text("SELECT tenant_id FROM accounts"))
        assert tenant.scalar_one() == 7
    engine.dispose()


def test_no_drift_writes_nothing(tmp_path: Path) -> None:
    project = copy_project(DEFECTS, tmp_path / "defects", "sqlite:///unused.db")
    versions = sorted((project / "postgres" / "migrations" / "versions").iterdir())

    completed = steward(
        "author-migration", "-m", "nothing", "--env", "postgres/migrations", cwd=project
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == ""
    assert "no drift: nothing to author" in completed.stderr
    assert (
        sorted((project / "postgres" / "migrations" / "versions").iterdir()) == versions
    )


def test_existing_target_rejected(tmp_path: Path, sqlite_url: str) -> None:
    project = copy_project(SHOP, tmp_path / "shop", sqlite_url)
    ini = project / "alembic.ini"
    ini.write_text(
        ini.read_text().replace(
            "path_separator = space",
            "path_separator = space\nfile_template = %%(slug)s",
        )
    )
    versions = project / "migrations" / "versions"
    existing = versions / "catch_up_with_models.py"
    (versions / "1f0c8e2a9b3d_create_accounts.py").rename(existing)
    original = existing.read_text()

    completed = steward(
        "author-migration", "-m", "catch up with models", "--no-round-trip", cwd=project
    )

    assert completed.returncode == 2
    assert f"{existing} already exists" in completed.stderr
    assert existing.read_text() == original


def test_broken_chain_rejected(tmp_path: Path) -> None:
    project = copy_project(DEFECTS, tmp_path / "defects", "sqlite:///unused.db")

    completed = steward(
        "author-migration", "-m", "sync", "--env", "migrations", cwd=project
    )

    assert completed.returncode == 2
    assert "fix these first" in completed.stderr
    assert "STW40" in completed.stderr
    assert completed.stdout == ""


def test_message_required(tmp_path: Path) -> None:
    project = copy_project(SHOP, tmp_path / "shop", "sqlite:///unused.db")

    completed = steward("author-migration", "--no-round-trip", cwd=project)

    assert completed.returncode == 2
    assert "-m/--message" in completed.stderr
