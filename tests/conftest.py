"""Shared fixtures: throwaway databases on the local servers.

Each database fixture creates a database with a unique name, yields its
SQLAlchemy URL and drops it afterwards, in the background, before the
session ends. When the server is unreachable the
test fails if the ``CI`` environment variable is set (CI must not silently
skip database tests) and is skipped with the reason otherwise.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

POSTGRESQL_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
MARIADB_SERVER = "mysql+pymysql://root:@127.0.0.1:3306"
CONNECT_TIMEOUT_SECONDS = 3


@pytest.fixture(autouse=True)
def _steward_loggers_enabled() -> None:
    """Re-enable steward's loggers before each test.

    Tests that run a project's env.py in-process call ``fileConfig``, which
    disables every logger created before it, so later ``caplog`` checks of
    steward's log lines would see nothing.
    """
    for name, logger in logging.Logger.manager.loggerDict.items():
        if name.startswith("steward_lsp") and isinstance(logger, logging.Logger):
            logger.disabled = False


def _unavailable(server: str, exc: Exception) -> None:
    """Fail under CI, skip elsewhere, because the server cannot be reached."""
    reason = f"database server {server} is unreachable: {exc}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so database tests must run)")
    pytest.skip(reason)


def _unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def _admin_engine(url: str) -> sa.Engine:
    return sa.create_engine(
        url,
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
        poolclass=sa.NullPool,
    )


class DatabaseDropper:
    """A worker thread that drops finished test databases.

    DROP DATABASE waits until the server has removed the database's files,
    which can take more than a second, so tests do not wait for it. The
    session waits for every drop before it ends and fails if one failed.
    """

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dropdb")
        self._pending: list[Future[None]] = []

    def drop(self, admin: sa.Engine, statement: str) -> None:
        """Run ``statement`` on ``admin`` in the background, then dispose it."""
        self._pending.append(self._executor.submit(_execute_once, admin, statement))

    def wait(self) -> None:
        """Wait for every drop; raise the error of the first that failed."""
        self._executor.shutdown(wait=True)
        for future in self._pending:
            future.result()


def _execute_once(admin: sa.Engine, statement: str) -> None:
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(statement))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def database_dropper() -> Iterator[DatabaseDropper]:
    """Yield the session's dropper and wait for its drops at the end."""
    dropper = DatabaseDropper()
    try:
        yield dropper
    finally:
        dropper.wait()


@pytest.fixture
def postgresql_url(database_dropper: DatabaseDropper) -> Iterator[str]:
    """Yield the URL of a new, empty PostgreSQL database; drop it afterwards."""
    admin = _admin_engine(f"{POSTGRESQL_SERVER}/postgres")
    name = _unique_name("steward_test")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        _unavailable("PostgreSQL at 127.0.0.1:5432", exc)
    try:
        yield f"{POSTGRESQL_SERVER}/{name}"
    finally:
        database_dropper.drop(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def mariadb_url(database_dropper: DatabaseDropper) -> Iterator[str]:
    """Yield the URL of a new, empty MariaDB database; drop it afterwards."""
    admin = _admin_engine(f"{MARIADB_SERVER}/")
    name = _unique_name("steward_test")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE `{name}`"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        _unavailable("MariaDB at 127.0.0.1:3306", exc)
    try:
        yield f"{MARIADB_SERVER}/{name}"
    finally:
        database_dropper.drop(admin, f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """Return the URL of a new SQLite database file under ``tmp_path``."""
    return f"sqlite:///{tmp_path / 'steward_test.sqlite'}"
