"""Map the scanned query uses to tables and columns of a model schema.

Class names become tables through ``TableDef.class_name``; attribute names
become column names through the column-name overrides the scan read
(``id = mapped_column("filing_id")``). A use whose class or attribute maps
to no column (a relationship, a hybrid property, a class of another
environment) is dropped.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from steward_lsp.engine.queries.uses import (
    ColumnUse,
    ProjectQueries,
    RelationshipDecl,
    RelationshipLoad,
    UseKind,
)
from steward_lsp.engine.rules.naming import convention_name
from steward_lsp.engine.rules.table_shape import is_covered, leading_columns
from steward_lsp.engine.schema import (
    ColumnDef,
    ForeignKeyDef,
    Location,
    SchemaState,
    TableDef,
)


@dataclass(frozen=True)
class IndexNeed:
    """Columns of one table a query looks up, and whether an index serves them.

    ``relationship`` is ``Class.attribute`` when the lookup comes from
    loading a relationship, whose foreign-key columns the join uses.
    ``by_other_filter`` is true when an index serves another filter of the
    same query on the same table, or on a table of the same joined-table
    inheritance, so the query does not scan the table even though no index
    serves these columns.
    """

    table: TableDef
    columns: tuple[str, ...]
    kind: UseKind
    location: Location
    covered: bool
    relationship: str | None = None
    by_other_filter: bool = False


def index_needs(queries: ProjectQueries, schema: SchemaState) -> list[IndexNeed]:
    """Return every lookup of ``queries`` on ``schema``'s tables, in scan order.

    A filter or an ordering is served together with the other filters of
    the same query on the same table: ``where(status == ...)`` with
    ``order_by(created_at)`` is served by an index on (status, created_at).
    A query that one index already narrows does not scan the table, which
    ``IndexNeed.by_other_filter`` records for its other columns.
    """
    signature = _schema_signature(schema)
    cached = queries.derived.get("index_needs")
    if cached is not None and cached[0] == signature:
        needs: list[IndexNeed] = cached[1]
        return needs
    needs = _index_needs(queries, schema)
    queries.derived["index_needs"] = (signature, needs)
    return needs


def _index_needs(queries: ProjectQueries, schema: SchemaState) -> list[IndexNeed]:
    resolver = _Resolver(queries, schema)
    resolved = [
        (use, found)
        for use in queries.uses
        if (found := resolver.column_use(use)) is not None
    ]
    filtered: dict[_QueryKey, set[str]] = {}
    for use, (table, columns, kind) in resolved:
        if kind is UseKind.FILTER and use.query is not None:
            key = (use.location.path, use.query, table.key)
            filtered.setdefault(key, set()).update(columns)
    # A query on a joined-inheritance class reads the tables of the class and
    # its bases joined on the primary key, so an index that narrows one of
    # them narrows the rows of all. Narrowing is therefore recorded for the
    # root table of the hierarchy.
    # NOTE: a query that joins two classes of one hierarchy (an aliased base,
    # a sibling class) counts as one, so an index narrowing one narrows both.
    narrowed = {
        (key[0], key[1], resolver.root_table(key[2]))
        for key, columns in filtered.items()
        if any(resolver.is_served(key[2], column, columns) for column in columns)
    }
    needs: list[IndexNeed] = []
    for use, (table, columns, kind) in resolved:
        together: set[str] = set()
        query_key: _QueryKey = (use.location.path, use.query, table.key)
        grouped = kind in (UseKind.FILTER, UseKind.ORDER) and use.query is not None
        if grouped:
            together = filtered.get(query_key, set())
        need = resolver.need(table, columns, kind, use.location, together)
        root_key = (use.location.path, use.query, resolver.root_table(table.key))
        if grouped and not need.covered and root_key in narrowed:
            need = dataclasses.replace(need, by_other_filter=True)
        needs.append(need)
    for load in queries.loads:
        needs.extend(resolver.relationship_load(load))
    return needs


def suggested_index_name(
    schema: SchemaState, table: TableDef, columns: tuple[str, ...]
) -> str:
    """Return the name the project's naming convention gives an index on ``columns``.

    Falls back to ``ix_<table>_<columns>`` when the convention needs a
    token that an unnamed index cannot fill.
    """
    name = convention_name(
        schema.convention_of(table), "ix", table.name, columns, schema=table.schema
    )
    return name or f"ix_{table.name}_{'_'.join(columns)}"


# A query: its file, the position where its chain starts, and a table.
_QueryKey = tuple[Path, tuple[int, int] | None, str]

# Inheritance deeper than this is not followed; it bounds a cycle of bases.
_MAX_BASES = 20


class _Resolver:
    def __init__(self, queries: ProjectQueries, schema: SchemaState) -> None:
        self.queries = queries
        self.schema = schema
        self.classes: dict[str, TableDef] = {}
        for table in schema.tables.values():
            if table.class_name and not table.uncertain:
                self.classes.setdefault(table.class_name, table)
        # Projects repeat the same lookups many times, so each result is kept
        # for the run.
        self._covering: dict[str, list[tuple[str, ...]]] = {}
        self._primary_keys: dict[str, tuple[str, ...]] = {}
        self._covered: dict[tuple[object, ...], bool] = {}
        self._roots: dict[str, str] = {}
        self._uses: dict[
            tuple[object, ...], tuple[TableDef, tuple[str, ...], UseKind] | None
        ] = {}

    def column_use(
        self, use: ColumnUse
    ) -> tuple[TableDef, tuple[str, ...], UseKind] | None:
        """Return the table, columns and kind of ``use``, None when unmapped."""
        key = (use.entity, use.attribute, use.kind, use.partner)
        if key in self._uses:
            return self._uses[key]
        found = self._column_use(use)
        self._uses[key] = found
        return found

    def _column_use(
        self, use: ColumnUse
    ) -> tuple[TableDef, tuple[str, ...], UseKind] | None:
        if use.attribute is None:
            table = self.table_of(use.entity)
            if table is None:
                return None
            primary_key = self._primary_keys.get(table.key)
            if primary_key is None:
                primary_key = self._primary_keys[table.key] = table.primary_key
            if not primary_key:
                return None
            return table, primary_key, use.kind
        found = self.column_of(use.entity, use.attribute)
        if found is None:
            return self._relationship_filter(use.entity, use.attribute, use.kind)
        table, column = found
        kind = use.kind
        if self._is_model_column(use.partner):
            if kind is not UseKind.JOIN:
                # A range comparison of columns of two tables (``Payment.at >
                # Credit.at`` in a correlated subquery) is not a join. The
                # scan cannot tell which side is the outer row, so neither
                # side is reported.
                return None
        elif kind is UseKind.JOIN:
            kind = UseKind.FILTER
        if kind is not UseKind.JOIN and _is_boolean(table.columns[column]):
            # A boolean splits the rows in two at best, so an index on it
            # rarely beats a scan.
            return None
        return table, (column,), kind

    def _relationship_filter(
        self, entity: str, attribute: str, kind: UseKind
    ) -> tuple[TableDef, tuple[str, ...], UseKind] | None:
        """Return the foreign key a comparison of a relationship filters on.

        ``Card.owner == owner`` on a many-to-one relationship compares the
        foreign-key columns of ``Card`` to the owner's key. The foreign key
        is the only one from the class's tables to the target, or the one
        that ``foreign_keys=`` names. Without such a key the use is dropped.
        """
        if kind is UseKind.ORDER:
            return None
        lineage = self._lineage(entity)
        decl = next(
            (
                found
                for class_name in lineage
                if (found := self.queries.relationships.get((class_name, attribute)))
            ),
            None,
        )
        if decl is None or decl.target is None:
            return None
        target = self.table_of(decl.target)
        if target is None:
            return None
        named: set[str] = set()
        for name in decl.foreign_keys:
            column = self.column_of(entity, name)
            if column is not None:
                named.add(column[1])
        for class_name in lineage:
            table = self.classes.get(class_name)
            if table is None:
                continue
            keys = _referring(table, target)
            if named:
                keys = [fk for fk in keys if set(fk.columns) == named]
            if len(keys) == 1:
                return table, keys[0].columns, UseKind.FILTER
            if keys:
                return None
        return None

    def relationship_load(self, load: RelationshipLoad) -> list[IndexNeed]:
        """Return the foreign-key lookups that loading a relationship makes.

        From the parent of a one-to-many, the load filters the child's
        foreign key; through an association table, it filters the
        association's foreign key to the parent. A many-to-one load looks
        up the referred key, usually the primary key.
        """
        decl = self.queries.relationships.get((load.entity, load.attribute))
        source = self.table_of(load.entity)
        if decl is None or source is None or decl.target is None:
            return []
        target = self.table_of(decl.target)
        if target is None:
            return []
        label = f"{load.entity}.{load.attribute}"
        lookups: list[tuple[TableDef, tuple[str, ...]]] = []
        through = self._association(decl)
        if through is not None:
            lookups += [(through, fk.columns) for fk in _referring(through, source)]
        else:
            lookups += [(target, fk.columns) for fk in _referring(target, source)]
            lookups += [
                (target, fk.referred_columns) for fk in _referring(source, target)
            ]
        return [
            self.need(table, columns, UseKind.JOIN, load.location, relationship=label)
            for table, columns in lookups
            if columns
        ]

    def need(
        self,
        table: TableDef,
        columns: tuple[str, ...],
        kind: UseKind,
        location: Location,
        together: set[str] | frozenset[str] = frozenset(),
        relationship: str | None = None,
    ) -> IndexNeed:
        covered = self.need_covered(table, columns, together)
        return IndexNeed(table, columns, kind, location, covered, relationship)

    def is_served(self, table_key: str, column: str, together: set[str]) -> bool:
        """Tell whether an index serves ``column`` filtered with ``together``."""
        table = self.schema.tables[table_key]
        return self.need_covered(table, (column,), together)

    def need_covered(
        self,
        table: TableDef,
        columns: tuple[str, ...],
        together: set[str] | frozenset[str],
    ) -> bool:
        key = (table.key, columns, frozenset(together))
        covered = self._covered.get(key)
        if covered is None:
            covered = self._covered[key] = self._is_covered(table, columns, together)
        return covered

    def _is_covered(
        self,
        table: TableDef,
        columns: tuple[str, ...],
        together: set[str] | frozenset[str],
    ) -> bool:
        covering = self._covering.get(table.key)
        if covering is None:
            covering = leading_columns(table, self.schema.convention_of(table))
            self._covering[table.key] = covering
        if is_covered(columns, covering):
            return True
        return len(columns) == 1 and _served_with(columns[0], together, covering)

    def table_of(self, entity: str) -> TableDef | None:
        """Return the table of a class, a relationship target or a Core table.

        A class without a table of its own (single-table inheritance) maps to
        the table of its nearest mapped base.
        """
        core = self._core_table(entity)
        if core is not None or entity.endswith(".c"):
            return core
        lineage = self._lineage(entity)
        return next((self.classes[c] for c in lineage if c in self.classes), None)

    def column_of(self, entity: str, attribute: str) -> tuple[TableDef, str] | None:
        """Return the table and column name an attribute of ``entity`` maps to.

        The attribute may be declared on a base: with joined-table
        inheritance its column is in the base's table.
        """
        core = self._core_table(entity)
        if core is not None or entity.endswith(".c"):
            return (core, attribute) if core and attribute in core.columns else None
        lineage = self._lineage(entity)
        column = attribute
        for class_name in lineage:
            renamed = self.queries.column_names.get(class_name, {}).get(attribute)
            if renamed is not None:
                column = renamed
                break
        for class_name in lineage:
            table = self.classes.get(class_name)
            if table is not None and column in table.columns:
                return table, column
        return None

    def root_table(self, table_key: str) -> str:
        """Return the key of the table at the root of ``table_key``'s inheritance.

        A model's table is joined to the tables of its mapped bases, so the
        root is the table of its farthest mapped base. A table of no class
        is its own root.
        """
        root = self._roots.get(table_key)
        if root is None:
            root = table_key
            class_name = self.schema.tables[table_key].class_name
            if class_name is not None:
                for base in self._lineage(class_name):
                    table = self.classes.get(base)
                    if table is not None:
                        root = table.key
            self._roots[table_key] = root
        return root

    def _lineage(self, entity: str) -> list[str]:
        """Return the class of ``entity`` and its bases, nearest first."""
        class_name, _, attribute = entity.partition(".")
        if attribute:
            decl = self.queries.relationships.get((class_name, attribute))
            if decl is None or decl.target is None:
                return []
            class_name = decl.target
        lineage: list[str] = []
        pending = [class_name]
        while pending and len(lineage) < _MAX_BASES:
            current = pending.pop(0)
            if current in lineage:
                continue
            lineage.append(current)
            pending.extend(self.queries.class_bases.get(current, ()))
        return lineage

    def _core_table(self, entity: str) -> TableDef | None:
        """Return the table bound to the variable ``entity`` (``accounts.c``)."""
        variable = entity.removesuffix(".c")
        name = self.queries.table_variables.get(variable)
        return self._table_named(name) if name is not None else None

    def _table_named(self, name: str) -> TableDef | None:
        table = self.schema.tables.get(name)
        if table is None:
            short = name.rsplit(".", 1)[-1]
            table = next(
                (t for t in self.schema.tables.values() if t.name == short), None
            )
        return None if table is None or table.uncertain else table

    def _is_model_column(self, partner: tuple[str, str] | None) -> bool:
        if partner is None:
            return False
        return self.column_of(partner[0], partner[1]) is not None

    def _association(self, decl: RelationshipDecl) -> TableDef | None:
        if decl.secondary is None:
            return None
        variable = decl.secondary.rsplit(".", 1)[-1]
        name = self.queries.table_variables.get(variable, decl.secondary)
        return self._table_named(name)


def _schema_signature(schema: SchemaState) -> tuple[object, ...]:
    """Return what the needs depend on, so equal signatures give equal needs.

    A keystroke rebuilds the model schema, but usually with the same
    classes, columns, keys and indexes, so the needs of the last run stay
    valid.
    """
    parts: list[object] = []
    for table in schema.tables.values():
        if table.uncertain:
            continue
        convention = schema.convention_of(table)
        foreign_keys = tuple(
            (fk.columns, fk.referred_table, fk.referred_columns)
            for fk in table.all_foreign_keys()
        )
        parts.append(
            (
                table.class_name,
                table.key,
                tuple(
                    (name, column.type.name if column.type else None)
                    for name, column in table.columns.items()
                ),
                tuple(leading_columns(table, convention)),
                foreign_keys,
            )
        )
    return tuple(parts)


def _referring(holder: TableDef, referred: TableDef) -> list[ForeignKeyDef]:
    return [
        fk
        for fk in holder.all_foreign_keys()
        if fk.referred_table == referred.name and fk.columns
    ]


def _served_with(
    column: str, filtered: set[str] | frozenset[str], covering: list[tuple[str, ...]]
) -> bool:
    """Tell whether an index has ``column`` right after columns all in ``filtered``."""
    for entry in covering:
        for position, name in enumerate(entry):
            if name == column:
                if set(entry[:position]) <= filtered:
                    return True
                break
            if name not in filtered:
                break
    return False


def _is_boolean(column: ColumnDef) -> bool:
    name = column.type.name if column.type is not None else ""
    return name.rsplit(".", 1)[-1].lower() == "boolean"
