"""Indexes and unique constraints a table produces, column flags included.

SQLAlchemy turns ``index=True`` on a column into an index named by the
convention, ``unique=True`` into an unnamed unique constraint, and both
together into a unique index. The parsers keep those flags on the column; the
rules see the objects they produce.
"""

from __future__ import annotations

from dataclasses import dataclass

from steward_lsp.engine.rules.naming import convention_name
from steward_lsp.engine.schema import Location, TableDef


@dataclass(frozen=True)
class IndexShape:
    """An index after naming: final name, expressions, uniqueness."""

    name: str | None
    expressions: tuple[str, ...]
    unique: bool
    location: Location | None
    has_dialect_options: bool = False
    # The partial-index predicates as (option, SQL text), for example
    # ("postgresql_where", "state = 'open'").
    predicates: tuple[tuple[str, str], ...] = ()

    def predicate(self, dialect: str | None) -> str | None:
        """Return the predicate of a partial index on ``dialect``, or None."""
        return dict(self.predicates).get(f"{dialect}_where")


@dataclass(frozen=True)
class UniqueShape:
    """A unique constraint after naming."""

    name: str | None
    columns: tuple[str, ...]
    location: Location | None


def table_indexes(table: TableDef, convention: dict[str, str]) -> list[IndexShape]:
    """Return the table's indexes, named and deduplicated by name."""
    found: dict[str, IndexShape] = {}
    unnamed: list[IndexShape] = []
    for index in table.indexes:
        name = convention_name(
            convention,
            "ix",
            table.name,
            index.expressions,
            index.name,
            schema=table.schema,
        )
        shape = IndexShape(
            name,
            index.expressions,
            index.unique,
            index.location,
            bool(index.dialect_options),
            tuple(
                (option, text)
                for option, text in sorted(index.dialect_options.items())
                if option.endswith("_where")
            ),
        )
        _remember(shape, found, unnamed)
    for column in table.columns.values():
        if not column.index:
            continue
        name = convention_name(
            convention, "ix", table.name, (column.name,), schema=table.schema
        )
        shape = IndexShape(name, (column.name,), column.unique, column.location)
        # A replay may also record the index it created for ``index=True``.
        if name is None or name not in found:
            _remember(shape, found, unnamed)
    return [*found.values(), *unnamed]


def _remember(
    shape: IndexShape, found: dict[str, IndexShape], unnamed: list[IndexShape]
) -> None:
    if shape.name is None:
        unnamed.append(shape)
    else:
        found[shape.name] = shape


def table_uniques(table: TableDef, convention: dict[str, str]) -> list[UniqueShape]:
    """Return the table's unique constraints, without those on the primary key.

    A primary key already makes its columns unique, so ``unique=True`` on a
    single primary-key column adds nothing the comparison should see.
    """
    primary_key = set(table.primary_key)
    shapes: list[UniqueShape] = []
    for unique in table.uniques:
        name = convention_name(
            convention,
            "uq",
            table.name,
            unique.columns,
            unique.name,
            schema=table.schema,
        )
        shapes.append(UniqueShape(name, unique.columns, unique.location))
    for column in table.columns.values():
        if column.unique and not column.index:
            name = convention_name(
                convention, "uq", table.name, (column.name,), schema=table.schema
            )
            shapes.append(UniqueShape(name, (column.name,), column.location))
    # A replay may record the constraint that ``unique=True`` produced as well.
    distinct: dict[tuple[str | None, frozenset[str]], UniqueShape] = {}
    for shape in shapes:
        if primary_key and set(shape.columns) == primary_key:
            continue
        distinct.setdefault((shape.name, frozenset(shape.columns)), shape)
    return list(distinct.values())


def leading_columns(
    table: TableDef, convention: dict[str, str]
) -> list[tuple[str, ...]]:
    """Return the column tuples of every index, unique constraint and primary key.

    A lookup on columns C is served by any of them whose leading columns are C.
    """
    covering: list[tuple[str, ...]] = []
    if table.primary_key:
        covering.append(table.primary_key)
    covering.extend(i.expressions for i in table_indexes(table, convention))
    covering.extend(u.columns for u in table.uniques)
    covering.extend((c.name,) for c in table.columns.values() if c.unique)
    return covering


def is_covered(columns: tuple[str, ...], covering: list[tuple[str, ...]]) -> bool:
    """Return whether some entry of ``covering`` starts with ``columns``.

    The order of ``columns`` does not matter for the prefix, because a lookup
    on (a, b) is served by an index on (b, a) as well.
    """
    wanted = set(columns)
    return any(set(entry[: len(columns)]) == wanted for entry in covering)


def reconcile_unique_kinds(
    model_indexes: list[IndexShape],
    model_uniques: list[UniqueShape],
    head_indexes: list[IndexShape],
    head_uniques: list[UniqueShape],
) -> tuple[list[IndexShape], list[UniqueShape]]:
    """Return the head's indexes and uniques, each kind as the model declares it.

    MySQL and MariaDB implement a unique constraint as a unique index, so
    reflection cannot tell the two apart and Alembic keeps whichever kind
    the model uses. The same is done here, matching by name, or by columns
    for an unnamed model constraint.
    """
    model_index_names = {i.name: i for i in model_indexes if i.unique and i.name}
    model_unique_names = {u.name for u in model_uniques if u.name}
    unnamed_model_uniques = {frozenset(u.columns) for u in model_uniques if not u.name}
    indexes = list(head_indexes)
    uniques: list[UniqueShape] = []
    for unique in head_uniques:
        declared = model_index_names.get(unique.name) if unique.name else None
        as_index = declared is not None and unique.name not in model_unique_names
        # A head unique that the model declares in no form is reflected as a
        # unique index, so Alembic reports it as an extra index.
        undeclared = (
            unique.name not in model_unique_names
            and frozenset(unique.columns) not in unnamed_model_uniques
            and unique.name not in model_index_names
        )
        if as_index or undeclared:
            # NOTE: an unnamed unique key gets its first column's name on
            # MySQL and MariaDB unless an index of that name already exists.
            name = unique.name or unique.columns[0]
            indexes.append(IndexShape(name, unique.columns, True, unique.location))
        else:
            uniques.append(unique)
    kept_indexes: list[IndexShape] = []
    for index in indexes:
        as_constraint = index.unique and (
            index.name in model_unique_names
            or frozenset(index.expressions) in unnamed_model_uniques
        )
        if as_constraint and index.name not in model_index_names:
            uniques.append(UniqueShape(index.name, index.expressions, index.location))
        else:
            kept_indexes.append(index)
            if as_constraint:
                # The model's index and its unnamed unique constraint on the
                # same columns are both this one unique index.
                uniques.append(
                    UniqueShape(index.name, index.expressions, index.location)
                )
    return kept_indexes, uniques
