"""A schema being changed by one revision, copied on write.

Each revision starts from its parent's schema: the table dictionary is
copied, and a table or column is copied only when the revision first changes
it. The schemas of earlier revisions, and the objects the parser produced
(cached across analyses), are therefore never modified, which keeps a schema
per revision cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TypeVar

from steward_lsp.engine.schema import ColumnDef, SchemaState, TableDef, table_key

# SQLAlchemy's default naming convention names only indexes.
DEFAULT_CONVENTION = {"ix": "ix_%(column_0_label)s"}

_TOKEN = re.compile(r"%\((\w+)\)s")

_T = TypeVar("_T")


def _shallow_copy(obj: _T) -> _T:
    """Copy a dataclass instance's fields; faster than ``copy.copy``."""
    clone = object.__new__(type(obj))
    clone.__dict__.update(obj.__dict__)
    return clone


class WorkingSchema:
    """A :class:`SchemaState` that copies tables and columns before changing them."""

    def __init__(
        self,
        base: SchemaState,
        naming_convention: dict[str, str],
        dialect: str | None = None,
    ):
        self.state = SchemaState(dict(base.tables), dict(base.naming_convention))
        # A convention replaces SQLAlchemy's default whole, as in MetaData().
        self.naming_convention = dict(naming_convention or DEFAULT_CONVENTION)
        self.dialect = dialect
        self._owned: set[int] = set()

    def get(self, name: str, schema: str | None) -> TableDef | None:
        """Return the table for reading."""
        return self.state.tables.get(table_key(name, schema))

    def tables(self) -> Iterator[TableDef]:
        """Iterate over the tables for reading."""
        return iter(list(self.state.tables.values()))

    def put(self, table: TableDef) -> None:
        """Add ``table`` as it is; it is copied before any later change."""
        self.state.tables[table.key] = table

    def remove(self, name: str, schema: str | None) -> TableDef | None:
        """Remove a table and return it."""
        return self.state.tables.pop(table_key(name, schema), None)

    def edit(self, name: str, schema: str | None) -> TableDef | None:
        """Return the table for changing, copying it on first change."""
        key = table_key(name, schema)
        table = self.state.tables.get(key)
        if table is None or id(table) in self._owned:
            return table
        clone = _shallow_copy(table)
        clone.columns = dict(table.columns)
        clone.indexes = list(table.indexes)
        clone.uniques = list(table.uniques)
        clone.foreign_keys = list(table.foreign_keys)
        clone.checks = list(table.checks)
        clone.info = dict(table.info)
        self._owned.add(id(clone))
        self.state.tables[key] = clone
        return clone

    def edit_column(self, table: TableDef, name: str) -> ColumnDef | None:
        """Return a column of an edited table for changing, copying it once."""
        column = table.columns.get(name)
        if column is None or id(column) in self._owned:
            return column
        clone = _shallow_copy(column)
        clone.foreign_keys = list(column.foreign_keys)
        clone.info = dict(column.info)
        self._owned.add(id(clone))
        table.columns[name] = clone
        return clone

    def own(self, obj: object) -> None:
        """Note that ``obj`` was made by this revision and may be changed."""
        self._owned.add(id(obj))

    def convention_name(self, kind: str, table: TableDef, column: str) -> str | None:
        """Return the name the naming convention gives a one-column constraint.

        ``kind`` is ``"ix"``, ``"uq"``, ``"ck"`` or ``"fk"``. Returns None when
        the convention has no template for ``kind`` or needs a token this
        function does not fill (a constraint name, a referred table). As in
        SQLAlchemy, only the label tokens include the table's schema.
        """
        template = self.naming_convention.get(kind)
        if template is None:
            return None
        label = f"{table.name}_{column}"
        if table.schema:
            label = f"{table.schema.replace('.', '_')}_{label}"
        values = {
            "table_name": table.name,
            "column_0_name": column,
            "column_0N_name": column,
            "column_0_N_name": column,
            "column_0_label": label,
            "column_0N_label": label,
            "column_0_N_label": label,
        }
        missing = [t for t in _TOKEN.findall(template) if t not in values]
        if missing:
            return None
        return _TOKEN.sub(lambda match: values[match.group(1)], template)
