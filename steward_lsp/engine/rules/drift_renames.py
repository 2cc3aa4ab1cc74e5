"""Drift that is a rename: a column, or an index or unique constraint.

Alembic's autogenerate has no rename: it reports a renamed column as one
column removed and one added, and an index or unique constraint whose name
changed as one dropped and one created. Running that migration loses the
column's rows, and rebuilds the index. Two cases are safe enough to report
as a rename instead, each as one finding:

- a table of which exactly one model column is missing at head and exactly
  one head column is missing from the model, both of one type;
- an index or unique constraint whose model name comes from the models'
  ``naming_convention`` and whose head twin (same columns, uniqueness and
  predicate) has another name, as when a convention was introduced after
  the table was created.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.rules.naming import convention_name
from steward_lsp.engine.rules.scope import RevisionIndex, columns_text, finding_at
from steward_lsp.engine.rules.table_shape import IndexShape, UniqueShape
from steward_lsp.engine.rules.type_compare import compare_types
from steward_lsp.engine.schema import ColumnDef, TableDef
from steward_lsp.engine.sqla.dialects import load_dialect

# Dialects whose unique constraints are unique indexes.
_UNIQUE_IS_INDEX = {"mysql", "mariadb"}

Shape = IndexShape | UniqueShape
Matcher = Callable[[Shape, Shape], bool]


def probable_column_renames(
    model: TableDef, head: TableDef, dialect: str | None
) -> list[tuple[ColumnDef, ColumnDef]]:
    """Return the (head, model) column pairs of probable renames.

    See :func:`pair_renames` for when a dropped and an added column pair up.
    """
    added = [c for name, c in model.columns.items() if name not in head.columns]
    removed = [c for name, c in head.columns.items() if name not in model.columns]
    return pair_renames(added, removed, dialect)


def pair_renames(
    added: list[ColumnDef], removed: list[ColumnDef], dialect: str | None
) -> list[tuple[ColumnDef, ColumnDef]]:
    """Pair columns missing at head with columns missing from the model.

    An added column and a removed one pair up when each is the only column
    on its side that matches the other: one type as Alembic's
    ``compare_type`` compares it, and the same primary-key flag. Where two
    columns on one side match, the pairing would be a guess, so neither
    pairs. Returns (removed, added) pairs.
    """
    pairs = []
    for new in added:
        matches = [old for old in removed if _same_column_type(new, old, dialect)]
        if len(matches) != 1:
            continue
        rivals = [n for n in added if _same_column_type(n, matches[0], dialect)]
        if len(rivals) == 1:
            pairs.append((matches[0], new))
    return pairs


def _same_column_type(new: ColumnDef, old: ColumnDef, dialect: str | None) -> bool:
    if new.primary_key != old.primary_key:
        return False
    comparison = compare_types(new.type, old.type, dialect)
    return comparison is not None and not comparison.differs


@dataclass(frozen=True)
class NameChange:
    """An index or unique constraint that only the naming convention renamed.

    ``kind`` is ``"index"`` or ``"unique"``, the kind the model declares.
    ``head`` is the object at head, which on MySQL and MariaDB may be the
    unique index that implements a model's unique constraint.
    """

    kind: str
    model: IndexShape | UniqueShape
    head: IndexShape | UniqueShape

    @property
    def old(self) -> str:
        """The name at head."""
        assert self.head.name is not None
        return self.head.name

    @property
    def new(self) -> str:
        """The name the model's naming convention gives."""
        assert self.model.name is not None
        return self.model.name


@dataclass
class ShapeSides:
    """The indexes and unique constraints of one table, model and head."""

    model_indexes: list[IndexShape]
    model_uniques: list[UniqueShape]
    head_indexes: list[IndexShape]
    head_uniques: list[UniqueShape]

    def without(self, changes: list[NameChange]) -> ShapeSides:
        """Return the sides without the objects that ``changes`` pair."""
        paired = {id(change.model) for change in changes}
        paired |= {id(change.head) for change in changes}
        return ShapeSides(
            [i for i in self.model_indexes if id(i) not in paired],
            [u for u in self.model_uniques if id(u) not in paired],
            [i for i in self.head_indexes if id(i) not in paired],
            [u for u in self.head_uniques if id(u) not in paired],
        )


def convention_name_changes(
    table: str, sides: ShapeSides, convention: dict[str, str], dialect: str | None
) -> list[NameChange]:
    """Pair model objects named by ``convention`` with head twins named otherwise.

    A pair needs one candidate on each side: two head indexes on the same
    columns leave the model's index unpaired, and so do two model indexes
    that could take one head index.
    """
    changes: list[NameChange] = []
    if "ix" in convention:
        changes.extend(_index_changes(table, sides, convention, dialect))
    if "uq" in convention:
        paired = {id(change.head) for change in changes}
        changes.extend(_unique_changes(table, sides, convention, dialect, paired))
    return changes


def _index_changes(
    table: str, sides: ShapeSides, convention: dict[str, str], dialect: str | None
) -> list[NameChange]:
    head_names = {i.name for i in sides.head_indexes}
    model_names = {i.name for i in sides.model_indexes}
    candidates = [
        index
        for index in sides.model_indexes
        if index.name not in head_names
        and _named_by_convention(index, "ix", table, convention)
    ]
    spare = [i for i in sides.head_indexes if i.name and i.name not in model_names]
    return _pair("index", candidates, spare, functools.partial(_same_index, dialect))


def _unique_changes(
    table: str,
    sides: ShapeSides,
    convention: dict[str, str],
    dialect: str | None,
    paired: set[int],
) -> list[NameChange]:
    """Pair unique constraints, and on MySQL and MariaDB unique indexes at head.

    ``paired`` contains the ids of head indexes an index rename took already.
    """
    head_names = {u.name for u in sides.head_uniques}
    head_names |= {i.name for i in sides.head_indexes}
    model_names = {u.name for u in sides.model_uniques}
    model_names |= {i.name for i in sides.model_indexes}
    candidates = [
        unique
        for unique in sides.model_uniques
        if unique.name not in head_names
        and _named_by_convention(unique, "uq", table, convention)
    ]
    spare: list[Shape] = [
        u for u in sides.head_uniques if u.name and u.name not in model_names
    ]
    if dialect in _UNIQUE_IS_INDEX:
        spare.extend(
            i
            for i in sides.head_indexes
            if i.unique and i.name not in model_names and id(i) not in paired
        )
    return _pair("unique", candidates, spare, _same_columns)


def _named_by_convention(
    shape: Shape, kind: str, table: str, convention: dict[str, str]
) -> bool:
    """Return whether ``convention`` gives the unnamed ``shape`` its name."""
    if shape.name is None:
        return False
    return convention_name(convention, kind, table, _columns(shape)) == shape.name


def _pair(
    kind: str, candidates: Sequence[Shape], spare: Sequence[Shape], same: Matcher
) -> list[NameChange]:
    changes: list[NameChange] = []
    for model in candidates:
        twins = [head for head in spare if same(model, head)]
        if len(twins) != 1:
            continue
        rivals = [other for other in candidates if same(other, twins[0])]
        if len(rivals) == 1:
            changes.append(NameChange(kind, model, twins[0]))
    return changes


def _same_index(dialect: str | None, model: Shape, head: Shape) -> bool:
    """Return whether two plain indexes differ in their name only."""
    if not isinstance(model, IndexShape) or not isinstance(head, IndexShape):
        return False
    if not all(expression.isidentifier() for expression in model.expressions):
        return False
    return (
        model.expressions == head.expressions
        and model.unique == head.unique
        and model.predicate(dialect) == head.predicate(dialect)
    )


def _same_columns(model: Shape, head: Shape) -> bool:
    return set(_columns(model)) == set(_columns(head))


def _columns(shape: Shape) -> tuple[str, ...]:
    if isinstance(shape, IndexShape):
        return shape.expressions
    return shape.columns


def rename_sql(
    kind: str,
    old: str,
    new: str,
    table: str,
    schema: str | None,
    dialect: str | None,
) -> str | None:
    """Return the statement that renames an index or unique constraint, or None.

    ``kind`` is ``"index"`` or ``"unique"``. PostgreSQL renames an index
    with ALTER INDEX and a unique constraint, with the index behind it, with
    ALTER TABLE ... RENAME CONSTRAINT. MySQL and MariaDB rename the index
    that is either one. SQLite's ALTER TABLE renames neither, so the result
    is None there, and for a dialect steward does not know.
    """
    if dialect not in ("postgresql", *_UNIQUE_IS_INDEX):
        return None
    # MariaDB quotes as MySQL does.
    name = "mysql" if dialect in _UNIQUE_IS_INDEX else dialect
    preparer = load_dialect(name).identifier_preparer
    quoted_old, quoted_new = preparer.quote(old), preparer.quote(new)
    quoted_table = preparer.quote(table)
    if schema:
        quoted_table = f"{preparer.quote_schema(schema)}.{quoted_table}"
    if dialect in _UNIQUE_IS_INDEX:
        return f"ALTER TABLE {quoted_table} RENAME INDEX {quoted_old} TO {quoted_new}"
    if kind == "unique":
        return (
            f"ALTER TABLE {quoted_table} RENAME CONSTRAINT {quoted_old} TO {quoted_new}"
        )
    if schema:
        quoted_old = f"{preparer.quote_schema(schema)}.{quoted_old}"
    return f"ALTER INDEX {quoted_old} RENAME TO {quoted_new}"


def name_change_findings(
    table: TableDef,
    changes: list[NameChange],
    dialect: str | None,
    revisions: RevisionIndex,
) -> list[Finding]:
    """Report each index or unique constraint that only its name sets apart.

    An index is STW107 and a unique constraint STW108, one finding each in
    place of the drop and the create Alembic reports.
    """
    findings: list[Finding] = []
    for change in changes:
        sql = rename_sql(
            change.kind, change.old, change.new, table.name, table.schema, dialect
        )
        noun = "index" if change.kind == "index" else "unique constraint"
        if sql is not None:
            fix = f"author a migration that renames it: {sql}"
        elif dialect == "sqlite" and change.kind == "index":
            fix = (
                "author a migration that drops it and creates it under the new "
                "name, because SQLite cannot rename an index"
            )
        elif dialect == "sqlite":
            fix = (
                "author a migration that drops it and creates it under the new "
                "name in batch mode, because SQLite cannot rename a constraint"
            )
        else:
            fix = "author a migration that renames it"
        message = (
            f"{noun} {change.new} on {table.key}{columns_text(_columns(change.model))} "
            f"exists at head{revisions.describe(change.head.location)} as "
            f"{change.old}: the names differ only by the models' naming "
            f"convention; {fix}"
        )
        related = revisions.related(change.head.location, f"{change.old} built")
        findings.extend(
            finding_at(
                "STW107" if change.kind == "index" else "STW108",
                message,
                change.model.location or table.location,
                related,
                _name_change_data(table, change, sql),
            )
        )
    return findings


def _name_change_data(
    table: TableDef, change: NameChange, sql: str | None
) -> dict[str, object]:
    data: dict[str, object] = {"table": table.key, "kind": change.kind}
    if change.kind == "index":
        data["index"] = change.new
    data["renamed_from"] = change.old
    data["head_kind"] = "index" if isinstance(change.head, IndexShape) else "unique"
    data["rename_sql"] = sql
    for side, shape in (("model", change.model), ("head", change.head)):
        columns = list(_columns(shape))
        if isinstance(shape, IndexShape) and change.kind == "index":
            data[side] = {"columns": columns, "unique": shape.unique}
        else:
            data[side] = {"name": shape.name, "columns": columns}
    return data


def column_rename_finding(
    model: TableDef, old: ColumnDef, new: ColumnDef, revisions: RevisionIndex
) -> list[Finding]:
    """Report the model column ``new`` as the probable rename of head's ``old``."""
    fix = f"op.alter_column({model.name!r}, {old.name!r}, new_column_name={new.name!r})"
    message = (
        f"column {model.key}.{new.name} is declared by the model but missing at "
        f"head, and {old.name} of the same type exists at head"
        f"{revisions.describe(old.location)} but not in the model: probably a "
        f"rename; author a migration with {fix}, which keeps the rows"
    )
    data: dict[str, object] = {
        "table": model.key,
        "column": new.name,
        "renamed_from": old.name,
        "fix": fix,
    }
    related = revisions.related(old.location, f"column {old.name} added")
    return finding_at("STW103", message, new.location or model.location, related, data)
