"""``steward optimize-db``: golden files, the DDL on PostgreSQL, EXPLAIN plans."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from state_docs import REPOSITORY, check_golden

PROJECT = Path(__file__).parent / "optimize_project"
DEFECTS = REPOSITORY / "examples" / "defects"
REPORT = "db-optimization.md"
SQL = "sql-samples.sql"


def optimize_db(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``steward optimize-db`` with no DATABASE_URL unless ``env`` sets one."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "steward_lsp", "optimize-db", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a copy of the ledger project the optimize tests read."""
    root = tmp_path / "ledger_project"
    shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def written_texts(folder: Path) -> dict[str, str]:
    return {name: (folder / name).read_text(encoding="utf-8") for name in (REPORT, SQL)}


def upgrade_head(root: Path, url: str) -> None:
    """Build the schema with the project's own migrations, through Alembic."""
    script = (
        "import sys\n"
        "from alembic import command\n"
        "from alembic.config import Config\n"
        "config = Config('alembic.ini')\n"
        "config.set_main_option('sqlalchemy.url', sys.argv[1])\n"
        "command.upgrade(config, 'head')\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, url],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def statements(sql: str) -> list[str]:
    """Return the statements of a generated SQL file, one per line."""
    return [
        line.rstrip(";")
        for line in sql.splitlines()
        if line.strip() and not line.startswith("--")
    ]


# -- golden files ------------------------------------------------------------


def test_optimize_golden_project(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"

    completed = optimize_db(".", "--output-dir", str(out), cwd=project)

    assert completed.returncode == 0, completed.stderr
    check_golden("optimize-db", "ledger", written_texts(out))


def test_optimize_golden_defects(tmp_path: Path) -> None:
    out = tmp_path / "out"

    completed = optimize_db(
        "examples/defects",
        "--env",
        "migrations",
        "--output-dir",
        str(out),
        cwd=REPOSITORY,
    )

    assert completed.returncode == 0, completed.stderr
    check_golden("optimize-db", "defects", written_texts(out))


def test_repository_optimization_current() -> None:
    checked = optimize_db("--check", ".", cwd=REPOSITORY)

    assert checked.returncode == 0, checked.stderr


def test_optimize_check_after_write(project: Path) -> None:
    first = optimize_db(".", cwd=project)
    unchanged = optimize_db(".", "--check", cwd=project)
    queries = project / "ledger" / "queries.py"
    queries.write_text(
        queries.read_text(encoding="utf-8") + "\n\ndef by_tenant(session):\n"
        "    return session.query(Notarization).filter_by(tenant_id=1).all()\n",
        encoding="utf-8",
    )
    stale = optimize_db(".", "--check", cwd=project)

    assert first.returncode == 0, first.stderr
    assert unchanged.returncode == 0, unchanged.stderr
    assert stale.returncode == 1
    assert "docs/db-optimization.md is out of date" in stale.stderr


def test_optimize_keeps_user_file(project: Path) -> None:
    docs = project / "docs"
    docs.mkdir()
    (docs / SQL).write_text("-- my own notes\n", encoding="utf-8")

    completed = optimize_db(".", cwd=project)

    assert completed.returncode == 2
    assert "steward did not write it" in completed.stderr
    assert (docs / SQL).read_text(encoding="utf-8") == "-- my own notes\n"
    assert not (docs / REPORT).exists()


def test_optimize_sqlite_dialect_ddl(project: Path) -> None:
    ini = project / "alembic.ini"
    ini.write_text(
        ini.read_text(encoding="utf-8").replace(
            "postgresql+psycopg://ledger@127.0.0.1/ledger", "sqlite:///ledger.sqlite"
        ),
        encoding="utf-8",
    )

    completed = optimize_db(".", cwd=project)
    sql = (project / "docs" / SQL).read_text(encoding="utf-8")

    assert completed.returncode == 0, completed.stderr
    assert "CONCURRENTLY" not in sql
    assert "CREATE INDEX ix_notarizations_tx_hash ON notarizations (tx_hash);" in sql
    assert "DROP INDEX ix_notarizations_status;" in sql


# -- SQL samples and EXPLAIN on real databases ------------------------------


def test_sql_samples_run_on_sqlite(project: Path, tmp_path: Path) -> None:
    database = tmp_path / "ledger.sqlite"
    url = f"sqlite:///{database}"
    upgrade_head(project, url)
    ini = project / "alembic.ini"
    ini.write_text(
        ini.read_text(encoding="utf-8").replace(
            "postgresql+psycopg://ledger@127.0.0.1/ledger", "sqlite:///ledger.sqlite"
        ),
        encoding="utf-8",
    )
    optimize_db(".", cwd=project)
    sql = (project / "docs" / SQL).read_text(encoding="utf-8")
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements(sql):
                connection.execute(sa.text(statement))
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes("notarizations")}
    finally:
        engine.dispose()

    assert "ix_notarizations_tx_hash" in indexes
    assert "ix_notarizations_tenant_id" in indexes
    assert "ix_notarizations_status" not in indexes


def test_explain_plans_sqlite(project: Path, tmp_path: Path) -> None:
    database = tmp_path / "ledger.sqlite"
    upgrade_head(project, f"sqlite:///{database}")
    before = database.read_bytes()

    completed = optimize_db(".", "--database-url", f"sqlite:///{database}", cwd=project)
    report = (project / "docs" / REPORT).read_text(encoding="utf-8")

    assert completed.returncode == 0, completed.stderr
    assert "### notarizations(chain_id), filter" in report
    assert "SEARCH notarizations USING INDEX ix_notarizations_chain_id" in report
    assert "### notarizations(tx_hash), filter" in report
    assert "SCAN notarizations" in report
    assert "EXPLAIN failed" not in report
    assert database.read_bytes() == before


def test_explain_url_from_environment(project: Path, tmp_path: Path) -> None:
    database = tmp_path / "ledger.sqlite"
    upgrade_head(project, f"sqlite:///{database}")

    completed = optimize_db(
        ".", cwd=project, env={"DATABASE_URL": f"sqlite:///{database}"}
    )
    report = (project / "docs" / REPORT).read_text(encoding="utf-8")

    assert completed.returncode == 0, completed.stderr
    assert f"Read-only `EXPLAIN` on `sqlite:///{database}`." in report
    assert "USING INDEX ix_notarizations_chain_id" in report


def test_explain_unreachable_database_is_note(project: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:9/nothing"

    sqlite = optimize_db(".", "--database-url", f"sqlite:///{missing}", cwd=project)
    postgresql = optimize_db(".", "--database-url", url, cwd=project)
    report = (project / "docs" / REPORT).read_text(encoding="utf-8")

    assert sqlite.returncode == 0, sqlite.stderr
    assert not missing.exists()
    assert postgresql.returncode == 0, postgresql.stderr
    assert "no EXPLAIN plans" in postgresql.stderr
    assert "> no EXPLAIN plans: postgresql+psycopg://127.0.0.1:9/nothing" in report
    assert "secret" not in report
    assert "nobody" not in report + postgresql.stderr


@pytest.mark.postgresql
def test_sql_samples_run_on_postgresql(project: Path, postgresql_url: str) -> None:
    upgrade_head(project, postgresql_url)
    optimize_db(".", cwd=project)
    sql = (project / "docs" / SQL).read_text(encoding="utf-8")
    engine = sa.create_engine(postgresql_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            # Twice: IF NOT EXISTS and IF EXISTS make the file safe to rerun.
            for statement in statements(sql) * 2:
                connection.execute(sa.text(statement))
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes("notarizations")}
        tenant_indexes = {i["name"] for i in sa.inspect(engine).get_indexes("tenants")}
    finally:
        engine.dispose()

    assert "CREATE INDEX CONCURRENTLY IF NOT EXISTS" in sql
    assert {
        "ix_notarizations_tx_hash",
        "ix_notarizations_tenant_id",
        "ix_notarizations_document_reference",
    } <= indexes
    assert "ix_notarizations_status" not in indexes
    assert "ix_tenants_region" in tenant_indexes


@pytest.mark.postgresql
def test_explain_plans_postgresql(project: Path, postgresql_url: str) -> None:
    upgrade_head(project, postgresql_url)

    completed = optimize_db(".", "--database-url", postgresql_url, cwd=project)
    report = (project / "docs" / REPORT).read_text(encoding="utf-8")
    engine = sa.create_engine(postgresql_url)
    try:
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes("notarizations")}
    finally:
        engine.dispose()

    assert completed.returncode == 0, completed.stderr
    assert "### notarizations(tx_hash), filter" in report
    assert "### tenants(slug), order by" in report
    assert "Seq Scan on notarizations" in report
    assert "EXPLAIN failed" not in report
    assert "ix_notarizations_tx_hash" not in indexes


@pytest.mark.mariadb
def test_sql_samples_and_explain_mariadb(project: Path, mariadb_url: str) -> None:
    ini = project / "alembic.ini"
    ini.write_text(
        ini.read_text(encoding="utf-8").replace(
            "postgresql+psycopg://ledger@127.0.0.1/ledger",
            "mysql+pymysql://ledger@127.0.0.1/ledger",
        ),
        encoding="utf-8",
    )
    upgrade_head(project, mariadb_url)

    completed = optimize_db(".", "--database-url", mariadb_url, cwd=project)
    sql = (project / "docs" / SQL).read_text(encoding="utf-8")
    report = (project / "docs" / REPORT).read_text(encoding="utf-8")
    engine = sa.create_engine(mariadb_url)
    try:
        with engine.begin() as connection:
            for statement in statements(sql):
                connection.execute(sa.text(statement))
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes("notarizations")}
    finally:
        engine.dispose()

    assert completed.returncode == 0, completed.stderr
    assert "CREATE INDEX ix_notarizations_tx_hash ON notarizations (tx_hash);" in sql
    assert "DROP INDEX ix_notarizations_status ON notarizations;" in sql
    assert "### notarizations(chain_id), filter" in report
    assert "key=ix_notarizations_chain_id" in report
    assert "EXPLAIN failed" not in report
    assert "ix_notarizations_tx_hash" in indexes
    assert "ix_notarizations_status" not in indexes
