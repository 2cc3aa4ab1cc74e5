"""Tests of reading SQLAlchemy expressions from source, checked against SQLAlchemy.

Many cases build the same expression for real with SQLAlchemy (by executing
the snippet, which is test code) and compare the real object with the
static reading.
"""

from __future__ import annotations

import ast
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex

from steward_lsp.engine.schema import (
    CheckConstraintDef,
    ForeignKeyDef,
    IndexDef,
    TypeSpec,
    UniqueConstraintDef,
)
from steward_lsp.engine.sqla_ast import (
    UNREADABLE,
    PrimaryKeyDef,
    Scope,
    Unfollowed,
    column_def,
    constraint_name,
    literal,
    server_default_text,
    table_item,
    type_spec,
)

PRELUDE = """
import enum
import sqlalchemy as sa
from sqlalchemy import String as Str, Column, ForeignKey
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import mapped_column

class Color(enum.Enum):
    red = "R"
    green = "G"

LENGTH = 64
JSONType = sa.JSON()
status_enum = sa.Enum("draft", "sealed", name="status")
users = sa.Table("users", sa.MetaData(), sa.Column("id", sa.Integer), schema="auth")
"""


class ColorScope(Scope):
    """A scope that resolves the prelude's ``Color`` enum, as the model layer does."""

    def enum_members(self, node: ast.expr) -> tuple[tuple[str, object], ...] | None:
        if isinstance(node, ast.Name) and node.id == "Color":
            return (("red", "R"), ("green", "G"))
        return None


def _scope() -> Scope:
    tree = ast.parse(PRELUDE)
    scope = ColorScope()
    for node in tree.body:
        scope.bind_statement(node)
    return scope


def _expr(source: str) -> ast.expr:
    node = ast.parse(source, mode="eval").body
    return node


def _call(source: str) -> ast.Call:
    node = _expr(source)
    assert isinstance(node, ast.Call)
    return node


def _real(source: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(PRELUDE, namespace)  # noqa: S102 - test code, not user code
    return eval(source, namespace)  # noqa: S307


@pytest.mark.parametrize(
    ("source", "name", "kwargs"),
    [
        pytest.param("sa.String(50)", "String", {"length": 50}, id="string-positional"),
        pytest.param("Str(length=50)", "String", {"length": 50}, id="string-alias-kw"),
        pytest.param(
            "sa.String(LENGTH)", "String", {"length": 64}, id="module-constant"
        ),
        pytest.param(
            "sa.Numeric(10, 2)", "Numeric", {"precision": 10, "scale": 2}, id="numeric"
        ),
        pytest.param("postgresql.JSONB()", "postgresql.JSONB", {}, id="jsonb-module"),
        pytest.param("JSONB", "postgresql.JSONB", {}, id="jsonb-class"),
        pytest.param(
            "sa.DateTime(timezone=True)", "DateTime", {"timezone": True}, id="tz"
        ),
        pytest.param(
            "sa.DateTime(timezone=False)", "DateTime", {}, id="default-dropped"
        ),
        pytest.param("sa.Integer", "Integer", {}, id="bare-class"),
        pytest.param("JSONType", "JSON", {}, id="module-variable"),
        pytest.param(
            "postgresql.VARCHAR(10)", "VARCHAR", {"length": 10}, id="reexport"
        ),
        pytest.param("postgresql.UUID(as_uuid=True)", "UUID", {}, id="uuid"),
        pytest.param("sa.types.BigInteger()", "BigInteger", {}, id="types-module"),
    ],
)
def test_type_spec_reads(source: str, name: str, kwargs: dict[str, object]) -> None:
    unfollowed: list[Unfollowed] = []
    spec = type_spec(_expr(source), _scope(), unfollowed)
    real = _real(source)
    real_class = real if isinstance(real, type) else type(real)
    assert spec.name.rsplit(".", 1)[-1] == real_class.__name__
    assert spec.name == name
    assert dict(spec.kwargs) == kwargs
    assert spec.known
    assert spec.text == ast.unparse(_expr(source))
    assert unfollowed == []
    for key, value in kwargs.items():
        assert getattr(real, key) == value


def test_type_spec_equal_spellings() -> None:
    scope = _scope()
    spellings = ["sa.String(50)", "Str(length=50)", "sa.String(50, collation=None)"]
    specs = {type_spec(_expr(text), scope, []) for text in spellings}
    assert len({(spec.name, spec.args, spec.kwargs) for spec in specs}) == 1


def test_enum_labels_and_name() -> None:
    spec = type_spec(_expr('sa.Enum("a", "b", name="x")'), _scope(), [])
    assert spec.name == "Enum"
    assert spec.args == ("a", "b")
    assert spec.kwarg("name") == "x"


def test_enum_module_variable() -> None:
    spec = type_spec(_expr("status_enum"), _scope(), [])
    real = _real("status_enum")
    assert spec.args == tuple(real.enums)
    assert spec.kwarg("name") == real.name


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("sa.Enum(Color)", id="names"),
        pytest.param(
            "sa.Enum(Color, values_callable=lambda e: [m.value for m in e])",
            id="values",
        ),
        pytest.param("sa.Enum(Color, name='colour', native_enum=False)", id="options"),
    ],
)
def test_enum_from_python_class(source: str) -> None:
    spec = type_spec(_expr(source), _scope(), [])
    real = _real(source)
    assert spec.known
    assert spec.args == tuple(real.enums)
    assert spec.kwarg("name") == real.name
    assert spec.kwarg("native_enum", True) == real.native_enum


def test_enum_unknown_class_is_unknown() -> None:
    unfollowed: list[Unfollowed] = []
    spec = type_spec(_expr("sa.Enum(Shade)"), _scope(), unfollowed)
    assert not spec.known
    assert unfollowed


def test_array_item_type_nested() -> None:
    spec = type_spec(_expr("postgresql.ARRAY(sa.String(3))"), _scope(), [])
    assert spec.name == "postgresql.ARRAY"
    item = spec.kwarg("item_type")
    assert isinstance(item, TypeSpec)
    assert item.name == "String"
    assert item.kwarg("length") == 3


def test_with_variant_keeps_base() -> None:
    source = 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'
    spec = type_spec(_expr(source), _scope(), [])
    assert spec.name == "JSON"
    variants = spec.kwarg("variants")
    assert isinstance(variants, tuple)
    ((dialect, variant),) = variants
    assert dialect == "postgresql"
    assert variant.name == "postgresql.JSONB"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("MyType()", id="project-class"),
        pytest.param("sa.String(settings.LENGTH)", id="non-literal-arg"),
        pytest.param("sa.NoSuchType()", id="missing-in-sqlalchemy"),
        pytest.param("get_type()", id="function-call"),
    ],
)
def test_type_spec_unknown(source: str) -> None:
    unfollowed: list[Unfollowed] = []
    spec = type_spec(_expr(source), _scope(), unfollowed)
    assert not spec.known
    assert len(unfollowed) >= 1


COLUMNS = [
    pytest.param('sa.Column("id", sa.Integer, primary_key=True)', id="pk"),
    pytest.param('sa.Column("id", sa.Integer, sa.Identity())', id="identity"),
    pytest.param('sa.Column("n", sa.String(20), nullable=False, unique=True)', id="nn"),
    pytest.param(
        'sa.Column("n", sa.Integer, primary_key=True, nullable=True)', id="pk-null"
    ),
    pytest.param('sa.Column("n", sa.Integer, index=True, comment="c")', id="index"),
    pytest.param('sa.Column("n", type_=sa.Integer, autoincrement=False)', id="type-kw"),
    pytest.param(
        'mapped_column("n", sa.Integer, doc="d", info={"pii": "email"})', id="mc"
    ),
    pytest.param(
        'sa.Column("t", sa.DateTime, server_default=sa.text("now()"))', id="text"
    ),
    pytest.param(
        'sa.Column("t", sa.DateTime, server_default=sa.func.now())', id="func"
    ),
    pytest.param(
        'sa.Column("s", sa.String, server_default="it\'s")', id="string-default"
    ),
    pytest.param(
        'sa.Column("s", sa.Integer, server_default=sa.literal_column("0"))',
        id="literal",
    ),
    pytest.param(
        'sa.Column("t", sa.DateTime, server_default=sa.func.current_timestamp())',
        id="ansi-function",
    ),
    pytest.param(
        'sa.Column("t", sa.DateTime,'
        ' server_default=sa.func.timezone("utc", sa.func.now()))',
        id="nested-function",
    ),
    pytest.param('sa.Column("b", sa.Boolean, server_default=sa.false())', id="false"),
]


@pytest.mark.parametrize("source", COLUMNS)
def test_column_matches_sqlalchemy(source: str) -> None:
    unfollowed: list[Unfollowed] = []
    column = column_def(_call(source), _scope(), unfollowed)
    real = _real(source)
    if not isinstance(real, sa.Column):
        real = real.column
    sa.Table("t", sa.MetaData(), real)
    assert unfollowed == []
    assert column.name == real.name
    assert column.nullable == real.nullable
    assert column.primary_key == real.primary_key
    assert column.unique == bool(real.unique)
    assert column.index == bool(real.index)
    assert column.autoincrement == real.autoincrement
    assert column.comment == real.comment
    assert column.doc == real.doc
    assert column.info == real.info
    assert column.type is not None
    assert column.type.name == type(real.type).__name__
    assert column.server_default == _real_server_default(real)


def _real_server_default(column: sa.Column[Any]) -> str | None:
    default = column.server_default
    if default is None or isinstance(default, sa.Identity):
        return None
    assert isinstance(default, sa.DefaultClause)
    argument = default.arg
    if isinstance(argument, str):
        return "'" + argument.replace("'", "''") + "'"
    return str(argument.compile(compile_kwargs={"literal_binds": True}))


def test_python_default_is_recorded() -> None:
    scope = _scope()
    with_default = column_def(_call('sa.Column("n", sa.Integer, default=1)'), scope, [])
    on_update = column_def(_call('sa.Column("n", sa.Integer, onupdate=f)'), scope, [])
    without = column_def(_call('sa.Column("n", sa.Integer, default=None)'), scope, [])
    assert with_default.has_python_default
    assert on_update.has_python_default
    assert not without.has_python_default
    assert with_default.server_default is None


def test_column_declarative_name() -> None:
    scope = _scope()
    named = column_def(_call("mapped_column(sa.Integer)"), scope, [], name="attr")
    renamed = column_def(_call('Column("real", sa.Integer)'), scope, [], name="attr")
    assert named.name == "attr"
    assert renamed.name == "real"


def test_column_without_type_keeps_none() -> None:
    column = column_def(_call('Column(ForeignKey("users.id"))'), _scope(), [], name="u")
    assert column.type is None
    assert column.foreign_keys[0].referred_table == "users"


@pytest.mark.parametrize(
    ("target", "schema", "table", "referred"),
    [
        pytest.param('"users.id"', None, "users", "id", id="string"),
        pytest.param('"auth.users.id"', "auth", "users", "id", id="schema-string"),
        pytest.param("users.c.id", "auth", "users", "id", id="table-column"),
        pytest.param("User.id", None, "User", "id", id="class-attribute"),
    ],
)
def test_foreign_key_targets(
    target: str, schema: str | None, table: str, referred: str
) -> None:
    foreign_key = f'sa.ForeignKey({target}, ondelete="CASCADE")'
    source = f'sa.Column("owner_id", sa.Integer, {foreign_key})'
    column = column_def(_call(source), _scope(), [])
    (fk,) = column.foreign_keys
    assert fk.columns == ("owner_id",)
    assert fk.referred_schema == schema
    assert fk.referred_table == table
    assert fk.referred_columns == (referred,)
    assert fk.ondelete == "CASCADE"


def test_class_reference_left_for_caller() -> None:
    from steward_lsp.engine.sqla_ast import read_column

    read = read_column(
        _call('sa.Column("u", sa.Integer, sa.ForeignKey(User.id))'),
        _scope(),
        [],
    )
    assert len(read.class_references) == 1
    assert ast.unparse(read.class_references[0][1]) == "User.id"


def test_unreadable_server_default_reported() -> None:
    unfollowed: list[Unfollowed] = []
    column = column_def(
        _call('sa.Column("n", sa.Integer, server_default=compute())'),
        _scope(),
        unfollowed,
    )
    assert column.server_default is None
    assert [item.reason for item in unfollowed] == [
        "a server_default that is not SQL text"
    ]


def test_server_default_fetched_value() -> None:
    assert server_default_text(_expr("sa.FetchedValue()"), _scope()) is None


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('sa.Index("ix_a", "a", "b")', id="plain"),
        pytest.param('sa.Index("ix_a", "a", unique=True)', id="unique"),
        pytest.param('sa.Index("ix_a", sa.desc("a"))', id="desc"),
        pytest.param('sa.Index("ix_a", sa.text("lower(a)"))', id="text"),
        pytest.param('sa.Index("ix_a", sa.func.lower(sa.column("a")))', id="func"),
        pytest.param('sa.Index("ix_a", sa.column("a").desc(), "b")', id="method-desc"),
    ],
)
def test_index_matches_sqlalchemy(source: str) -> None:
    unfollowed: list[Unfollowed] = []
    index = table_item(_expr(source), _scope(), unfollowed)
    real = _real(source)
    table = sa.Table(
        "t", sa.MetaData(), sa.Column("a", sa.String), sa.Column("b", sa.Integer)
    )
    table.append_constraint(real)
    ddl = str(CreateIndex(real).compile())
    assert unfollowed == []
    assert isinstance(index, IndexDef)
    assert index.name == real.name
    assert index.unique == real.unique
    rendered = ", ".join(index.expressions)
    assert ddl.endswith(f"({rendered})")


def test_index_dialect_options_and_op_f() -> None:
    source = (
        'sa.Index(op.f("ix_t_a"), "a", postgresql_where=sa.text("a > 1"), '
        'postgresql_using="gin", sqlite_where=a > 1)'
    )
    index = table_item(_expr(source), _scope(), [])
    assert isinstance(index, IndexDef)
    assert index.name == "ix_t_a"
    assert index.dialect_options == {
        "postgresql_where": "a > 1",
        "postgresql_using": "gin",
        "sqlite_where": "a > 1",
    }


def test_constraints_read() -> None:
    scope = _scope()
    unique = table_item(_expr('sa.UniqueConstraint("a", "b", name="uq_ab")'), scope, [])
    fk = table_item(
        _expr('sa.ForeignKeyConstraint(["a"], ["auth.users.id"], name=op.f("fk_a"))'),
        scope,
        [],
    )
    pk = table_item(_expr('sa.PrimaryKeyConstraint("a", "b", name="pk_t")'), scope, [])
    check = table_item(_expr('sa.CheckConstraint("a > 0", name="ck_a")'), scope, [])
    assert isinstance(unique, UniqueConstraintDef)
    assert unique.columns == ("a", "b")
    assert unique.name == "uq_ab"
    assert isinstance(fk, ForeignKeyDef)
    assert fk.columns == ("a",)
    assert fk.referred_schema == "auth"
    assert fk.referred_table == "users"
    assert fk.name == "fk_a"
    assert isinstance(pk, PrimaryKeyDef)
    assert pk.columns == ("a", "b")
    assert isinstance(check, CheckConstraintDef)
    assert check.sqltext == "a > 0"


def test_table_item_unknown_reported() -> None:
    unfollowed: list[Unfollowed] = []
    assert table_item(_expr("make_columns()"), _scope(), unfollowed) is None
    assert len(unfollowed) == 1


def test_constraint_name_forms() -> None:
    scope = _scope()
    assert constraint_name(_expr('op.f("ix_a")'), scope) == "ix_a"
    assert constraint_name(_expr('conv("ix_a")'), scope) == "ix_a"
    assert constraint_name(_expr('"ix_a"'), scope) == "ix_a"
    assert constraint_name(_expr("make()"), scope) is None


def test_literal_cycle_stops() -> None:
    scope = Scope.from_module(ast.parse("A = B\nB = A\n"))
    assert literal(_expr("A"), scope) is UNREADABLE


def test_scope_imports() -> None:
    scope = Scope.from_module(
        ast.parse(
            "import sqlalchemy as sa\n"
            "import sqlalchemy.orm\n"
            "from sqlalchemy.dialects import postgresql as pg\n"
            "from . import models\n"
            "from ..base import Base as B\n"
        )
    )
    assert scope.qualify(_expr("sa.String")) == "sqlalchemy.String"
    assert scope.qualify(_expr("sqlalchemy.orm.Mapped")) == "sqlalchemy.orm.Mapped"
    assert scope.symbol(_expr("pg.JSONB")) == "postgresql.JSONB"
    assert scope.qualify(_expr("models.User")) == ".models.User"
    assert scope.qualify(_expr("B")) == "..base.Base"
    assert scope.symbol(_expr("sa.func.now")) == "func.now"
    assert scope.symbol(_expr("sqlalchemy.orm.mapped_column")) == "mapped_column"


def test_flask_db_names() -> None:
    scope = Scope.from_module(
        ast.parse("from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n")
    )
    assert scope.symbol(_expr("db.Column")) == "Column"
    assert scope.symbol(_expr("db.String")) == "String"
    assert scope.symbol(_expr("db.mapped_column")) == "mapped_column"
    assert scope.qualify(_expr("db.Model")) == "flask_sqlalchemy.db.Model"
