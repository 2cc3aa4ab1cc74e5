"""Scratch databases for the round trip: created for one run, dropped after it.

By default the scratch database is a SQLite file in the run's temporary
folder. Given the URL of a PostgreSQL or MySQL/MariaDB server, steward
creates a database named ``steward_scratch_<random>`` on it and drops that
database when the run ends, whatever happened. It writes to no other
database; the database named in the URL, if any, is only where the
``CREATE DATABASE`` and ``DROP DATABASE`` statements are sent from.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from steward_lsp.engine.live import (
    driver_package,
    installed_driver_scheme,
    missing_driver,
)
from steward_lsp.engine.urls import display_url, scrub_url

logger = logging.getLogger(__name__)

SCRATCH_PREFIX = "steward_scratch_"
SCRATCH_URL_VARIABLE = "STEWARD_SCRATCH_URL"
_CONNECT_TIMEOUT_SECONDS = 10
_SERVER_BACKENDS = ("postgresql", "mysql", "mariadb")


class ScratchError(Exception):
    """The scratch database cannot be created; the message names the fix."""


@dataclass
class ScratchDatabase:
    """The scratch database of one run.

    ``url`` includes the password and goes only to the worker; ``display``
    is the URL without it, for reports. ``notes`` receives a failed drop.
    """

    url: str
    display: str
    notes: list[str] = field(default_factory=list)


def scratch_server_url(requested: str | None, setting: str | None) -> str | None:
    """Return the scratch server of a run, None for a temporary SQLite file.

    ``requested`` (the --scratch-url option, or the editor command's
    argument) comes first, then the STEWARD_SCRATCH_URL environment
    variable, then ``setting``, the scratch_url setting.
    """
    return requested or os.environ.get(SCRATCH_URL_VARIABLE) or setting


@contextmanager
def scratch_database(
    scratch_url: str | None, folder: Path
) -> Iterator[ScratchDatabase]:
    """Yield a new, empty scratch database; drop it when the block ends.

    Without ``scratch_url`` the database is a SQLite file in ``folder``,
    which the caller removes. Raises :class:`ScratchError` when the URL is
    invalid or names a server steward cannot reach or create a database on.
    """
    if scratch_url is None:
        path = folder / "scratch.sqlite"
        yield ScratchDatabase(f"sqlite:///{path}", "a temporary SQLite file")
        return

    server = _server_url(scratch_url)
    name = SCRATCH_PREFIX + uuid.uuid4().hex[:12]
    admin = _admin_engine(server)
    quoted = admin.dialect.identifier_preparer.quote_identifier(name)
    try:
        _execute(admin, f"CREATE DATABASE {quoted}")
    except sa.exc.SQLAlchemyError as exc:
        admin.dispose()
        shown = display_url(server)
        raise ScratchError(
            f"cannot create a scratch database on {shown}: "
            f"{scrub_url(_first_line(exc), server)}; "
            "check that the server is running and that the user may create "
            "databases (the scratch_url setting or --scratch-url)"
        ) from exc

    database = server.set(database=name)
    scratch = ScratchDatabase(
        database.render_as_string(hide_password=False),
        display_url(database),
    )
    try:
        yield scratch
    finally:
        _drop(admin, quoted, scratch)


def _server_url(scratch_url: str) -> sa.URL:
    try:
        url = sa.make_url(scratch_url)
    except sa.exc.ArgumentError as exc:
        raise ScratchError(
            "scratch_url is not a valid SQLAlchemy URL "
            f"({scrub_url(str(exc), scratch_url)}); write it as "
            "dialect+driver://user@host:port/"
        ) from exc
    if url.get_backend_name() == "postgres":
        raise ScratchError(
            "scratch_url starts with postgres://, which SQLAlchemy does not "
            "accept; write postgresql:// (or postgresql+psycopg://)"
        )
    if url.get_backend_name() not in _SERVER_BACKENDS:
        raise ScratchError(
            f"scratch_url must name a PostgreSQL or MySQL/MariaDB server, got "
            f"{url.get_backend_name()!r}; leave it unset for a temporary SQLite file"
        )
    text = url.render_as_string(hide_password=False)
    missing = missing_driver(text)
    if missing is not None:
        installed = installed_driver_scheme(text)
        other = "" if installed is None else f", write it as {installed}://... instead"
        raise ScratchError(
            f"cannot create a scratch database on {display_url(url)}: its driver "
            f"module {missing!r} is not installed; install it with "
            f"`pip install '{driver_package(missing)}'` in the Python that runs "
            f"steward{other}, or leave scratch_url and STEWARD_SCRATCH_URL unset "
            "for a temporary SQLite file"
        )
    if url.get_backend_name() == "postgresql" and not url.database:
        # PostgreSQL needs a database to connect to; its maintenance database
        # exists on every server.
        url = url.set(database="postgres")
    return url


def _admin_engine(server: sa.URL) -> sa.Engine:
    return sa.create_engine(
        server,
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": _CONNECT_TIMEOUT_SECONDS},
        poolclass=sa.NullPool,
    )


def _execute(engine: sa.Engine, statement: str) -> None:
    with engine.connect() as connection:
        connection.execute(sa.text(statement))


def _drop(admin: sa.Engine, quoted: str, scratch: ScratchDatabase) -> None:
    """Drop the scratch database; a failure becomes a note, never an exception."""
    statement = f"DROP DATABASE IF EXISTS {quoted}"
    if admin.dialect.name == "postgresql":
        # FORCE ends sessions a killed worker may have left (PostgreSQL 13+).
        statement += " WITH (FORCE)"
    try:
        _execute(admin, statement)
    except sa.exc.SQLAlchemyError as exc:
        reason = scrub_url(_first_line(exc), scratch.url)
        logger.error("dropping scratch database %s failed: %s", scratch.display, reason)
        scratch.notes.append(
            f"dropping the scratch database {scratch.display} failed "
            f"({reason}); drop it by hand"
        )
    finally:
        admin.dispose()


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
