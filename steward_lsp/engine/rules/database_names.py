"""Names that the database gives a constraint created without one.

``op.drop_constraint(None, ...)`` raises, so a downgrade has to drop an
unnamed constraint by the name the database chose. These rules are checked
against PostgreSQL 15 and MariaDB in tests/engine/rules/test_database_names.py:

- PostgreSQL: a foreign key is ``<table>_<columns>_fkey``, a unique
  constraint ``<table>_<columns>_key``, a check ``<table>_<column>_check``
  when its condition names one column and ``<table>_check`` otherwise. A
  name already used in the schema gets a number appended, and a name over
  63 bytes is shortened, so neither case is predicted here.
- MySQL and MariaDB (InnoDB): a foreign key is ``<table>_ibfk_<n>``, with
  ``n`` one above the highest such number on the table. A unique constraint
  is an index named after its first column, or ``<column>_2`` and up when
  that name is taken. Check names differ between MySQL (``<table>_chk_<n>``)
  and MariaDB (``CONSTRAINT_<n>``), so none is predicted.
"""

from __future__ import annotations

import re

from steward_lsp.engine.migration import Operation
from steward_lsp.engine.schema import SchemaState, TableDef

_POSTGRESQL_MAX_NAME_BYTES = 63
_MYSQL_DIALECTS = ("mysql", "mariadb")
_CONSTRAINT_CREATES = (
    "create_foreign_key",
    "create_unique_constraint",
    "create_check_constraint",
)

_SQL_STRING = re.compile(r"'(?:[^']|'')*'")
_SQL_IDENTIFIER = re.compile(r'"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*)')
# A condition read from Python source (``sa.column("qty") > 0``) instead of
# a SQL string, whose identifiers are not the SQL ones.
_PYTHON_CONDITION = re.compile(r"\b(?:sa|sqlalchemy)\.|\b(?:column|text|literal)\(")


def database_constraint_name(
    op: Operation,
    dialect: str | None,
    before: SchemaState | None,
    earlier: list[Operation],
) -> str | None:
    """Return the name the database gives the unnamed constraint ``op`` creates.

    ``before`` is the schema before the revision, and ``earlier`` the
    operations of the same function that run before ``op``. Returns None
    when the name cannot be known: another dialect, a table whose
    constraints are not all known, or a name the database may have to change
    because it is taken.
    """
    table = before.get(op.table, op.schema) if before and op.table else None
    if before is None or table is None or table.uncertain is not None:
        return None
    same_table = [
        other
        for other in earlier
        if other.table == op.table and other.schema == op.schema
    ]
    if dialect == "postgresql":
        name = _postgresql_name(op, table)
        if name is None or len(name.encode()) > _POSTGRESQL_MAX_NAME_BYTES:
            return None
        in_use = _postgresql_names_in_use(before, table.schema, same_table)
        return None if in_use is None or name in in_use else name
    if dialect in _MYSQL_DIALECTS:
        return _mysql_name(op, table, same_table)
    return None


def _postgresql_name(op: Operation, table: TableDef) -> str | None:
    if op.name == "create_foreign_key" and op.foreign_key is not None:
        return "_".join([table.name, *op.foreign_key.columns, "fkey"])
    if op.name == "create_unique_constraint" and op.unique is not None:
        return "_".join([table.name, *op.unique.columns, "key"])
    if op.name == "create_check_constraint" and op.check is not None:
        return _postgresql_check_name(op.check.sqltext, table)
    return None


def _postgresql_check_name(condition: str, table: TableDef) -> str | None:
    """Return PostgreSQL's name for an unnamed check on ``table``, if known."""
    if not condition.strip() or _PYTHON_CONDITION.search(condition):
        return None
    columns: set[str] = set()
    for quoted, bare in _SQL_IDENTIFIER.findall(_SQL_STRING.sub("", condition)):
        # PostgreSQL folds unquoted identifiers to lower case.
        name = quoted.replace('""', '"') if quoted else bare.lower()
        if name in table.columns:
            columns.add(name)
    if len(columns) == 1:
        return f"{table.name}_{columns.pop()}_check"
    return f"{table.name}_check"


def _postgresql_names_in_use(
    before: SchemaState, schema: str | None, same_table: list[Operation]
) -> set[str] | None:
    """Return the constraint and index names of ``schema``; None if one is unknown.

    PostgreSQL looks for a taken name in the whole schema, not one table.
    """
    names: set[str] = set()
    for table in before.tables.values():
        if table.schema != schema:
            continue
        if table.uncertain is not None:
            return None
        found = _postgresql_table_names(table)
        if found is None:
            return None
        names |= found
    for op in same_table:
        if op.name not in _CONSTRAINT_CREATES and op.name != "create_index":
            continue
        owner = before.get(op.table or "", op.schema)
        name = op.constraint_name or (op.index.name if op.index else None)
        if name is None and owner is not None:
            name = _postgresql_name(op, owner)
        if name is None:
            return None
        names.add(name)
    return names


def _postgresql_table_names(table: TableDef) -> set[str] | None:
    names = {index.name for index in table.indexes if index.name}
    names.add(table.primary_key_name or f"{table.name}_pkey")
    for fk in table.all_foreign_keys():
        names.add(fk.name or "_".join([table.name, *fk.columns, "fkey"]))
    for unique in table.uniques:
        names.add(unique.name or "_".join([table.name, *unique.columns, "key"]))
    for column in table.columns.values():
        if column.unique:
            names.add(f"{table.name}_{column.name}_key")
    for check in table.checks:
        name = check.name or _postgresql_check_name(check.sqltext, table)
        if name is None:
            return None
        names.add(name)
    return names


def _mysql_name(
    op: Operation, table: TableDef, same_table: list[Operation]
) -> str | None:
    if op.name == "create_foreign_key":
        return _mysql_foreign_key_name(table, same_table)
    if op.name != "create_unique_constraint" or op.unique is None:
        return None
    if not op.unique.columns or any(
        other.name in (*_CONSTRAINT_CREATES, "create_index") for other in same_table
    ):
        return None
    first = op.unique.columns[0]
    taken = {index.name for index in table.indexes}
    taken |= {unique.name for unique in table.uniques}
    taken |= {fk.name for fk in table.all_foreign_keys()}
    # An unnamed index, unique key or foreign key index takes its first
    # column's name, so any of them on ``first`` may hold the name already.
    leading = [index.expressions[:1] for index in table.indexes]
    leading += [unique.columns[:1] for unique in table.uniques]
    leading += [fk.columns[:1] for fk in table.all_foreign_keys()]
    column = table.columns.get(first)
    flagged = column is not None and (column.unique or column.index)
    if first in taken or (first,) in leading or flagged:
        return None
    return first


def _mysql_foreign_key_name(table: TableDef, same_table: list[Operation]) -> str | None:
    foreign_keys = table.all_foreign_keys()
    if any(fk.name is None for fk in foreign_keys):
        # Replay names unnamed foreign keys on MySQL, so one still unnamed
        # has a number that is not known.
        return None
    pattern = re.compile(rf"{re.escape(table.name)}_ibfk_(\d+)")
    numbers = [
        int(match.group(1))
        for fk in foreign_keys
        if fk.name and (match := pattern.fullmatch(fk.name))
    ]
    added = [
        other
        for other in same_table
        if other.name == "create_foreign_key" and other.constraint_name is None
    ]
    return f"{table.name}_ibfk_{max(numbers, default=0) + len(added) + 1}"
