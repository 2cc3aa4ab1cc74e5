"""Constraints and indexes found by name, to drop or rename them.

A constraint created without a name gets one from the naming convention
or, failing that, from the database. Drops and renames in later revisions
use that name, so it is matched here: first against names in the schema,
then against the naming convention, then against PostgreSQL's implicit names
(``<table>_pkey``, ``<table>_<columns>_key``, ``<table>_<columns>_fkey``).
On MySQL, unnamed foreign keys get their ``<table>_ibfk_<n>`` names when
created (:func:`name_mysql_foreign_keys`).
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from steward_lsp.engine.replay_state import WorkingSchema
from steward_lsp.engine.schema import (
    CheckConstraintDef,
    ForeignKeyDef,
    IndexDef,
    TableDef,
    UniqueConstraintDef,
)

_Named = TypeVar(
    "_Named", UniqueConstraintDef, ForeignKeyDef, CheckConstraintDef, IndexDef
)


def drop_constraint(
    work: WorkingSchema, table: TableDef, name: str, kind: str | None
) -> bool:
    """Drop the constraint ``name`` of an edited table; return whether found.

    ``kind`` is Alembic's ``type_`` (``"unique"``, ``"foreignkey"``,
    ``"check"``, ``"primary"``) or None when any kind may match.
    """
    if kind in (None, "unique") and _drop_unique(work, table, name):
        return True
    if kind in (None, "foreignkey") and _drop_foreign_key(work, table, name):
        return True
    if kind in (None, "check") and _drop_named(table, "checks", name):
        return True
    implicit_primary = {table.primary_key_name, f"{table.name}_pkey"}
    if kind == "primary" or (kind is None and name in implicit_primary):
        for column_name in table.primary_key:
            column = work.edit_column(table, column_name)
            assert column is not None
            column.primary_key = False
        table.primary_key_name = None
        return True
    return False


def rename_constraint(table: TableDef, old: str, new: str) -> bool:
    """Rename a named constraint or the primary key; return whether found."""
    for attribute in ("uniques", "foreign_keys", "checks"):
        items = getattr(table, attribute)
        for position, item in enumerate(items):
            if item.name == old:
                renamed = _renamed(item, new)
                items[position] = renamed
                return True
    if old in {table.primary_key_name, f"{table.name}_pkey"}:
        table.primary_key_name = new
        return True
    return False


def rename_index(work: WorkingSchema, old: str, new: str) -> bool:
    """Rename the index ``old`` in whichever table has it; return whether found."""
    for candidate in work.tables():
        if any(index.name == old for index in candidate.indexes):
            table = work.edit(candidate.name, candidate.schema)
            assert table is not None
            table.indexes = [
                _renamed(index, new) if index.name == old else index
                for index in table.indexes
            ]
            return True
    return False


def _renamed(item: _Named, name: str) -> _Named:
    return dataclasses.replace(item, name=name)


def _drop_named(table: TableDef, attribute: str, name: str) -> bool:
    items = getattr(table, attribute)
    kept = [item for item in items if item.name != name]
    setattr(table, attribute, kept)
    return len(kept) != len(items)


def _drop_unique(work: WorkingSchema, table: TableDef, name: str) -> bool:
    if _drop_named(table, "uniques", name):
        return True
    for unique in list(table.uniques):
        if unique.name is None and name == _implicit(table, unique.columns, "key"):
            table.uniques.remove(unique)
            return True
    for column in list(table.columns.values()):
        if not column.unique or column.index:
            continue
        names = {
            work.convention_name("uq", table, column.name),
            _implicit(table, (column.name,), "key"),
        }
        if name in names:
            edited = work.edit_column(table, column.name)
            assert edited is not None
            edited.unique = False
            return True
    return False


def _drop_foreign_key(work: WorkingSchema, table: TableDef, name: str) -> bool:
    if _drop_named(table, "foreign_keys", name):
        return True
    for fk in list(table.foreign_keys):
        if fk.name is None and name == _implicit(table, fk.columns, "fkey"):
            table.foreign_keys.remove(fk)
            return True
    for column in list(table.columns.values()):
        implicit = _implicit(table, (column.name,), "fkey")
        if any(
            fk.name == name or (fk.name is None and name == implicit)
            for fk in column.foreign_keys
        ):
            edited = work.edit_column(table, column.name)
            assert edited is not None
            edited.foreign_keys = [
                fk
                for fk in edited.foreign_keys
                if fk.name != name and not (fk.name is None and name == implicit)
            ]
            return True
    return False


def name_mysql_foreign_keys(work: WorkingSchema, table: TableDef) -> None:
    """Give an edited table's unnamed foreign keys MySQL's ``<table>_ibfk_<n>``.

    MySQL numbers them in the order of the CREATE TABLE or ALTER TABLE
    statement, after the highest number already used in the table.
    """
    # SQLAlchemy 2.1's CREATE TABLE lists table-level ForeignKeyConstraint
    # arguments before the constraints of column ForeignKey objects, so the
    # numbers follow that order.
    prefix = f"{table.name}_ibfk_"
    used = [fk.name for fk in table.all_foreign_keys() if fk.name]
    numbers = [
        int(n[len(prefix) :])
        for n in used
        if n.startswith(prefix) and n[len(prefix) :].isdigit()
    ]
    counter = max(numbers, default=0)
    renamed: list[ForeignKeyDef] = []
    for fk in table.foreign_keys:
        if fk.name is None:
            counter += 1
            fk = _renamed(fk, f"{prefix}{counter}")
        renamed.append(fk)
    table.foreign_keys = renamed
    for column in list(table.columns.values()):
        if not any(fk.name is None for fk in column.foreign_keys):
            continue
        edited = work.edit_column(table, column.name)
        assert edited is not None
        named: list[ForeignKeyDef] = []
        for fk in edited.foreign_keys:
            if fk.name is None:
                counter += 1
                fk = _renamed(fk, f"{prefix}{counter}")
            named.append(fk)
        edited.foreign_keys = named


def _implicit(table: TableDef, columns: tuple[str, ...], suffix: str) -> str:
    """Return the name PostgreSQL gives an unnamed constraint.

    PostgreSQL truncates names to 63 bytes; this does not, so very long
    names do not match.
    """
    return "_".join((table.name, *columns, suffix))
