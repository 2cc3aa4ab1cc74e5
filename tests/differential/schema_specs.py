"""Schema descriptions for the differential test, and the edits made to them.

A ``SchemaSpec`` is a few tables described as plain data. ``project_files``
renders one spec as a models module and as the ``create_table`` revision
that builds it, so both sides start equal. An ``Edit`` then changes the spec
on one side only: either the models are rendered from the edited spec, or a
second revision applies the edit with ``op.*`` calls. Either way the models
and the head differ by exactly that edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# MetaData naming convention used when a spec has ``naming_convention``. The
# index entry equals SQLAlchemy's default, so ``index=True`` gets one name
# with or without it.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Types whose columns are never indexed or made unique: MariaDB indexes TEXT
# and BLOB columns only with a prefix length.
UNINDEXABLE = {"Text", "JSON", "LargeBinary", "JSONB", "ARRAY", "MEDIUMTEXT"}


@dataclass(frozen=True)
class TypeSpec:
    """A column type with its arguments."""

    kind: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    timezone: bool = False
    values: tuple[str, ...] = ()
    native: bool = True
    enum_name: str | None = None
    # The source of a type given as written (a dialect type, say), with the
    # Python type of its values for a Mapped[...] annotation.
    text: str | None = None
    python: str | None = None
    # The source the models use when it differs from the revisions': a
    # TypeDecorator of the project's coltypes module, whose impl is ``text``.
    model_text: str | None = None

    def model_source(self) -> str:
        """Return the expression the models module builds this type with."""
        return self.model_text if self.model_text is not None else self.source()

    def source(self) -> str:
        """Return the ``sa.*`` expression that builds this type."""
        if self.text is not None:
            return self.text
        if self.kind == "String":
            return f"sa.String(length={self.length})"
        if self.kind == "Numeric":
            return f"sa.Numeric(precision={self.precision}, scale={self.scale})"
        if self.kind == "DateTime":
            return f"sa.DateTime(timezone={self.timezone})"
        if self.kind == "Enum":
            values = ", ".join(repr(value) for value in self.values)
            return (
                f"sa.Enum({values}, name={self.enum_name!r}, native_enum={self.native})"
            )
        return f"sa.{self.kind}()"


@dataclass(frozen=True)
class ColumnSpec:
    """A non-key column. ``server_default`` is the Python source of the value."""

    name: str
    type: TypeSpec
    nullable: bool
    server_default: str | None = None
    # "index" or "unique" for the column-level flags, None for neither.
    flag: str | None = None


@dataclass(frozen=True)
class IndexSpec:
    """A named index. ``form`` is plain, desc, expression or partial."""

    name: str
    columns: tuple[str, ...]
    unique: bool = False
    form: str = "plain"


@dataclass(frozen=True)
class UniqueSpec:
    """A table-level unique constraint; ``name`` None leaves it unnamed."""

    name: str | None
    columns: tuple[str, ...]


@dataclass(frozen=True)
class ForeignKeySpec:
    """A foreign key from ``column`` to ``referred``.id."""

    name: str | None
    column: str
    referred: str


@dataclass(frozen=True)
class CheckSpec:
    """A named CHECK constraint ``column > 0`` on an integer column."""

    name: str
    column: str


@dataclass(frozen=True)
class TableSpec:
    """A table with an integer primary key ``id`` and the columns after it."""

    name: str
    columns: tuple[ColumnSpec, ...]
    indexes: tuple[IndexSpec, ...] = ()
    uniques: tuple[UniqueSpec, ...] = ()
    foreign_keys: tuple[ForeignKeySpec, ...] = ()
    checks: tuple[CheckSpec, ...] = ()

    def column(self, name: str) -> ColumnSpec:
        return next(column for column in self.columns if column.name == name)

    def referenced_columns(self) -> set[str]:
        """Return the columns that an index or constraint of the table names."""
        names = {column.name for column in self.columns if column.flag}
        for index in self.indexes:
            names.update(index.columns)
        for unique in self.uniques:
            names.update(unique.columns)
        names.update(fk.column for fk in self.foreign_keys)
        names.update(check.column for check in self.checks)
        return names


@dataclass(frozen=True)
class SchemaSpec:
    """The tables of one generated project and its env.py options."""

    tables: tuple[TableSpec, ...]
    naming_convention: bool = False
    compare_server_default: bool = False
    # "core" for Table() objects, "declarative" for mapped classes whose
    # nullability comes from the Mapped[...] annotation.
    style: str = "core"

    def table(self, name: str) -> TableSpec:
        return next(table for table in self.tables if table.name == name)

    def referring_columns(self, table: str) -> set[tuple[str, str]]:
        """Return (table, column) of every foreign key that refers to ``table``."""
        return {
            (other.name, fk.column)
            for other in self.tables
            for fk in other.foreign_keys
            if fk.referred == table
        }

    def with_table(self, table: TableSpec) -> SchemaSpec:
        tables = tuple(table if t.name == table.name else t for t in self.tables)
        return replace(self, tables=tables)


@dataclass(frozen=True)
class Edit:
    """One change to one table, described for both the spec and ``op.*``.

    ``kind`` names the operation; ``before`` and ``after`` are the table
    before and after it. ``column``, ``index``, ``unique`` and
    ``foreign_key`` carry the object the operation adds, drops or alters.
    """

    kind: str
    before: TableSpec
    after: TableSpec
    column: ColumnSpec | None = None
    new_column: ColumnSpec | None = None
    index: IndexSpec | None = None
    unique: UniqueSpec | None = None
    foreign_key: ForeignKeySpec | None = None
    notes: tuple[str, ...] = field(default=())

    def apply(self, schema: SchemaSpec) -> SchemaSpec:
        if self.kind == "add_table":
            return replace(schema, tables=(*schema.tables, self.after))
        if self.kind == "drop_table":
            tables = tuple(t for t in schema.tables if t.name != self.before.name)
            return replace(schema, tables=tables)
        return schema.with_table(self.after)


def unique_name(table: TableSpec, unique: UniqueSpec, convention: bool) -> str | None:
    """Return the name the database gets for ``unique``, where steward sets it."""
    if unique.name is not None or not convention:
        return unique.name
    return f"uq_{table.name}_{unique.columns[0]}"


def foreign_key_name(fk: ForeignKeySpec, table: str, convention: bool) -> str | None:
    if fk.name is not None or not convention:
        return fk.name
    return f"fk_{table}_{fk.column}_{fk.referred}"
