"""Hypothesis strategies for schema specs and one-sided edits per dialect."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st
from schema_specs import (
    UNINDEXABLE,
    CheckSpec,
    ColumnSpec,
    Edit,
    ForeignKeySpec,
    IndexSpec,
    SchemaSpec,
    TableSpec,
    TypeSpec,
    UniqueSpec,
    foreign_key_name,
    unique_name,
)

ENUM_VALUES = ("draft", "sealed", "revoked", "pending")

# Server defaults per type kind, as Python source. Most lists contain two
# spellings of one value, such as "7" and sa.text("7"), and a change
# between those is no drift.
SERVER_DEFAULTS: dict[str, list[str]] = {
    "Integer": ['sa.text("0")', '"7"', 'sa.text("7")', 'sa.text("42")'],
    "BigInteger": ['sa.text("0")', '"7"'],
    "Numeric": ['sa.text("0")', '"1"', 'sa.text("1")'],
    "String": ['"abc"', "sa.text(\"'abc'\")", "sa.text(\"'xyz'\")"],
    "Boolean": ["sa.true()", "sa.false()", 'sa.text("true")'],
    "DateTime": ["sa.func.now()", 'sa.text("CURRENT_TIMESTAMP")'],
}

# Edit kinds that change a column's type, and what each does.
TYPE_CHANGES = {"String", "Integer", "BigInteger", "Numeric", "DateTime"}


# Types written as source: (kind, source, Python type), on every dialect
# and on one dialect only.
WRITTEN_TYPES = [
    ("Float", "sa.Float()", "float"),
    ("Date", "sa.Date()", "datetime.date"),
    ("Time", "sa.Time()", "datetime.time"),
    ("SmallInteger", "sa.SmallInteger()", "int"),
    ("Uuid", "sa.Uuid()", "uuid.UUID"),
]
DIALECT_TYPES = {
    "postgresql": [
        ("JSONB", "postgresql.JSONB()", "dict[str, object]"),
        ("UUID", "postgresql.UUID()", "str"),
        ("ARRAY", "postgresql.ARRAY(sa.Integer())", "list[int]"),
        ("INET", "postgresql.INET()", "str"),
        ("TIMESTAMP", "postgresql.TIMESTAMP(timezone=True)", "datetime.datetime"),
    ],
    "mariadb": [
        ("VARCHAR", 'mysql.VARCHAR(length=20, charset="utf8mb4")', "str"),
        ("MEDIUMTEXT", "mysql.MEDIUMTEXT()", "str"),
        ("DOUBLE", "mysql.DOUBLE()", "float"),
        ("TINYINT", "mysql.TINYINT()", "int"),
    ],
    "sqlite": [],
}


# TypeDecorators of the project's coltypes module: (kind, model source,
# revision source, Python type). The revision spells out what the impl is.
PROJECT_TYPES = [
    ("Token", "coltypes.Token()", "sa.String(length=64)", "str"),
    ("Code", "coltypes.Code(20)", "sa.String(length=20)", "str"),
    ("Guid", "coltypes.Guid()", "sa.Uuid()", "uuid.UUID"),
]


def _written_types(dialect: str) -> st.SearchStrategy[TypeSpec]:
    choices = [*WRITTEN_TYPES, *DIALECT_TYPES[dialect]]
    written = [
        TypeSpec(kind, text=text, python=python) for kind, text, python in choices
    ]
    written += [
        TypeSpec(kind, text=text, python=python, model_text=model_text)
        for kind, model_text, text, python in PROJECT_TYPES
    ]
    return st.sampled_from(written)


def type_specs(table: str, column: str, dialect: str) -> st.SearchStrategy[TypeSpec]:
    """Return a strategy for one column type of ``table.column``."""
    enum_name = f"{table}_{column}_kind"
    return st.one_of(
        _written_types(dialect),
        st.builds(
            TypeSpec, kind=st.just("String"), length=st.sampled_from([10, 20, 50, 200])
        ),
        st.integers(4, 12).flatmap(
            lambda precision: st.builds(
                TypeSpec,
                kind=st.just("Numeric"),
                precision=st.just(precision),
                # One digit before the point, for the default "1".
                scale=st.integers(0, min(precision - 1, 4)),
            )
        ),
        st.sampled_from(
            [
                TypeSpec("Integer"),
                TypeSpec("BigInteger"),
                TypeSpec("Boolean"),
                TypeSpec("Text"),
                TypeSpec("JSON"),
                TypeSpec("LargeBinary"),
            ]
        ),
        st.builds(TypeSpec, kind=st.just("DateTime"), timezone=st.booleans()),
        st.builds(
            TypeSpec,
            kind=st.just("Enum"),
            values=st.lists(
                st.sampled_from(ENUM_VALUES), min_size=2, max_size=4, unique=True
            ).map(tuple),
            native=st.booleans(),
            enum_name=st.just(enum_name),
        ),
    )


def default_choices(spec: TypeSpec) -> list[str]:
    if spec.kind == "Enum":
        return [repr(spec.values[0])]
    return SERVER_DEFAULTS.get(spec.kind, [])


@st.composite
def column_specs(draw: st.DrawFn, table: str, name: str, dialect: str) -> ColumnSpec:
    spec = draw(type_specs(table, name, dialect))
    defaults = default_choices(spec)
    server_default = draw(st.sampled_from([None, *defaults])) if defaults else None
    flags: list[str | None] = [None, None]
    if spec.kind not in UNINDEXABLE:
        flags += ["index", "unique"]
    return ColumnSpec(
        name=name,
        type=spec,
        nullable=draw(st.booleans()),
        server_default=server_default,
        flag=draw(st.sampled_from(flags)),
    )


def _indexable(table: TableSpec) -> list[str]:
    return [c.name for c in table.columns if c.type.kind not in UNINDEXABLE]


def _integer_columns(table: TableSpec) -> list[str]:
    return [c.name for c in table.columns if c.type.kind == "Integer"]


def _unique_first_columns(table: TableSpec) -> set[str]:
    firsts = {c.name for c in table.columns if c.flag == "unique"}
    return firsts | {unique.columns[0] for unique in table.uniques}


@st.composite
def index_specs(
    draw: st.DrawFn, table: TableSpec, number: int, dialect: str
) -> IndexSpec | None:
    candidates = _indexable(table)
    if not candidates:
        return None
    columns = draw(
        st.lists(st.sampled_from(candidates), min_size=1, max_size=2, unique=True)
    )
    forms = ["plain"]
    if dialect == "postgresql":
        forms += ["desc", "partial"]
        if table.column(columns[0]).type.kind == "String" and len(columns) == 1:
            forms.append("expression")
    return IndexSpec(
        name=f"ix_{table.name}_n{number}",
        columns=tuple(columns),
        unique=draw(st.booleans()),
        form=draw(st.sampled_from(forms)),
    )


@st.composite
def unique_specs(
    draw: st.DrawFn, table: TableSpec, number: int, named: bool | None = None
) -> UniqueSpec | None:
    # Two unique constraints never share a first column, so the naming
    # convention gives each its own name.
    taken = _unique_first_columns(table)
    firsts = [name for name in _indexable(table) if name not in taken]
    if not firsts:
        return None
    first = draw(st.sampled_from(firsts))
    others = [name for name in _indexable(table) if name != first]
    second = draw(st.sampled_from([None, *others]))
    columns = (first,) if second is None else (first, second)
    if named is None:
        named = draw(st.booleans())
    name = f"uq_{table.name}_{number}" if named else None
    return UniqueSpec(name=name, columns=columns)


@st.composite
def foreign_key_specs(
    draw: st.DrawFn,
    table: TableSpec,
    earlier: list[str],
    number: int,
    named: bool | None = None,
) -> ForeignKeySpec | None:
    taken = {fk.column for fk in table.foreign_keys}
    columns = [name for name in _integer_columns(table) if name not in taken]
    if not columns:
        return None
    if named is None:
        named = draw(st.booleans())
    return ForeignKeySpec(
        name=f"fk_{table.name}_{number}" if named else None,
        column=draw(st.sampled_from(columns)),
        referred=draw(st.sampled_from([*earlier, table.name])),
    )


@st.composite
def table_specs(
    draw: st.DrawFn, name: str, earlier: list[str], dialect: str
) -> TableSpec:
    count = draw(st.integers(1, 4))
    columns = tuple(draw(column_specs(name, f"c{i}", dialect)) for i in range(count))
    table = TableSpec(name=name, columns=columns)
    for number in range(draw(st.integers(0, 2))):
        index = draw(index_specs(table, number, dialect))
        if index is not None:
            table = replace(table, indexes=(*table.indexes, index))
    if draw(st.booleans()):
        unique = draw(unique_specs(table, 0))
        if unique is not None:
            table = replace(table, uniques=(unique,))
    if draw(st.booleans()):
        fk = draw(foreign_key_specs(table, earlier, 0))
        if fk is not None:
            table = replace(table, foreign_keys=(fk,))
    integers = _integer_columns(table)
    if integers and draw(st.booleans()):
        column = draw(st.sampled_from(integers))
        check = CheckSpec(name=f"{name}_{column}_positive", column=column)
        table = replace(table, checks=(check,))
    return table


@st.composite
def schema_specs(draw: st.DrawFn, dialect: str) -> SchemaSpec:
    tables: list[TableSpec] = []
    for number in range(draw(st.integers(1, 3))):
        earlier = [table.name for table in tables]
        tables.append(draw(table_specs(f"t{number}", earlier, dialect)))
    return SchemaSpec(
        tables=tuple(tables),
        naming_convention=draw(st.booleans()),
        compare_server_default=draw(st.booleans()),
        style=draw(st.sampled_from(["core", "declarative"])),
    )


# -- edits -----------------------------------------------------------------


def _free_columns(schema: SchemaSpec, table: TableSpec) -> list[ColumnSpec]:
    """Return the columns no index, constraint or default would get in the way of."""
    referenced = table.referenced_columns()
    return [c for c in table.columns if c.name not in referenced]


def _changed_type(spec: TypeSpec) -> st.SearchStrategy[TypeSpec]:
    if spec.kind == "String":
        lengths = [n for n in (10, 20, 50, 200) if n != spec.length]
        return st.one_of(
            st.sampled_from(lengths).map(lambda n: replace(spec, length=n)),
            st.just(TypeSpec("Text")),
        )
    if spec.kind == "Integer":
        return st.just(TypeSpec("BigInteger"))
    if spec.kind == "BigInteger":
        return st.just(TypeSpec("Integer"))
    if spec.kind == "Numeric":
        assert spec.precision is not None and spec.scale is not None
        precision = spec.precision + 2
        return st.just(replace(spec, precision=precision))
    return st.just(replace(spec, timezone=not spec.timezone))


def _applicable(schema: SchemaSpec, table: TableSpec, dialect: str) -> list[str]:
    free = _free_columns(schema, table)
    kinds = ["add_column", "alter_nullable"]
    if _indexable(table):
        kinds += ["add_index", "add_unique"]
    if free:
        kinds.append("drop_column")
    if any(c.type.kind in TYPE_CHANGES for c in free):
        kinds.append("alter_type")
    if any(default_choices(c.type) for c in table.columns):
        kinds.append("alter_server_default")
    if _droppable_indexes(table, dialect):
        kinds.append("drop_index")
    if _droppable_uniques(schema, table):
        kinds.append("drop_unique")
    if _integer_columns(table):
        kinds.append("add_foreign_key")
    if _droppable_foreign_keys(schema, table, dialect):
        kinds.append("drop_foreign_key")
    if free:
        kinds.append("rename_column")
    if _flaggable(table):
        kinds.append("add_flag")
    kinds.append("add_table")
    # Models left with no table beside a chain that builds tables are, for
    # steward, models it failed to find: it reports a configuration problem
    # instead of drift, so the only table is never dropped.
    droppable = not schema.referring_columns(table.name) - _self_references(table)
    if droppable and len(schema.tables) > 1:
        kinds.append("drop_table")
    return kinds


def _self_references(table: TableSpec) -> set[tuple[str, str]]:
    return {(table.name, fk.column) for fk in table.foreign_keys}


def _flaggable(table: TableSpec) -> list[ColumnSpec]:
    """Return the columns that can take index=True or unique=True."""
    taken = _unique_first_columns(table)
    return [
        c
        for c in table.columns
        if c.flag is None and c.type.kind not in UNINDEXABLE and c.name not in taken
    ]


def _droppable_indexes(table: TableSpec, dialect: str) -> list[IndexSpec]:
    if dialect != "mariadb":
        return list(table.indexes)
    # MariaDB rejects dropping the index a foreign key uses.
    fk_columns = {fk.column for fk in table.foreign_keys}
    return [index for index in table.indexes if index.columns[0] not in fk_columns]


def _droppable_uniques(schema: SchemaSpec, table: TableSpec) -> list[UniqueSpec]:
    # A migration can drop only a constraint whose name it can write.
    return [
        unique
        for unique in table.uniques
        if unique_name(table, unique, schema.naming_convention)
    ]


def _droppable_foreign_keys(
    schema: SchemaSpec, table: TableSpec, dialect: str
) -> list[ForeignKeySpec]:
    return [
        fk
        for fk in table.foreign_keys
        if foreign_key_name(fk, table.name, schema.naming_convention)
    ]


COLUMN_EDITS = {
    "add_column",
    "drop_column",
    "rename_column",
    "add_flag",
    "alter_type",
    "alter_nullable",
    "alter_server_default",
}


@st.composite
def edits(draw: st.DrawFn, schema: SchemaSpec, dialect: str) -> Edit:
    """Return one edit of one table of ``schema``."""
    table = draw(st.sampled_from(schema.tables))
    kind = draw(st.sampled_from(_applicable(schema, table, dialect)))
    if kind in COLUMN_EDITS:
        return draw(_column_edit(table, kind, schema, dialect))
    if kind == "add_table":
        names = [t.name for t in schema.tables]
        new_table = draw(
            table_specs(f"t{len(names)}", names, dialect).filter(
                lambda t: all(c.type.kind != "Enum" for c in t.columns)
            )
        )
        return Edit(kind, table, new_table)
    if kind == "drop_table":
        return Edit(kind, table, table)
    return draw(_constraint_edit(table, kind, schema, dialect))


@st.composite
def _constraint_edit(
    draw: st.DrawFn, table: TableSpec, kind: str, schema: SchemaSpec, dialect: str
) -> Edit:
    if kind == "add_index":
        index = draw(index_specs(table, len(table.indexes) + 5, dialect))
        assert index is not None
        after = replace(table, indexes=(*table.indexes, index))
        return Edit(kind, table, after, index=index)
    if kind == "drop_index":
        index = draw(st.sampled_from(_droppable_indexes(table, dialect)))
        indexes = tuple(i for i in table.indexes if i != index)
        return Edit(kind, table, replace(table, indexes=indexes), index=index)
    if kind == "add_unique":
        unique = draw(unique_specs(table, len(table.uniques) + 5, named=True))
        if unique is None:
            return Edit("none", table, table)
        after = replace(table, uniques=(*table.uniques, unique))
        return Edit(kind, table, after, unique=unique)
    if kind == "drop_unique":
        unique = draw(st.sampled_from(_droppable_uniques(schema, table)))
        uniques = tuple(u for u in table.uniques if u != unique)
        return Edit(kind, table, replace(table, uniques=uniques), unique=unique)
    earlier = [t.name for t in schema.tables[: schema.tables.index(table)]]
    if kind == "add_foreign_key":
        fk = draw(foreign_key_specs(table, earlier, 5, named=True))
        if fk is None:
            return Edit("none", table, table)
        after = replace(table, foreign_keys=(*table.foreign_keys, fk))
        return Edit(kind, table, after, foreign_key=fk)
    fk = draw(st.sampled_from(_droppable_foreign_keys(schema, table, dialect)))
    foreign_keys = tuple(f for f in table.foreign_keys if f != fk)
    after = replace(table, foreign_keys=foreign_keys)
    return Edit(kind, table, after, foreign_key=fk)


@st.composite
def _column_edit(
    draw: st.DrawFn, table: TableSpec, kind: str, schema: SchemaSpec, dialect: str
) -> Edit:
    if kind == "add_column":
        # New columns carry no flag and no enum, which on PostgreSQL
        # add_column would need a CREATE TYPE for.
        column = draw(
            column_specs(table.name, f"c{len(table.columns)}", dialect).filter(
                lambda column: column.type.kind != "Enum"
            )
        )
        column = replace(column, flag=None)
        after = replace(table, columns=(*table.columns, column))
        return Edit(kind, table, after, column=column)
    if kind == "drop_column":
        column = draw(st.sampled_from(_free_columns(schema, table)))
        columns = tuple(c for c in table.columns if c.name != column.name)
        return Edit(kind, table, replace(table, columns=columns), column=column)
    if kind == "rename_column":
        column = draw(st.sampled_from(_free_columns(schema, table)))
        new_column = replace(column, name=f"{column.name}_renamed")
    elif kind == "add_flag":
        column = draw(st.sampled_from(_flaggable(table)))
        flags = ["index"]
        # Batch mode on SQLite cannot add a unique constraint without a name.
        if schema.naming_convention or dialect != "sqlite":
            flags.append("unique")
        new_column = replace(column, flag=draw(st.sampled_from(flags)))
    elif kind == "alter_type":
        candidates = [
            c for c in _free_columns(schema, table) if c.type.kind in TYPE_CHANGES
        ]
        column = draw(st.sampled_from(candidates))
        new_type = draw(_changed_type(column.type))
        if new_type.kind == "Text" and column.server_default is not None:
            # MariaDB keeps no literal default on TEXT before 10.2.1, so the
            # generator gives TEXT columns none.
            new_column = replace(column, type=new_type, server_default=None)
        else:
            new_column = replace(column, type=new_type)
    elif kind == "alter_nullable":
        column = draw(st.sampled_from(table.columns))
        new_column = replace(column, nullable=not column.nullable)
    else:
        candidates = [c for c in table.columns if default_choices(c.type)]
        column = draw(st.sampled_from(candidates))
        choices = [None, *default_choices(column.type)]
        choices.remove(column.server_default)
        new_column = replace(column, server_default=draw(st.sampled_from(choices)))
    columns = tuple(new_column if c == column else c for c in table.columns)
    after = replace(table, columns=columns)
    return Edit(kind, table, after, column=column, new_column=new_column)
