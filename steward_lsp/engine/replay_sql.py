"""Raw SQL of ``op.execute`` applied to the working schema with sqlglot.

Plain DDL is applied: ``CREATE TABLE``, ``DROP TABLE``, ``ALTER TABLE`` with
ADD / DROP / RENAME COLUMN, ``ALTER COLUMN`` (type, NULL, default) and
RENAME TO, ``CREATE INDEX`` and ``DROP INDEX``. DML and statements that change
no table's shape (functions, triggers, extensions, types, views, grants)
leave the schema alone. Anything else makes the tables it names uncertain;
when no table can be named, the whole head schema is uncertain.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from steward_lsp.engine.migration import Operation
from steward_lsp.engine.replay_record import Recorder
from steward_lsp.engine.replay_sql_alter import apply_alter, apply_rename_constraint
from steward_lsp.engine.replay_sql_columns import (
    add_table_constraint,
    column_from_sql,
    sqlglot_dialect,
)
from steward_lsp.engine.replay_state import WorkingSchema
from steward_lsp.engine.schema import IndexDef, TableDef, table_key

logger = logging.getLogger(__name__)

# sqlglot warns on every statement it keeps as an opaque command (CREATE
# EXTENSION, ALTER TYPE); those are expected here and handled below.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

_DML = (exp.Insert, exp.Update, exp.Delete, exp.Select, exp.Merge, exp.Union)
_NO_SHAPE = (exp.Transaction, exp.Commit, exp.Rollback, exp.Set, exp.Use, exp.Grant)
_NO_SHAPE_KINDS = {
    "FUNCTION",
    "PROCEDURE",
    "TRIGGER",
    "VIEW",
    "SEQUENCE",
    "SCHEMA",
    "TYPE",
    "EXTENSION",
    "DATABASE",
    "MATERIALIZED VIEW",
}
_NO_SHAPE_COMMANDS = re.compile(
    r"^\s*(?:(?:CREATE|ALTER|DROP)(?:\s+OR\s+REPLACE)?\s+(?:EXTENSION|TYPE|FUNCTION|"
    r"PROCEDURE|TRIGGER|VIEW|SEQUENCE|SCHEMA|ROLE|POLICY|MATERIALIZED\s+VIEW|DOMAIN|"
    r"COLLATION|PUBLICATION|SUBSCRIPTION|RULE)|COMMENT\s+ON|GRANT|REVOKE|SET|ANALYZE|"
    r"VACUUM|REFRESH|PRAGMA|LOCK|REINDEX|CLUSTER|NOTIFY|DISCARD|CHECKPOINT|TRUNCATE)\b",
    re.IGNORECASE,
)
_DML_TEXT = re.compile(r"^\s*(INSERT|UPDATE|DELETE|SELECT|WITH|MERGE|COPY)\b", re.I)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def apply_sql(
    work: WorkingSchema, operation: Operation, recorder: Recorder, dialect: str | None
) -> None:
    """Apply the SQL of an ``execute`` operation, or mark what it may change."""
    sql = operation.sql
    if sql is None:
        _apply_unread(work, operation, recorder)
        return
    statements = _parse(sql, dialect)
    if statements is None:
        _apply_unparsed(work, operation, recorder, sql)
        return
    for statement in statements:
        if statement is not None:
            _apply_statement(work, operation, recorder, statement, dialect)


def sql_tables(sql: str) -> list[tuple[str, str | None]]:
    """Return the tables that ``sql`` names, as (name, schema), in order."""
    statements = _parse(sql, None) or ()
    found: list[tuple[str, str | None]] = []
    for statement in statements:
        if statement is None:
            continue
        for table in statement.find_all(exp.Table):
            item = (table.name, table.db or None)
            if table.name and item not in found:
                found.append(item)
    return found


def parse_sql(sql: str, dialect: str | None) -> tuple[exp.Expr | None, ...] | None:
    """Return the statements of ``sql`` as sqlglot trees, None if it cannot parse.

    The trees are shared with replay's cache, so callers must not change them.
    """
    return _parse(sql, dialect)


@functools.lru_cache(maxsize=4096)
def _parse(sql: str, dialect: str | None) -> tuple[exp.Expr | None, ...] | None:
    """Parse ``sql`` once per process; the trees are only read, never changed.

    sqlglot takes most of replay's time on chains with much raw SQL, and
    the same statements are replayed on every analysis.
    """
    read = sqlglot_dialect(dialect)
    try:
        return tuple(sqlglot.parse(sql, read=read))
    except SqlglotError as exc:
        logger.debug("sqlglot cannot parse %r: %s", sql[:80], exc)
        return None


def _apply_unread(
    work: WorkingSchema, operation: Operation, recorder: Recorder
) -> None:
    """Handle ``execute`` whose SQL text could not be read statically."""
    if operation.params.get("dml"):
        return
    template = operation.params.get("sql_template") or operation.params.get("source")
    text = template if isinstance(template, str) else ""
    if isinstance(operation.params.get("sql_template"), str) and _DML_TEXT.match(text):
        return
    description = "runs SQL the static analysis cannot read"
    named = _mentioned_tables(work, text)
    if named:
        for table in named:
            recorder.mark_uncertain(
                work, table.name, table.schema, description, operation
            )
        return
    recorder.mark_everywhere(description, operation)


def _apply_unparsed(
    work: WorkingSchema, operation: Operation, recorder: Recorder, sql: str
) -> None:
    if _DML_TEXT.match(sql):
        return
    description = "runs SQL that sqlglot cannot parse"
    named = _mentioned_tables(work, sql)
    for table in named:
        recorder.mark_uncertain(work, table.name, table.schema, description, operation)
    if not named and not _NO_SHAPE_COMMANDS.match(sql):
        recorder.mark_everywhere(description, operation)


def _mentioned_tables(work: WorkingSchema, text: str) -> list[TableDef]:
    words = set(_WORD.findall(text))
    return [table for table in work.tables() if table.name in words]


def _apply_statement(
    work: WorkingSchema,
    operation: Operation,
    recorder: Recorder,
    statement: exp.Expr,
    dialect: str | None,
) -> None:
    if isinstance(statement, _DML + _NO_SHAPE):
        return
    if isinstance(statement, exp.Create):
        _create(work, operation, recorder, statement, dialect)
    elif isinstance(statement, exp.Drop):
        _drop(work, operation, recorder, statement)
    elif isinstance(statement, exp.Alter):
        if not apply_alter(work, operation, recorder, statement, dialect):
            _unsupported(work, operation, recorder, statement)
    elif isinstance(statement, exp.Command):
        _command(work, operation, recorder, statement.sql())
    else:
        _unsupported(work, operation, recorder, statement)


def _unsupported(
    work: WorkingSchema,
    operation: Operation,
    recorder: Recorder,
    statement: exp.Expr,
) -> None:
    description = (
        f"runs SQL ({statement.key.upper()}) that the static analysis does not apply"
    )
    tables = [t for t in statement.find_all(exp.Table) if t.name]
    for table in tables:
        recorder.mark_uncertain(
            work, table.name, table.db or None, description, operation
        )
    if not tables:
        recorder.mark_everywhere(description, operation)


def _command(
    work: WorkingSchema, operation: Operation, recorder: Recorder, sql: str
) -> None:
    if _add_enum_value(work, sql):
        return
    if _NO_SHAPE_COMMANDS.match(sql) or apply_rename_constraint(work, sql):
        return
    description = "runs SQL that the static analysis does not apply"
    named = _mentioned_tables(work, sql)
    for table in named:
        recorder.mark_uncertain(work, table.name, table.schema, description, operation)
    if not named:
        recorder.mark_everywhere(description, operation)


_ADD_ENUM_VALUE = re.compile(
    r"""^\s*ALTER\s+TYPE\s+(?:"?\w+"?\.)?"?(?P<type>\w+)"?\s+ADD\s+VALUE\s+
    (?:IF\s+NOT\s+EXISTS\s+)?'(?P<value>(?:[^']|'')*)'
    (?:\s+(?P<where>BEFORE|AFTER)\s+'(?P<neighbour>(?:[^']|'')*)')?\s*;?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def _add_enum_value(work: WorkingSchema, sql: str) -> bool:
    """Apply PostgreSQL's ``ALTER TYPE t ADD VALUE 'v'`` to the columns of type ``t``.

    The members of an ``Enum(..., name="t")`` column are its positional
    arguments, in the order the database sorts them.
    """
    match = _ADD_ENUM_VALUE.match(sql)
    if match is None:
        return False
    type_name = match["type"]
    value = match["value"].replace("''", "'")
    for table in list(work.tables()):
        for column in table.columns.values():
            spec = column.type
            if spec is None or spec.name.rpartition(".")[2] != "Enum":
                continue
            if spec.kwarg("name") != type_name or value in spec.args:
                continue
            members = list(spec.args)
            neighbour = match["neighbour"]
            if neighbour is not None and neighbour.replace("''", "'") in members:
                index = members.index(neighbour.replace("''", "'"))
                members.insert(index + (match["where"].upper() == "AFTER"), value)
            else:
                members.append(value)
            edited = work.edit(table.name, table.schema)
            target = work.edit_column(edited, column.name) if edited else None
            if target is not None:
                target.type = dataclasses.replace(spec, args=tuple(members))
    return True


# -- CREATE / DROP --------------------------------------------------------------


def _create(
    work: WorkingSchema,
    operation: Operation,
    recorder: Recorder,
    statement: exp.Create,
    dialect: str | None,
) -> None:
    kind = str(statement.args.get("kind") or "").upper()
    if kind == "INDEX":
        _create_index(work, operation, recorder, statement, dialect)
        return
    if kind != "TABLE":
        if kind not in _NO_SHAPE_KINDS:
            _unsupported(work, operation, recorder, statement)
        return
    schema_node = statement.this
    if not isinstance(schema_node, exp.Schema) or not isinstance(
        schema_node.this, exp.Table
    ):
        # CREATE TABLE ... AS SELECT: the columns come from the query.
        _unsupported(work, operation, recorder, statement)
        return
    source = schema_node.this
    table = TableDef(source.name, source.db or None, location=operation.location)
    work.put(table)
    work.own(table)
    for item in schema_node.expressions:
        _table_element(table, item, dialect)
    recorder.event(table.key, operation, "created by raw SQL")
    for name in table.columns:
        recorder.event(f"{table.key}.{name}", operation, "created by raw SQL")


def _table_element(table: TableDef, item: exp.Expr, dialect: str | None) -> None:
    if isinstance(item, exp.ColumnDef):
        column = column_from_sql(item, table.location, dialect)
        table.columns[column.name] = column
    elif not add_table_constraint(table, item, table.location, dialect):
        table.uncertain = table.uncertain or (
            f"table constraint {item.sql()[:60]!r} in raw SQL is not modelled"
        )


def _create_index(
    work: WorkingSchema,
    operation: Operation,
    recorder: Recorder,
    statement: exp.Create,
    dialect: str | None,
) -> None:
    index = statement.this
    source = index.args.get("table") if isinstance(index, exp.Index) else None
    params = index.args.get("params") if isinstance(index, exp.Index) else None
    if not isinstance(source, exp.Table) or params is None:
        _unsupported(work, operation, recorder, statement)
        return
    read = sqlglot_dialect(dialect)
    expressions: list[str] = []
    for ordered in params.args.get("columns") or []:
        target = ordered.this if isinstance(ordered, exp.Ordered) else ordered
        if isinstance(target, exp.Column):
            expressions.append(target.name)
        else:
            expressions.append(target.sql(dialect=read))
    table = work.edit(source.name, source.db or None)
    if table is None:
        recorder.mark_uncertain(
            work,
            source.name,
            source.db or None,
            "creates an index on a table that no earlier revision creates",
            operation,
        )
        return
    name = index.name or None
    table.indexes = [i for i in table.indexes if name is None or i.name != name]
    table.indexes.append(
        IndexDef(
            name,
            tuple(expressions),
            bool(statement.args.get("unique")),
            location=operation.location,
        )
    )
    recorder.event(table.key, operation, f"index {name or ''} created by raw SQL")


def _drop(
    work: WorkingSchema, operation: Operation, recorder: Recorder, statement: exp.Drop
) -> None:
    kind = str(statement.args.get("kind") or "").upper()
    targets = [
        t for t in statement.args.get("tables") or [] if isinstance(t, exp.Table)
    ]
    if kind == "TABLE":
        for target in targets:
            if work.remove(target.name, target.db or None) is not None:
                key = table_key(target.name, target.db or None)
                recorder.event(key, operation, "dropped by raw SQL")
    elif kind == "INDEX":
        for target in targets:
            _drop_index(work, operation, recorder, target.name)
    elif kind not in _NO_SHAPE_KINDS:
        _unsupported(work, operation, recorder, statement)


def _drop_index(
    work: WorkingSchema, operation: Operation, recorder: Recorder, name: str
) -> None:
    for candidate in work.tables():
        if any(index.name == name for index in candidate.indexes):
            table = work.edit(candidate.name, candidate.schema)
            assert table is not None
            table.indexes = [i for i in table.indexes if i.name != name]
            recorder.event(table.key, operation, f"index {name} dropped by raw SQL")
            return
