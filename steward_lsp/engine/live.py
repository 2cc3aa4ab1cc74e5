"""STW111: compare a live database with the head of the chain, read-only.

The database named by the environment variable of the ``database_url_env``
setting (``DATABASE_URL`` by default) is read, never written: the session is
opened read-only where the database supports it (PostgreSQL's
``default_transaction_read_only``, MySQL's ``SET SESSION TRANSACTION READ
ONLY``, SQLite's ``mode=ro``), only Alembic's ``alembic_version`` table is
queried and the schema is reflected, and the transaction is rolled back.

Two kinds of finding: each revision the database has not applied, on that
revision's ``revision = ...`` line, and, when the database is at head, each
table or column whose live shape differs from the head schema, on the
revision line that built it. Indexes, unique constraints and foreign keys
are compared by :mod:`steward_lsp.engine.live_constraints`. The URL appears
in messages without user name or password.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.rules.ignores import apply_ignores_reading
from steward_lsp.engine.rules.scope import VERSION_TABLE
from steward_lsp.engine.schema import Location, Span, TableDef
from steward_lsp.engine.urls import display_url, scrub_url

if TYPE_CHECKING:
    import sqlalchemy as sa

    from steward_lsp.engine.analysis import AnalysisResult, EnvironmentAnalysis

logger = logging.getLogger(__name__)

CODE = "STW111"
CONNECT_TIMEOUT_SECONDS = 10
STATEMENT_TIMEOUT_MS = 30_000


@dataclass
class LiveCheck:
    """The findings of one live comparison and the problems that stopped it."""

    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error: str | None = None
    """The error that stopped one environment's check (:func:`check_live`),
    which :func:`check_workspace` turns into a problem."""
    connected: bool = False
    """Whether the connection opened, so that an ``error`` is not the server's."""


def check_workspace(
    result: AnalysisResult,
    root: Path,
    environ: Mapping[str, str],
    read_text: Callable[[Path], str],
    *,
    in_editor: bool = False,
) -> LiveCheck:
    """Run the live check of every environment whose URL variable is set.

    With several environments in one workspace only unapplied revisions are
    reported: their tables share the database, so no one head describes it.
    Findings pass through the same ignore settings and comments as the
    static ones; ``read_text`` supplies the text of files with comments.
    Environments that share a URL and fail with the same error give one
    problem. ``in_editor`` makes the problems name what an editor user can
    change to skip the check, in place of the CLI's --no-live.
    """
    outcome = LiveCheck()
    compare_schema = len(result.environments) == 1
    by_url: dict[str, list[EnvironmentAnalysis]] = {}
    for environment in result.environments:
        settings = environment.environment.settings
        url = environ.get(settings.database_url_env, "").strip()
        if url:
            by_url.setdefault(url, []).append(environment)
    for url, environments in by_url.items():
        missing = missing_driver(url)
        if missing is not None:
            outcome.problems.append(
                _missing_driver_problem(url, missing, environments, in_editor)
            )
            continue
        failures: dict[str, list[EnvironmentAnalysis]] = {}
        unreachable: str | None = None
        for environment in environments:
            if unreachable is not None:
                # Each attempt on a server that does not respond waits for the
                # connect timeout, so the others share the first one's error.
                failures[unreachable].append(environment)
                continue
            settings = environment.environment.settings
            checked = check_live(environment, url, compare_schema=compare_schema)
            kept = apply_ignores_reading(checked.findings, settings, root, read_text)
            outcome.findings.extend(kept)
            if checked.error is not None:
                failures.setdefault(checked.error, []).append(environment)
                if not checked.connected:
                    unreachable = checked.error
        for error, failed in failures.items():
            fix = "check that it is reachable"
            problem = _live_problem(url, failed, error, fix, in_editor)
            outcome.problems.append(problem)
    return outcome


# The pip requirement that installs each DBAPI module SQLAlchemy imports.
_DRIVER_PACKAGES = {
    "psycopg": "psycopg[binary]",
    "psycopg2": "psycopg2-binary",
    "pymysql": "pymysql",
    "MySQLdb": "mysqlclient",
    "mysql": "mysql-connector-python",
    "mariadb": "mariadb",
    "pg8000": "pg8000",
    "asyncpg": "asyncpg",
    "aiosqlite": "aiosqlite",
}


def missing_driver(url: str) -> str | None:
    """Return the DBAPI module the dialect of ``url`` needs and cannot import.

    None when it imports, or when the URL itself is invalid, which the
    connection attempt then reports.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    try:
        make_url(url).get_dialect().import_dbapi()
    except ModuleNotFoundError as exc:
        return exc.name or str(exc)
    except (SQLAlchemyError, ImportError, ValueError):
        return None
    return None


def driver_package(module: str) -> str:
    """Return the pip requirement that installs the DBAPI ``module``."""
    top = module.split(".", 1)[0]
    return _DRIVER_PACKAGES.get(top, top)


def _missing_driver_problem(
    url: str, module: str, environments: list[EnvironmentAnalysis], in_editor: bool
) -> str:
    reason = f"its driver module {module!r} is not installed"
    fix = (
        f"install it with `pip install '{driver_package(module)}'` in the "
        "Python that runs steward"
    )
    installed = installed_driver_scheme(url)
    if installed is not None:
        fix += f", or write the URL as {installed}://..., whose driver is installed"
    return _live_problem(url, environments, reason, fix, in_editor)


# Drivers steward's database extras install, per backend, in the order tried.
_EXTRA_DRIVERS = {
    "postgresql": ("psycopg",),
    "mysql": ("pymysql",),
    "mariadb": ("pymysql",),
}


def installed_driver_scheme(url: str) -> str | None:
    """Return ``backend+driver`` of an installed driver for the backend of ``url``.

    None when the URL is invalid or no driver of steward's extras for its
    backend imports.
    """
    import importlib.util

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        return None
    for driver in _EXTRA_DRIVERS.get(backend, ()):
        if importlib.util.find_spec(driver) is not None:
            return f"{backend}+{driver}"
    return None


def _live_problem(
    url: str,
    environments: list[EnvironmentAnalysis],
    reason: str,
    fix: str,
    in_editor: bool,
) -> str:
    names = ", ".join(repr(e.environment.name) for e in environments)
    noun = "environment" if len(environments) == 1 else "environments"
    return (
        f"cannot read the live database {display_url(url)} for {CODE} "
        f"({noun} {names}): {reason}; {fix}, "
        f"{_skip_advice(environments, in_editor)}"
    )


def _skip_advice(environments: list[EnvironmentAnalysis], in_editor: bool) -> str:
    """Return how to skip the live check, for the CLI or for an editor."""
    variables = sorted({e.environment.settings.database_url_env for e in environments})
    unset = " and ".join(variables)
    if in_editor:
        # The server reads the variable from the environment it was started
        # with, so unsetting it takes a new editor session.
        return (
            f"or start the editor without {unset} set, or point the "
            "database_url_env setting (steward.databaseUrlEnv in VS Code) at a "
            "variable that is not set, to skip the check"
        )
    return f"or pass --no-live (or unset {unset}) to skip the check"


def check_live(
    environment: EnvironmentAnalysis, url: str, *, compare_schema: bool = True
) -> LiveCheck:
    """Compare the database at ``url`` with ``environment``'s chain.

    A database that cannot be read sets ``error`` of the result, without
    credentials.
    """
    shown = display_url(url)
    outcome = LiveCheck()
    try:
        with _read_only_connection(url) as connection:
            outcome.connected = True
            current = _current_revisions(connection)
            _report_unapplied(environment, current, shown, outcome)
            if compare_schema and not outcome.findings and current:
                _report_schema(environment, connection, shown, outcome)
    except Exception as exc:  # noqa: BLE001 - any driver error is a problem to report
        message = scrub_url(f"{type(exc).__name__}: {exc}", url).splitlines()[0]
        logger.debug("live check of %s failed: %s", shown, message)
        outcome.error = message
    return outcome


@contextmanager
def _read_only_connection(url: str) -> Iterator[sa.Connection]:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    backend = parsed.get_backend_name()
    connect_args: dict[str, Any] = {}
    if backend == "postgresql":
        connect_args = {
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "options": "-c default_transaction_read_only=on "
            f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        }
    elif backend in ("mysql", "mariadb"):
        connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    elif backend == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:":
            raise ValueError("an in-memory SQLite database has no migrations to read")
        parsed = parsed.set(database=f"file:{database}?mode=ro", query={"uri": "true"})

    engine = sa.create_engine(parsed, connect_args=connect_args, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            if backend in ("mysql", "mariadb"):
                connection.exec_driver_sql("SET SESSION TRANSACTION READ ONLY")
            try:
                yield connection
            finally:
                connection.rollback()
    finally:
        engine.dispose()


def _current_revisions(connection: sa.Connection) -> tuple[str, ...]:
    from alembic.runtime.migration import MigrationContext

    # get_current_heads only SELECTs; it returns () when the table is missing.
    context = MigrationContext.configure(connection)
    return tuple(context.get_current_heads())


def _report_unapplied(
    environment: EnvironmentAnalysis,
    current: tuple[str, ...],
    shown: str,
    outcome: LiveCheck,
) -> None:
    graph = environment.revision_graph
    unknown = [revision for revision in current if revision not in graph.scripts]
    for revision in unknown:
        location = _environment_location(environment)
        outcome.findings.append(
            Finding(
                CODE,
                f"the live database {shown} is at revision {revision}, which no "
                "revision file of this chain declares: it was migrated from "
                "another branch or the file was deleted",
                location,
                data={"database": shown, "current": list(current)},
            )
        )
    if unknown:
        return

    applied = _ancestors(current, graph.parents)
    where = ", ".join(current) if current else "no revision (alembic_version is empty)"
    for revision in graph.order:
        if revision in applied:
            continue
        script = graph.scripts[revision]
        location = script.revision_location or Location(script.path, Span(0, 0, 0, 0))
        outcome.findings.append(
            Finding(
                CODE,
                f"revision {revision} ({script.message or 'no message'}) is not "
                f"applied to the live database {shown}, which is at {where}",
                location,
                data={
                    "database": shown,
                    "revision": revision,
                    "current": list(current),
                },
            )
        )


def _ancestors(
    revisions: tuple[str, ...], parents: dict[str, tuple[str, ...]]
) -> set[str]:
    seen: set[str] = set()
    stack = list(revisions)
    while stack:
        revision = stack.pop()
        if revision in seen:
            continue
        seen.add(revision)
        stack.extend(parents.get(revision, ()))
    return seen


def _report_schema(
    environment: EnvironmentAnalysis,
    connection: sa.Connection,
    shown: str,
    outcome: LiveCheck,
) -> None:
    import sqlalchemy as sa

    inspector = sa.inspect(connection)
    live_tables = set(inspector.get_table_names()) - {VERSION_TABLE}
    head = environment.head_schema
    dialect = connection.dialect.name
    head_tables = {
        table.name: table for table in head.tables.values() if not table.schema
    }

    for name in sorted(head_tables.keys() - live_tables):
        table = head_tables[name]
        if table.uncertain:
            continue
        outcome.findings.append(
            _schema_finding(
                environment,
                table,
                None,
                f"table {name} exists at head but not in the live database {shown}: "
                "it was dropped by hand",
                shown,
            )
        )
    for name in sorted(live_tables - head_tables.keys()):
        outcome.findings.append(
            Finding(
                CODE,
                f"table {name} exists in the live database {shown} but no revision "
                "creates it: it was created by hand; add it to a revision or drop it",
                _environment_location(environment),
                data={"database": shown, "table": name},
            )
        )
    compared: list[TableDef] = []
    for name in sorted(live_tables & head_tables.keys()):
        table = head_tables[name]
        if table.uncertain:
            continue
        compared.append(table)
        reflected = {column["name"]: column for column in inspector.get_columns(name)}
        _compare_columns(environment, table, reflected, dialect, shown, outcome)
    _compare_constraints(environment, connection, compared, shown, outcome)


def _compare_constraints(
    environment: EnvironmentAnalysis,
    connection: sa.Connection,
    tables: list[TableDef],
    shown: str,
    outcome: LiveCheck,
) -> None:
    from steward_lsp.engine import live_constraints

    by_name = {table.name: table for table in tables}
    convention = environment.head_schema.naming_convention
    for record in live_constraints.constraint_differences(
        connection, tables, convention
    ):
        table = by_name[record["table"]]
        location = live_constraints.record_location(record, table)
        outcome.findings.append(
            Finding(
                CODE,
                live_constraints.describe(record, shown),
                location or _environment_location(environment),
                data={"database": shown, **record},
            )
        )


def _compare_columns(
    environment: EnvironmentAnalysis,
    table: TableDef,
    reflected: dict[str, Any],
    dialect: str,
    shown: str,
    outcome: LiveCheck,
) -> None:
    from steward_lsp.engine.rules.type_compare import differing_reflected_type

    for name in sorted(table.columns.keys() - reflected.keys()):
        message = (
            f"column {table.name}.{name} exists at head but not in the live "
            f"database {shown}: it was dropped by hand"
        )
        outcome.findings.append(
            _schema_finding(environment, table, name, message, shown)
        )
    for name in sorted(reflected.keys() - table.columns.keys()):
        message = (
            f"column {table.name}.{name} exists in the live database {shown} but "
            "no revision adds it: it was added by hand; add it to a revision "
            "or drop it"
        )
        outcome.findings.append(
            _schema_finding(environment, table, None, message, shown)
        )
    for name in sorted(reflected.keys() & table.columns.keys()):
        column = table.columns[name]
        live = reflected[name]
        if bool(live["nullable"]) != column.nullable and not column.primary_key:
            wanted = "NULL" if column.nullable else "NOT NULL"
            found = "NULL" if live["nullable"] else "NOT NULL"
            message = (
                f"column {table.name}.{name} is {found} in the live database "
                f"{shown} but {wanted} at head"
            )
            outcome.findings.append(
                _schema_finding(environment, table, name, message, shown)
            )
        differing = differing_reflected_type(live["type"], column.type, dialect)
        if differing is not None:
            live_ddl, head_ddl = differing
            message = (
                f"column {table.name}.{name} is {live_ddl} in the live "
                f"database {shown} but {head_ddl} at head"
            )
            outcome.findings.append(
                _schema_finding(environment, table, name, message, shown)
            )


def _schema_finding(
    environment: EnvironmentAnalysis,
    table: TableDef,
    column: str | None,
    message: str,
    shown: str,
) -> Finding:
    location = None
    if column is not None and column in table.columns:
        location = table.columns[column].location
    location = location or table.location or _environment_location(environment)
    data: dict[str, object] = {"database": shown, "table": table.name}
    if column is not None:
        data["column"] = column
    return Finding(CODE, message, location, data=data)


def _environment_location(environment: EnvironmentAnalysis) -> Location:
    env = environment.environment
    path = env.config_file or env.env_py or env.script_location
    return Location(path, Span(0, 0, 0, 0))
