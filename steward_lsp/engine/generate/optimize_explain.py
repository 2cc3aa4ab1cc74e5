"""Read-only ``EXPLAIN`` of a representative query per predicate.

The connection runs in a read-only transaction: ``SET TRANSACTION READ
ONLY`` on PostgreSQL, ``START TRANSACTION READ ONLY`` on MySQL and MariaDB,
``PRAGMA query_only`` on a SQLite file opened read-only. It executes only
``EXPLAIN`` statements (``EXPLAIN QUERY PLAN`` on SQLite), which plan
without running the query. Each runs in a savepoint, so one failing plan
does not end the others, and the transaction is rolled back. A database
that cannot be reached is a note in the report, never an error of the
command.

The query of a filter or join compares the columns with a scalar subquery
on the same table, so it needs no sample value of the column's type and
the planner cannot fold it to a constant; the query of an ordering sorts
and takes ten rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from steward_lsp.engine.urls import display_url, scrub_url

if TYPE_CHECKING:
    from steward_lsp.engine.generate.optimize import Predicate

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5
_ORDER_LIMIT = 10


@dataclass
class Plan:
    """The plan of one predicate's query, or the error that stopped it."""

    predicate: Predicate
    statement: str
    lines: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class Plans:
    """The plans of one run; ``database`` is the URL with its password hidden."""

    database: str
    plans: list[Plan] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def explain_predicates(url: str, predicates: list[Predicate]) -> Plans:
    """Return the plans of ``predicates`` on the database at ``url``."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        message = scrub_url(str(exc), url)
        return Plans("(invalid URL)", notes=[f"database URL is invalid: {message}"])
    shown = display_url(parsed)
    plans = Plans(shown)
    try:
        engine = sa.create_engine(
            _read_only_url(parsed),
            poolclass=sa.NullPool,
            connect_args=_connect_args(parsed),
        )
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        reason = scrub_url(str(exc), parsed)
        plans.notes.append(f"no EXPLAIN plans: cannot use {shown}: {reason}")
        return plans
    try:
        with engine.connect() as connection:
            _begin_read_only(connection)
            for predicate in predicates:
                plans.plans.append(_explain(connection, predicate))
            connection.rollback()
    except sa.exc.SQLAlchemyError as exc:
        cause = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
        reason = scrub_url(_first_line(cause), parsed)
        logger.info("EXPLAIN on %s failed: %s", shown, reason)
        plans.notes.append(
            f"no EXPLAIN plans: {shown} cannot be reached or read: {reason}; "
            "check the URL and that the server is running"
        )
        plans.plans.clear()
    finally:
        engine.dispose()
    return plans


def _read_only_url(url: sa.engine.URL) -> sa.engine.URL:
    """Open a SQLite file read-only, so a missing file is an error, not created."""
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    if database.startswith("file:"):
        return url
    return url.set(
        database=f"file:{database}", query={**url.query, "mode": "ro", "uri": "true"}
    )


def _connect_args(url: sa.engine.URL) -> dict[str, Any]:
    backend = url.get_backend_name()
    if backend in ("postgresql", "mysql", "mariadb"):
        return {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    if backend == "sqlite":
        return {"timeout": CONNECT_TIMEOUT_SECONDS}
    return {}


def _begin_read_only(connection: sa.Connection) -> None:
    backend = connection.dialect.name
    if backend == "postgresql":
        connection.execute(sa.text("SET TRANSACTION READ ONLY"))
    elif backend in ("mysql", "mariadb"):
        connection.execute(sa.text("START TRANSACTION READ ONLY"))
    elif backend == "sqlite":
        connection.execute(sa.text("PRAGMA query_only = ON"))


def _explain(connection: sa.Connection, predicate: Predicate) -> Plan:
    statement = representative_query(predicate, connection.dialect)
    prefix = "EXPLAIN QUERY PLAN" if connection.dialect.name == "sqlite" else "EXPLAIN"
    plan = Plan(predicate, statement)
    savepoint = connection.begin_nested()
    try:
        result = connection.execute(sa.text(f"{prefix} {statement}"))
        plan.lines = [_plan_line(row) for row in result.mappings()]
    except sa.exc.DBAPIError as exc:
        plan.error = _first_line(exc.orig)
    finally:
        savepoint.rollback()
    return plan


def representative_query(predicate: Predicate, dialect: sa.Dialect) -> str:
    """Return a SELECT on ``predicate``'s columns, compiled for ``dialect``."""
    table = sa.table(
        predicate.table.name,
        *(sa.column(column) for column in predicate.columns),
        schema=predicate.table.schema,
    )
    query: sa.Select[Any] = sa.select(sa.literal_column("*")).select_from(table)
    if predicate.kind == "order":
        query = query.order_by(*table.c).limit(_ORDER_LIMIT)
    else:
        inner = table.alias("sample")
        query = query.where(
            *(
                table.c[column] == sa.select(inner.c[column]).limit(1).scalar_subquery()
                for column in predicate.columns
            )
        )
    compiled = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    return " ".join(str(compiled).split())


def _plan_line(row: Any) -> str:
    values = dict(row)
    if "detail" in values:
        return str(values["detail"])
    if len(values) == 1:
        return str(next(iter(values.values())))
    return ", ".join(
        f"{key}={value}" for key, value in values.items() if value is not None
    )


def _first_line(error: BaseException | None) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
