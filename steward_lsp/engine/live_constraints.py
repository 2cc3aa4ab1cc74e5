"""STW111 for indexes, unique constraints and foreign keys of a live database.

The head schema is built as SQLAlchemy tables, and Alembic's
``compare_metadata`` compares them with the reflected live database. Each
dialect's reflection is then read the way ``alembic check`` reads it, for
example MySQL's unique keys reported as indexes, the index MySQL adds for a
foreign key, and PostgreSQL's unique-constraint indexes. Reflection reads
the catalogue with SELECT only. Columns, nullability and types are
compared by :mod:`steward_lsp.engine.live`; only the index and constraint
differences of tables on both sides are kept here.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from steward_lsp.engine.deep_worker import serialize_diff
from steward_lsp.engine.schema import (
    CheckConstraintDef,
    ForeignKeyDef,
    IndexDef,
    Location,
    TableDef,
    UniqueConstraintDef,
)

if TYPE_CHECKING:
    import sqlalchemy as sa

logger = logging.getLogger(__name__)

# The kinds of compare_metadata difference kept here, with the object each
# one names in a message.
_KINDS = {
    "add_index": "index",
    "remove_index": "index",
    "add_constraint": "unique constraint",
    "remove_constraint": "unique constraint",
    "add_fk": "foreign key",
    "remove_fk": "foreign key",
}


def head_metadata(
    tables: list[TableDef], convention: dict[str, str], dialect: str
) -> sa.MetaData:
    """Return ``tables`` as SQLAlchemy tables with their indexes and keys.

    A table with a column type steward cannot build is left out, so its
    indexes are not compared rather than compared against a wrong table.
    """
    import sqlalchemy as sa

    from steward_lsp.engine.generate.author_schema import (
        UnbuildableType,
        build_table,
        index_columns,
        index_name,
        indexes_of,
    )

    metadata = sa.MetaData(naming_convention=convention)
    for table in tables:
        try:
            built = build_table(table, metadata, dialect)
        except UnbuildableType as exc:
            logger.info("live check: indexes of %s not compared: %s", table.name, exc)
            continue
        for index in indexes_of(table, convention):
            options: dict[str, Any] = {
                option: sa.text(text) for option, text in index.predicates if text
            }
            sa.Index(
                index_name(index, table),
                *index_columns(index),
                unique=index.unique,
                _table=built,
                **options,
            )
    return metadata


def constraint_differences(
    connection: sa.Connection, tables: list[TableDef], convention: dict[str, str]
) -> list[dict[str, Any]]:
    """Return Alembic's index and constraint differences, head against live.

    ``add_*`` means the head schema has it and the live database does not;
    ``remove_*`` the other way round.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    metadata = head_metadata(tables, convention, connection.dialect.name)
    names = set(metadata.tables)

    def include_object(
        obj: object, name: str | None, kind: str, reflected: bool, compare_to: object
    ) -> bool:
        if kind == "table":
            return name in names
        return True

    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": False,
            "compare_server_default": False,
            "include_object": include_object,
        },
    )
    records: list[dict[str, Any]] = []
    for diff in compare_metadata(context, metadata):
        # Column modifications arrive as a list of tuples; they are not kept.
        if isinstance(diff, list) or diff[0] not in _KINDS:
            continue
        records.append(serialize_diff(diff))
    return _pair_renames(records)


def _pair_renames(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Join a missing and an extra object of one kind on the same columns.

    Such a pair is one object under two names, for example an unnamed unique
    constraint the database named ``ledgers_name_key`` against the
    ``uq_ledgers_name`` a naming convention gives it at head. Dropping the
    extra one, as two separate findings would suggest, would lose the
    constraint, so the pair becomes one ``rename`` record.
    """

    def shape(record: dict[str, Any]) -> tuple[object, ...]:
        return (
            _KINDS[record["diff"]],
            record["table"],
            tuple(record.get("columns") or ()),
            record.get("unique"),
            record.get("referred"),
        )

    missing = [r for r in records if r["diff"].startswith("add_")]
    extra = [r for r in records if r["diff"].startswith("remove_")]
    paired: list[dict[str, Any]] = []
    for record in missing:
        twins = [other for other in extra if shape(other) == shape(record)]
        if len(twins) != 1:
            paired.append(record)
            continue
        extra.remove(twins[0])
        paired.append(
            {
                **record,
                "diff": "rename",
                "kind": _KINDS[record["diff"]],
                "live_name": twins[0].get("name"),
            }
        )
    return [*paired, *extra]


def describe(record: dict[str, Any], shown: str) -> str:
    """Return the message of one index or constraint difference."""
    kind = record["diff"]
    if kind == "rename":
        columns = ", ".join(record.get("columns") or [])
        return (
            f"{record['kind']} on {record['table']} ({columns}) is named "
            f"{record.get('live_name') or '(no name)'} in the live database "
            f"{shown} but {record.get('name')} at head; rename it in the "
            "database, or name it so in a revision, rather than drop it"
        )
    what = _KINDS[kind]
    name = record.get("name")
    label = f"{what} {name}" if name else f"unnamed {what}"
    columns = ", ".join(record.get("columns") or [])
    where = f"{label} on {record['table']} ({columns})"
    if kind.startswith("add_"):
        return (
            f"{where} exists at head but not in the live database {shown}: it "
            "was dropped by hand or a revision failed part way"
        )
    return (
        f"{where} exists in the live database {shown} but no revision creates "
        "it: it was created by hand; add it to a revision or drop it"
    )


def record_location(record: dict[str, Any], table: TableDef) -> Location | None:
    """Return the head-schema line of the index or constraint, or of its table."""
    name = record.get("name")
    items: list[IndexDef | UniqueConstraintDef | ForeignKeyDef | CheckConstraintDef]
    items = [*table.indexes, *table.uniques, *table.all_foreign_keys(), *table.checks]
    for item in items:
        if name and item.name == name and item.location is not None:
            return item.location
    columns = record.get("columns") or []
    if len(columns) == 1 and columns[0] in table.columns:
        return table.columns[columns[0]].location or table.location
    return table.location
