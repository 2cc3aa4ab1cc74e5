"""STW111 through ``steward check``: a live database behind head or changed by hand.

The database is built by Alembic from the repository's own chain, one
revision short of head, and steward reads it through DATABASE_URL. On
PostgreSQL, triggers on every table and an event trigger on DDL record any
write, so the test proves that the check wrote nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

REPO = Path(__file__).resolve().parents[2]

WRITE_LOG = """
CREATE TABLE steward_write_log (id serial PRIMARY KEY, what text NOT NULL);

CREATE FUNCTION steward_log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO steward_write_log (what) VALUES (tg_tag);
END $$;

CREATE EVENT TRIGGER steward_ddl ON ddl_command_start
    EXECUTE FUNCTION steward_log_ddl();

CREATE FUNCTION steward_log_dml() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO steward_write_log (what) VALUES (TG_OP || ' ' || TG_TABLE_NAME);
    RETURN NULL;
END $$;
"""


def alembic_config(url: str) -> Config:
    config = Config(str(REPO / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    return config


def head_and_previous(config: Config) -> tuple[str, str]:
    script = ScriptDirectory.from_config(config)
    head = script.get_revision("head")
    assert head is not None
    previous = head.down_revision
    assert isinstance(previous, str)
    return head.revision, previous


def install_write_log(url: str) -> sa.Engine:
    """Record every DDL and DML statement on the PostgreSQL database at ``url``."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as connection:
        connection.exec_driver_sql(WRITE_LOG)
        tables = sa.inspect(connection).get_table_names()
        for table in tables:
            if table == "steward_write_log":
                continue
            connection.exec_driver_sql(
                f'CREATE TRIGGER "steward_dml_{table}" AFTER INSERT OR UPDATE OR '
                f'DELETE OR TRUNCATE ON "{table}" FOR EACH STATEMENT '
                "EXECUTE FUNCTION steward_log_dml()"
            )
        connection.exec_driver_sql("DELETE FROM steward_write_log")
    return engine


def steward_check(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "steward_lsp", "check", ".", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_live_sqlite_behind_head(sqlite_url: str) -> None:
    config = alembic_config(sqlite_url)
    head, previous = head_and_previous(config)
    command.upgrade(config, previous)

    completed = steward_check(sqlite_url, "--select", "STW111")

    assert completed.returncode == 1, completed.stderr
    assert f"revision {head} " in completed.stdout
    assert f"which is at {previous}" in completed.stdout
    assert completed.stdout.count("STW111") == 1


def test_live_sqlite_at_head_clean(sqlite_url: str) -> None:
    command.upgrade(alembic_config(sqlite_url), "head")

    completed = steward_check(sqlite_url)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "STW111" not in completed.stdout


def test_live_sqlite_column_added_by_hand(sqlite_url: str) -> None:
    command.upgrade(alembic_config(sqlite_url), "head")
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE tenants ADD COLUMN legacy_code TEXT")
    engine.dispose()

    completed = steward_check(sqlite_url, "--select", "STW111")

    assert completed.returncode == 1
    assert "column tenants.legacy_code exists in the live database" in completed.stdout


def test_live_unreachable_names_variable() -> None:
    url = "postgresql+psycopg://reader:hunter2-secret@127.0.0.1:9/none"

    completed = steward_check(url)

    assert completed.returncode == 2
    assert "cannot read the live database" in completed.stderr
    assert "unset DATABASE_URL" in completed.stderr
    assert "--no-live" in completed.stderr
    assert "environment 'migrations'" in completed.stderr
    assert "hunter2-secret" not in completed.stdout + completed.stderr
    assert "reader" not in completed.stdout + completed.stderr


def test_live_no_live_skips_database() -> None:
    completed = steward_check("postgresql+psycopg://127.0.0.1:9/none", "--no-live")

    assert completed.returncode == 0, completed.stderr
    assert "live database" not in completed.stderr


def test_live_postgresql_behind_head_writes_nothing(postgresql_url: str) -> None:
    config = alembic_config(postgresql_url)
    head, previous = head_and_previous(config)
    command.upgrade(config, previous)
    engine = install_write_log(postgresql_url)
    # The trust authentication of the test server ignores the password, which
    # lets the test check that steward never prints one.
    with_password = postgresql_url.replace("postgres@", "postgres:pg-secret-42@", 1)

    completed = steward_check(with_password, "--select", "STW111")

    assert completed.returncode == 1, completed.stderr
    assert f"revision {head} " in completed.stdout
    assert "pg-secret-42" not in completed.stdout + completed.stderr
    with engine.begin() as connection:
        writes = connection.exec_driver_sql("SELECT what FROM steward_write_log").all()
        assert writes == []
        # The detector itself works: a write of this test is recorded.
        touch = "UPDATE alembic_version SET version_num = version_num"
        connection.exec_driver_sql(touch)
        recorded = connection.exec_driver_sql("SELECT what FROM steward_write_log")
        assert recorded.scalars().all() == ["UPDATE alembic_version"]
    engine.dispose()


def test_live_mariadb_behind_head(mariadb_url: str) -> None:
    config = alembic_config(mariadb_url)
    head, previous = head_and_previous(config)
    command.upgrade(config, previous)

    completed = steward_check(mariadb_url, "--select", "STW111")

    assert completed.returncode == 1, completed.stderr
    assert f"revision {head} " in completed.stdout


def test_live_sqlite_index_dropped_by_hand(sqlite_url: str) -> None:
    command.upgrade(alembic_config(sqlite_url), "head")
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_notarizations_tx_hash")
        connection.exec_driver_sql(
            "CREATE INDEX ix_tenants_by_hand ON tenants (created_at)"
        )
    engine.dispose()

    completed = steward_check(sqlite_url, "--select", "STW111")

    assert completed.returncode == 1, completed.stderr
    lines = [line for line in completed.stdout.splitlines() if "STW111" in line]
    assert len(lines) == 2, completed.stdout
    dropped = next(line for line in lines if "ix_notarizations_tx_hash" in line)
    assert "exists at head but not in the live database" in dropped
    # The finding sits on the revision line that created the index.
    assert "aa9fda88c631_create_notarizations.py:39:" in dropped
    added = next(line for line in lines if "ix_tenants_by_hand" in line)
    assert "exists in the live database" in added
    assert "no revision creates it" in added


def _head_indexes_clean_and_drift(url: str) -> None:
    """Check that a database at head has no index finding, then one dropped."""
    command.upgrade(alembic_config(url), "head")

    clean = steward_check(url, "--select", "STW111")

    assert clean.returncode == 0, clean.stdout + clean.stderr
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as connection:
        connection.execute(
            sa.text("DROP INDEX ix_notarizations_tx_hash ON notarizations")
            if engine.dialect.name == "mysql"
            else sa.text("DROP INDEX ix_notarizations_tx_hash")
        )
    engine.dispose()

    drifted = steward_check(url, "--select", "STW111")

    assert drifted.returncode == 1, drifted.stderr
    assert drifted.stdout.count("STW111") == 1, drifted.stdout
    assert "index ix_notarizations_tx_hash on notarizations" in drifted.stdout


def test_live_postgresql_index_dropped(postgresql_url: str) -> None:
    _head_indexes_clean_and_drift(postgresql_url)
    engine = install_write_log(postgresql_url)

    # The schema comparison at head reflects every table and index.
    steward_check(postgresql_url, "--select", "STW111")

    with engine.begin() as connection:
        writes = connection.exec_driver_sql("SELECT what FROM steward_write_log").all()
    engine.dispose()
    assert writes == []


def test_live_mariadb_index_dropped(mariadb_url: str) -> None:
    _head_indexes_clean_and_drift(mariadb_url)


def check_defect_example(url: str, *options: str) -> subprocess.CompletedProcess[str]:
    """Run steward check on the defect example, whose three environments share
    DATABASE_URL."""
    return subprocess.run(
        [sys.executable, "-m", "steward_lsp", *options, "check", "examples/defects"],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_live_missing_driver_named_once() -> None:
    url = "postgresql+pg8000://reader:hunter2-secret@127.0.0.1:9/none"
    completed = check_defect_example(url)

    assert completed.returncode == 2
    problems = [
        line for line in completed.stderr.splitlines() if "live database" in line
    ]
    assert len(problems) == 1, completed.stderr
    assert "driver module 'pg8000' is not installed" in problems[0]
    assert "pip install 'pg8000'" in problems[0]
    assert "--no-live" in problems[0]
    for name in ("'migrations'", "'cycle/migrations'", "'postgres/migrations'"):
        assert name in problems[0]
    assert "hunter2-secret" not in completed.stderr


def test_live_unreachable_named_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'live.sqlite'}"
    completed = check_defect_example(url)

    assert completed.returncode == 2
    problems = [
        line for line in completed.stderr.splitlines() if "live database" in line
    ]
    assert len(problems) == 1, completed.stderr
    assert "unable to open database file" in problems[0]
    assert "--no-live (or unset DATABASE_URL)" in problems[0]
    for name in ("'migrations'", "'cycle/migrations'", "'postgres/migrations'"):
        assert name in problems[0]


def test_live_unreachable_tried_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'live.sqlite'}"

    completed = check_defect_example(url, "-v")

    attempts = [
        line for line in completed.stderr.splitlines() if "live check of" in line
    ]
    assert len(attempts) == 1, completed.stderr


def test_live_missing_driver_names_installed_one() -> None:
    completed = check_defect_example("mysql://root@127.0.0.1:9/none")

    assert completed.returncode == 2
    assert "driver module 'MySQLdb' is not installed" in completed.stderr
    assert "write the URL as mysql+pymysql://..." in completed.stderr


def test_live_missing_psycopg_names_package() -> None:
    # sys.modules["psycopg"] = None makes `import psycopg` raise
    # ModuleNotFoundError, as it does where psycopg is not installed.
    program = (
        "import sys; sys.modules['psycopg'] = None; "
        "from steward_lsp.cli import main; sys.exit(main(['check', '.']))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": "postgresql+psycopg://127.0.0.1:9/none"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 2
    assert "driver module 'psycopg' is not installed" in completed.stderr
    assert "pip install 'psycopg[binary]'" in completed.stderr
    assert "No module named" not in completed.stderr


def test_live_sqlite_index_renamed_by_hand(sqlite_url: str) -> None:
    command.upgrade(alembic_config(sqlite_url), "head")
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_notarizations_tx_hash")
        connection.exec_driver_sql(
            "CREATE INDEX ix_tx_hash_by_hand ON notarizations (tx_hash)"
        )
    engine.dispose()

    completed = steward_check(sqlite_url, "--select", "STW111")

    assert completed.returncode == 1, completed.stderr
    lines = [line for line in completed.stdout.splitlines() if "STW111" in line]
    # One object under two names is one finding, which does not say to drop it.
    assert len(lines) == 1, completed.stdout
    assert "is named ix_tx_hash_by_hand in the live database" in lines[0]
    assert "but ix_notarizations_tx_hash at head" in lines[0]
    assert "rather than drop it" in lines[0]
