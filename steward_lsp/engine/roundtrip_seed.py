"""Seed rows and row snapshots for the round trip, from the reflected schema.

Runs inside the round-trip worker process, so it imports only SQLAlchemy,
the standard library and, when installed, sqlglot. Each seed is a round
with a number that grows from round to round, so unique columns and keys do
not collide across revisions. Within a round every table's row is built
from the same number, so an integer column gets the same value as the
integer keys of the other tables' new rows, and a foreign key that a later
revision adds between them is already satisfied. A value comes from the reflected
column type, its nullability and its foreign keys. A table whose row the
database rejects (a CHECK constraint, a type steward cannot fill) is left as
it is and named in a note.
"""

from __future__ import annotations

import datetime
import decimal
import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

VERSION_TABLE = "alembic_version"
# A revision's backfill hook: <script_location>/seeds/<revision>_seed.py
# defining backfill(connection), as author-migration --seed writes it.
SEED_FOLDER = "seeds"
SEED_HOOK_SUFFIX = "_seed.py"

_SQLGLOT_DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}
# Integers, keys included, are given explicitly and far above the ids a data
# migration inserts (1, 2, 3, ...) or a sequence hands out after the seed.
_INTEGER_OFFSET = 1_000_000
_EPOCH = datetime.datetime(2025, 1, 1, 12, 0, 0)
# Integer types too small for the offset values, by type name, with the
# modulus that keeps a value in range.
_SMALL_INTEGERS = {"TINYINT": 100, "SMALLINT": 30_000, "MEDIUMINT": 8_000_000}


class Unfillable(Exception):
    """No value can be generated for a NOT NULL column."""


@dataclass
class Seeder:
    """Generates one row per table; ``counter`` numbers the rounds."""

    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    reported: set[tuple[str, str]] = field(default_factory=set)

    def seed(self, engine: sa.Engine) -> list[str]:
        """Insert one row into every table of ``engine``; return notes on failures.

        A table that fails the same way before several revisions is noted once.
        """
        metadata = reflect(engine)
        number = next(self.counter)
        notes = []
        for table in metadata.sorted_tables:
            try:
                with engine.begin() as connection:
                    row = _row(connection, table, engine.dialect.name, number)
                    connection.execute(table.insert().values(row))
            except (Unfillable, sa.exc.SQLAlchemyError) as exc:
                problem = first_line(exc)
                if (table.name, problem) not in self.reported:
                    self.reported.add((table.name, problem))
                    notes.append(f"could not seed table {table.name}: {problem}")
        return notes


def _row(
    connection: sa.Connection, table: sa.Table, dialect: str, number: int
) -> dict[str, Any]:
    """Return the values of ``table``'s row of round ``number``."""
    allowed = allowed_values(table, dialect)
    row: dict[str, Any] = {}
    for column in table.columns:
        if column.identity is not None and column.identity.always:
            continue
        if column.name in allowed:
            row[column.name] = allowed[column.name]
        else:
            row[column.name] = column_value(column, number)
    for foreign_key in table.foreign_key_constraints:
        row.update(_referenced_values(connection, foreign_key))
    return row


def reflect(engine: sa.Engine) -> sa.MetaData:
    """Return the tables of ``engine``'s default schema, without Alembic's own."""
    metadata = sa.MetaData()
    metadata.reflect(engine, only=lambda name, _: name != VERSION_TABLE)
    return metadata


def allowed_values(table: sa.Table, dialect: str) -> dict[str, Any]:
    """Return a value each one-column CHECK constraint of ``table`` likely allows.

    SQLAlchemy writes such constraints for a non-native Enum
    (``status IN ('a', 'b')``, which PostgreSQL reflects as ``= ANY
    (ARRAY[...])``). The first string literal of the constraint is taken,
    and a ``json_valid(c)`` constraint gets an empty JSON object. Parsing needs
    sqlglot; without it in the project's interpreter the constraints are not
    read, and a row they reject becomes a seed note.
    """
    try:
        import sqlglot
        from sqlglot import exp
    except ImportError:
        return {}
    allowed: dict[str, Any] = {}
    for constraint in table.constraints:
        if not isinstance(constraint, sa.CheckConstraint):
            continue
        text = str(constraint.sqltext)
        try:
            tree = sqlglot.parse_one(text, read=_SQLGLOT_DIALECTS.get(dialect))
        except sqlglot.errors.SqlglotError:
            continue
        columns = {column.name for column in tree.find_all(exp.Column)}
        if len(columns) != 1:
            continue
        strings = [v.this for v in tree.find_all(exp.Literal) if v.is_string]
        if "json_valid" in text.lower():
            allowed[columns.pop()] = "{}"
        elif strings:
            allowed[columns.pop()] = strings[0]
    return allowed


def first_line(exc: BaseException) -> str:
    """Return the first line of ``exc``'s message, with its class name."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def column_value(column: sa.Column[Any], number: int) -> Any:
    """Return a value for ``column`` built from ``number``.

    A nullable column whose type has no known Python type gets NULL; a NOT
    NULL one raises :class:`Unfillable`.
    """
    type_ = column.type
    enums = getattr(type_, "enums", None)
    if enums:
        return enums[0]
    try:
        python_type = type_.python_type
    except NotImplementedError:
        if column.nullable:
            return None
        raise Unfillable(
            f"no value for NOT NULL column {column.name} ({type_})"
        ) from None
    return _value_of(python_type, type_, number)


def _value_of(python_type: type, type_: sa.types.TypeEngine[Any], number: int) -> Any:
    if python_type is bool:
        return True
    if python_type is int:
        value = _INTEGER_OFFSET + number
        limit = _SMALL_INTEGERS.get(type(type_).__name__.upper())
        return value % limit if limit else value
    if python_type is float:
        return number + 0.25
    if python_type is decimal.Decimal:
        return _decimal_value(type_, number)
    if python_type is str:
        return _string_value(type_, number)
    if python_type is bytes:
        return str(number).encode()
    return _temporal_or_structured(python_type, type_, number)


def _decimal_value(type_: sa.types.TypeEngine[Any], number: int) -> decimal.Decimal:
    precision = getattr(type_, "precision", None)
    scale = getattr(type_, "scale", None) or 0
    if precision:
        number %= 10 ** max(precision - scale, 0) or 1
    return decimal.Decimal(number)


def _string_value(type_: sa.types.TypeEngine[Any], number: int) -> str:
    if type(type_).__name__ == "LONGTEXT":
        # MariaDB's JSON is LONGTEXT with a json_valid() CHECK constraint that
        # SQLAlchemy does not reflect, so long text gets a JSON document.
        return f'{{"seed": {number}}}'
    text = f"s{number}"
    length = getattr(type_, "length", None)
    return text[-length:] if length and len(text) > length else text


def _temporal_or_structured(
    python_type: type, type_: sa.types.TypeEngine[Any], number: int
) -> Any:
    if python_type is datetime.datetime:
        moment = _EPOCH + datetime.timedelta(seconds=number)
        if getattr(type_, "timezone", False):
            return moment.replace(tzinfo=datetime.timezone.utc)
        return moment
    if python_type is datetime.date:
        return (_EPOCH + datetime.timedelta(days=number % 3650)).date()
    if python_type is datetime.time:
        return datetime.time(number % 24, number % 60)
    if python_type is datetime.timedelta:
        return datetime.timedelta(seconds=number)
    if python_type is uuid.UUID:
        value = uuid.UUID(int=number)
        return value if getattr(type_, "as_uuid", True) else str(value)
    if python_type is dict:
        return {"seed": number}
    if python_type is list:
        return []
    return str(number)


def _referenced_values(
    connection: sa.Connection, foreign_key: sa.ForeignKeyConstraint
) -> dict[str, Any]:
    """Return column values that point at an existing row of the referenced table.

    With no row to point at, nullable columns get NULL and a NOT NULL one
    raises :class:`Unfillable`.
    """
    columns = list(foreign_key.columns)
    referenced = [element.column for element in foreign_key.elements]
    # The newest row, so a one-to-one key (joined inheritance) is still free.
    newest = sa.select(*referenced).order_by(*(c.desc() for c in referenced))
    existing = connection.execute(newest.limit(1)).first()
    if existing is not None:
        return {
            column.name: value for column, value in zip(columns, existing, strict=True)
        }
    if all(column.nullable for column in columns):
        return {column.name: None for column in columns}
    target = referenced[0].table.name
    raise Unfillable(f"table {target} has no row for foreign key {foreign_key.name}")


def snapshot_rows(engine: sa.Engine) -> dict[str, list[dict[str, Any]]]:
    """Return every row of every table, by table name."""
    metadata = reflect(engine)
    rows: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            result = connection.execute(sa.select(table))
            rows[table.name] = [dict(row._mapping) for row in result]
    return rows


def lost_rows(
    before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]
) -> list[str]:
    """Describe the rows of ``before`` that are missing or changed in ``after``.

    Only columns present in both snapshots are compared, so a column the
    schema comparison already reports is not counted twice.
    """
    problems = []
    for table, old_rows in before.items():
        if table not in after or not old_rows:
            continue
        new_rows = after[table]
        shared = set(old_rows[0]) & set(new_rows[0]) if new_rows else set(old_rows[0])
        remaining = [_key(row, shared) for row in new_rows]
        missing = [row for row in old_rows if not _take(remaining, _key(row, shared))]
        if missing:
            example = ", ".join(f"{k}={v!r}" for k, v in sorted(missing[0].items()))
            problems.append(
                f"table {table}: {len(missing)} of {len(old_rows)} rows seeded "
                f"before the upgrade were lost or changed (for example {example})"
            )
    return problems


def _key(row: dict[str, Any], columns: set[str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((name, repr(row.get(name))) for name in columns))


def _take(remaining: list[Any], key: Any) -> bool:
    """Remove one ``key`` from ``remaining``; tell whether there was one."""
    try:
        remaining.remove(key)
    except ValueError:
        return False
    return True
