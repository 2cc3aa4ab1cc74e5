"""Schema model shared by the model parser, the revision replay and the rules.

Both sides of a drift comparison are expressed in these classes: the schema
the models declare, and the schema the migration chain builds at a head. Every
object remembers where in the source it was declared, so a finding can sit on
the line a user would edit.

Positions are 0-based lines and 0-based columns counted in code points of the
decoded source text (Python string indices). The language server converts
columns to the client's encoding at the boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Span:
    """A range in one source file, end exclusive."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int


@dataclass(frozen=True)
class Location:
    """A span in a named file (absolute path)."""

    path: Path
    span: Span


@dataclass(frozen=True)
class TypeSpec:
    """A column type as written in source, normalized for comparison.

    ``name`` is the SQLAlchemy class name with its dialect module when it
    comes from one (``"String"``, ``"postgresql.JSONB"``). ``args`` and
    ``kwargs`` hold the literal arguments that could be read; ``text`` is the
    source as written. ``known`` is false when the name could not be resolved
    to a SQLAlchemy type (a project's own TypeDecorator that could not be
    followed, say), in which case comparisons must not report drift on it.
    """

    name: str
    args: tuple[object, ...] = ()
    kwargs: tuple[tuple[str, object], ...] = ()
    text: str = ""
    known: bool = True

    def kwarg(self, key: str, default: object = None) -> object:
        """Return the keyword argument ``key`` or ``default``."""
        for name, value in self.kwargs:
            if name == key:
                return value
        return default


@dataclass
class ForeignKeyDef:
    """A foreign key, inline on a column or as a table constraint."""

    columns: tuple[str, ...]
    referred_table: str
    referred_columns: tuple[str, ...]
    referred_schema: str | None = None
    name: str | None = None
    ondelete: str | None = None
    onupdate: str | None = None
    location: Location | None = None


@dataclass
class UniqueConstraintDef:
    """A UNIQUE constraint (``unique=True`` on a column produces one too)."""

    columns: tuple[str, ...]
    name: str | None = None
    location: Location | None = None


@dataclass
class CheckConstraintDef:
    """A CHECK constraint with its SQL text."""

    sqltext: str
    name: str | None = None
    location: Location | None = None


@dataclass
class IndexDef:
    """An index; ``expressions`` holds column names or SQL expression text.

    ``dialect_options`` keeps options such as ``postgresql_where`` as source
    text, keyed by the keyword name.
    """

    name: str | None
    expressions: tuple[str, ...]
    unique: bool = False
    dialect_options: dict[str, str] = field(default_factory=dict)
    location: Location | None = None

    @property
    def is_plain(self) -> bool:
        """Whether every expression is a bare column name."""
        return all(_is_identifier(expr) for expr in self.expressions)


@dataclass
class ColumnDef:
    """A column as declared by a model or built by migrations.

    ``server_default`` is the SQL text of the server default, normalized by
    the parser (quotes of string literals kept, ``text()`` unwrapped), or
    None. ``default`` records only whether a Python-side default exists,
    because it is not DDL and never drifts. ``info`` holds the literal
    ``info={...}`` dictionary, where PII class and retention live.
    ``unread`` names the keyword arguments (``server_default``, ``nullable``,
    ``unique``, ``index``) whose value the parser could not read, so the
    rules compare nothing for them.
    """

    name: str
    type: TypeSpec | None
    nullable: bool = True
    primary_key: bool = False
    server_default: str | None = None
    has_python_default: bool = False
    unique: bool = False
    index: bool = False
    autoincrement: object = "auto"
    comment: str | None = None
    doc: str | None = None
    info: dict[str, object] = field(default_factory=dict)
    foreign_keys: list[ForeignKeyDef] = field(default_factory=list)
    location: Location | None = None
    unread: set[str] = field(default_factory=set)


@dataclass
class TableDef:
    """A table with its columns and table-level constraints.

    Column-level ``unique=True``, ``index=True`` and inline ``ForeignKey``
    stay on the column; the rules treat them as the constraint or index they
    produce. ``class_name`` and ``class_location`` are set for declarative
    models. ``uncertain`` names why the shape of this table cannot be known
    statically (raw SQL in a revision, an unfollowable construct), and
    suppresses drift findings on it. ``bind_key`` is the Flask-SQLAlchemy
    bind (database) of a model table, None for the default bind.
    """

    name: str
    schema: str | None = None
    columns: dict[str, ColumnDef] = field(default_factory=dict)
    primary_key_name: str | None = None
    indexes: list[IndexDef] = field(default_factory=list)
    uniques: list[UniqueConstraintDef] = field(default_factory=list)
    foreign_keys: list[ForeignKeyDef] = field(default_factory=list)
    checks: list[CheckConstraintDef] = field(default_factory=list)
    comment: str | None = None
    doc: str | None = None
    info: dict[str, object] = field(default_factory=dict)
    class_name: str | None = None
    location: Location | None = None
    uncertain: str | None = None
    bind_key: str | None = None

    @property
    def key(self) -> str:
        """Return ``schema.name``, or ``name`` without a schema."""
        return table_key(self.name, self.schema)

    @property
    def primary_key(self) -> tuple[str, ...]:
        """Return the primary-key column names in declaration order."""
        return tuple(c.name for c in self.columns.values() if c.primary_key)

    def all_foreign_keys(self) -> list[ForeignKeyDef]:
        """Return table-level and column-level foreign keys together."""
        inline = [fk for column in self.columns.values() for fk in column.foreign_keys]
        return [*self.foreign_keys, *inline]


@dataclass
class SchemaState:
    """A set of tables: what the models declare, or what a head builds.

    ``naming_convention`` is the convention Alembic's operations apply, and
    the one a table gets unless ``table_conventions`` names its own: the
    models may spread their tables over several MetaData objects, each with
    its convention, keyed here by table key.
    """

    tables: dict[str, TableDef] = field(default_factory=dict)
    naming_convention: dict[str, str] = field(default_factory=dict)
    table_conventions: dict[str, dict[str, str]] = field(default_factory=dict)

    def convention_of(self, table: TableDef) -> dict[str, str]:
        """Return the naming convention of the metadata ``table`` belongs to."""
        return self.table_conventions.get(table.key, self.naming_convention)

    def get(self, name: str, schema: str | None = None) -> TableDef | None:
        """Return the table ``name`` in ``schema``, if present."""
        return self.tables.get(table_key(name, schema))

    def add(self, table: TableDef) -> None:
        """Add or replace ``table``."""
        self.tables[table.key] = table


def table_key(name: str, schema: str | None) -> str:
    """Return the lookup key of a table: ``schema.name`` or ``name``."""
    return f"{schema}.{name}" if schema else name


def _is_identifier(text: str) -> bool:
    return text.replace("_", "a").isalnum() and not text[:1].isdigit()
