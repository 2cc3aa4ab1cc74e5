"""What the data-access scan records: column uses, loads, engines.

Every record names a model class as the code writes it (``Notarization``),
not a table: the scan reads one file without the model schema, and
:mod:`steward_lsp.engine.queries.resolve` maps class names to tables later.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from steward_lsp.engine.schema import Location


class UseKind(enum.Enum):
    """How a query uses a column."""

    FILTER = "filter"
    JOIN = "join"
    ORDER = "order"
    GET = "get"


@dataclass(frozen=True)
class ColumnUse:
    """A column that a query filters, joins or orders on.

    ``entity`` is the class name, or ``Class.relationship`` when the entity
    is the target of a relationship. ``attribute`` is the mapped attribute
    name; it is None for a primary-key lookup (``session.get``). ``partner``
    is the (entity, attribute) on the other side of a comparison of two
    columns of different entities. The scan records an equality with a
    partner as a join, and any other comparison with a partner as a
    filter. When both sides are models, resolution keeps the join and
    drops the other comparison.
    ``query`` is the (line, column) where the use's method chain starts, so
    uses of one ``select(...).where(...).order_by(...)`` share it.
    """

    kind: UseKind
    entity: str
    attribute: str | None
    location: Location
    partner: tuple[str, str] | None = None
    query: tuple[int, int] | None = None


@dataclass(frozen=True)
class RelationshipLoad:
    """A relationship that a query joins or loads eagerly (``joinedload``)."""

    entity: str
    attribute: str
    location: Location


@dataclass(frozen=True)
class RelationshipDecl:
    """A ``relationship()`` declared in a class body.

    ``target`` is the class name of the other side; ``secondary`` the
    association table name when the relationship goes through one.
    ``foreign_keys`` names the attributes its ``foreign_keys=`` argument
    lists, which pick the foreign key when the table has several to the
    target.
    """

    class_name: str
    attribute: str
    target: str | None
    secondary: str | None = None
    foreign_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class EngineCall:
    """A ``create_engine`` or ``create_async_engine`` call and its pool options.

    ``options`` maps each keyword argument to its source text, as written.
    ``url`` is the URL when it is a string literal.
    """

    function: str
    url: str | None
    options: dict[str, str]
    location: Location


@dataclass
class FileScan:
    """Everything the scan found in one file."""

    uses: list[ColumnUse] = field(default_factory=list)
    loads: list[RelationshipLoad] = field(default_factory=list)
    relationships: list[RelationshipDecl] = field(default_factory=list)
    column_names: dict[str, dict[str, str]] = field(default_factory=dict)
    engines: list[EngineCall] = field(default_factory=list)
    class_bases: dict[str, list[str]] = field(default_factory=dict)
    table_variables: dict[str, str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """Tell whether the scan found nothing in the file."""
        return not (
            self.uses
            or self.loads
            or self.relationships
            or self.column_names
            or self.engines
            or self.class_bases
            or self.table_variables
        )


@dataclass
class ProjectQueries:
    """The scans of every data-access file of one environment, merged.

    ``column_names`` maps a class name to the attributes whose column name
    differs from the attribute (``id = mapped_column("filing_id")``).
    ``class_bases`` maps a class name to the names of its bases, and
    ``table_variables`` a variable to the name of the ``Table`` bound to it.
    ``derived`` keeps results computed from these scans; the scanner returns
    the same object while no file's scan changes, so they are reused.
    """

    uses: list[ColumnUse] = field(default_factory=list)
    loads: list[RelationshipLoad] = field(default_factory=list)
    relationships: dict[tuple[str, str], RelationshipDecl] = field(default_factory=dict)
    column_names: dict[str, dict[str, str]] = field(default_factory=dict)
    engines: list[EngineCall] = field(default_factory=list)
    class_bases: dict[str, list[str]] = field(default_factory=dict)
    table_variables: dict[str, str] = field(default_factory=dict)
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def add(self, scan: FileScan) -> None:
        """Merge the scan of one file."""
        self.uses.extend(scan.uses)
        self.loads.extend(scan.loads)
        for decl in scan.relationships:
            self.relationships.setdefault((decl.class_name, decl.attribute), decl)
        for class_name, names in scan.column_names.items():
            self.column_names.setdefault(class_name, {}).update(names)
        self.engines.extend(scan.engines)
        for class_name, bases in scan.class_bases.items():
            self.class_bases.setdefault(class_name, bases)
        for variable, table in scan.table_variables.items():
            self.table_variables.setdefault(variable, table)
