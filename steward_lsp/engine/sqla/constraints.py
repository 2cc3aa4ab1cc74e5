"""Constraint and index calls: ``UniqueConstraint``, ``Index`` and the rest.

Column arguments may be strings, ``Model.attr``, ``table.c.attr`` or names
the scope resolves. Index expressions that are not plain columns are kept
as SQL text: ``sa.desc("x")`` and ``X.x.desc()`` read as ``"x DESC"``,
``text("lower(x)")`` as ``"lower(x)"``, ``func.lower(X.x)`` as the SQL
SQLAlchemy compiles for it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from steward_lsp.engine.schema import (
    CheckConstraintDef,
    ColumnDef,
    ForeignKeyDef,
    IndexDef,
    Location,
    UniqueConstraintDef,
)
from steward_lsp.engine.sqla.columns import (
    COLUMN_FUNCTIONS,
    Locate,
    column_def,
    constraint_name,
    foreign_key_target,
)
from steward_lsp.engine.sqla.defaults import sql_text
from steward_lsp.engine.sqla.literals import (
    UNREADABLE,
    Unfollowed,
    follow,
    keyword,
    literal,
    source_text,
    string,
)
from steward_lsp.engine.sqla.scope import Scope

_DIALECTS = ("postgresql", "sqlite", "mysql", "mariadb", "mssql", "oracle")


@dataclass
class PrimaryKeyDef:
    """A ``PrimaryKeyConstraint``: its columns mark the table's primary key."""

    columns: tuple[str, ...]
    name: str | None = None
    location: Location | None = None


TableItem = (
    ColumnDef
    | IndexDef
    | UniqueConstraintDef
    | ForeignKeyDef
    | CheckConstraintDef
    | PrimaryKeyDef
)


def table_item(
    node: ast.expr,
    scope: Scope,
    unfollowed: list[Unfollowed],
    locate: Locate | None = None,
) -> TableItem | None:
    """Read one positional argument of ``Table(...)`` or ``op.create_table(...)``.

    Returns None, with the node in ``unfollowed``, for anything that is not a
    column, constraint or index call.
    """
    target, target_scope = follow(node, scope)
    symbol = target_scope.symbol(target.func) if isinstance(target, ast.Call) else None
    if not isinstance(target, ast.Call) or symbol is None:
        unfollowed.append(
            Unfollowed(node, "a table argument that is not a column or constraint")
        )
        return None
    if symbol in COLUMN_FUNCTIONS:
        return column_def(target, target_scope, unfollowed, locate=locate)
    reader = _READERS.get(symbol)
    if reader is None:
        unfollowed.append(Unfollowed(node, f"{symbol}() in a table"))
        return None
    item = reader(target, target_scope, unfollowed)
    if locate is not None:
        item.location = locate(node)
    return item


def unique_constraint(
    call: ast.Call, scope: Scope, unfollowed: list[Unfollowed]
) -> UniqueConstraintDef:
    """Read ``UniqueConstraint("a", "b", name=...)``."""
    columns = _column_names(call.args, scope, unfollowed)
    return UniqueConstraintDef(columns, constraint_name(keyword(call, "name"), scope))


def primary_key_constraint(
    call: ast.Call, scope: Scope, unfollowed: list[Unfollowed]
) -> PrimaryKeyDef:
    """Read ``PrimaryKeyConstraint("a", "b", name=...)``."""
    columns = _column_names(call.args, scope, unfollowed)
    return PrimaryKeyDef(columns, constraint_name(keyword(call, "name"), scope))


def check_constraint(
    call: ast.Call, scope: Scope, unfollowed: list[Unfollowed]
) -> CheckConstraintDef:
    """Read ``CheckConstraint("x > 0", name=...)``; a Python expression stays source."""
    sqltext = call.args[0] if call.args else keyword(call, "sqltext")
    text = ""
    if sqltext is not None:
        text = string(sqltext, scope) or _sql_or_source(sqltext, scope)
    return CheckConstraintDef(text, constraint_name(keyword(call, "name"), scope))


def foreign_key_constraint(
    call: ast.Call, scope: Scope, unfollowed: list[Unfollowed]
) -> ForeignKeyDef:
    """Read ``ForeignKeyConstraint(["a"], ["t.id"], name=..., ondelete=...)``."""
    local = call.args[0] if call.args else keyword(call, "columns")
    remote = call.args[1] if len(call.args) > 1 else keyword(call, "refcolumns")
    fk = ForeignKeyDef(
        columns=_column_names(_elements(local, scope), scope, unfollowed),
        referred_table="",
        referred_columns=(),
        name=constraint_name(keyword(call, "name"), scope),
        ondelete=string(keyword(call, "ondelete"), scope),
        onupdate=string(keyword(call, "onupdate"), scope),
    )
    referred: list[str] = []
    for element in _elements(remote, scope):
        target = foreign_key_target(element, scope)
        if target is None:
            unfollowed.append(Unfollowed(element, "the target of a foreign key"))
            continue
        fk.referred_schema, fk.referred_table, column = target
        referred.append(column)
    fk.referred_columns = tuple(referred)
    return fk


def index_def(call: ast.Call, scope: Scope, unfollowed: list[Unfollowed]) -> IndexDef:
    """Read ``Index("ix_a", "a", sa.desc("b"), unique=True, postgresql_where=...)``."""
    args = list(call.args)
    name_node = args.pop(0) if args else None
    name = constraint_name(name_node, scope)
    if name is None and name_node is not None and not _is_none(name_node):
        unfollowed.append(Unfollowed(name_node, "an index name that is not a literal"))
    expressions = tuple(index_expression(arg, scope, unfollowed) for arg in args)
    unique = literal(keyword(call, "unique"), scope) is True
    return IndexDef(name, expressions, unique, dialect_options(call, scope))


def dialect_options(call: ast.Call, scope: Scope) -> dict[str, str]:
    """Return ``postgresql_where=...`` and similar keywords as text."""
    options: dict[str, str] = {}
    for item in call.keywords:
        if item.arg and item.arg.split("_", 1)[0] in _DIALECTS:
            value = literal(item.value, scope)
            if isinstance(value, str):
                options[item.arg] = value
            else:
                options[item.arg] = _sql_or_source(item.value, scope)
    return options


def index_expression(node: ast.expr, scope: Scope, unfollowed: list[Unfollowed]) -> str:
    """Return a column name, or the SQL text of an index expression."""
    name = column_name(node, scope)
    if name is not None:
        return name
    element = _expression(node, scope)
    if element is not None:
        try:
            return str(element.compile(compile_kwargs={"literal_binds": True}))
        except (SQLAlchemyError, TypeError, ValueError):
            pass
    unfollowed.append(Unfollowed(node, "an index expression, kept as Python source,"))
    return source_text(node)


def column_name(node: ast.expr, scope: Scope) -> str | None:
    """Return the column a string, ``Model.attr`` or ``table.c.attr`` names."""
    text = string(node, scope)
    if text is not None:
        return text
    resolved = scope.column_name(node)
    if resolved is not None:
        return resolved
    if isinstance(node, ast.Call) and scope.symbol(node.func) == "column" and node.args:
        return string(node.args[0], scope)
    if isinstance(node, ast.Attribute) and isinstance(
        node.value, (ast.Name, ast.Attribute)
    ):
        return node.attr
    return None


def _expression(node: ast.expr, scope: Scope) -> ColumnElement[object] | None:
    """Rebuild an index expression with SQLAlchemy's constructors."""
    name = column_name(node, scope)
    if name is not None:
        return sqlalchemy.column(name)
    if not isinstance(node, ast.Call) or node.keywords:
        return None
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in {"desc", "asc"}
        and not node.args
    ):
        inner = _expression(func.value, scope)
        if inner is None:
            return None
        return inner.desc() if func.attr == "desc" else inner.asc()
    symbol = scope.symbol(func)
    if symbol in {"desc", "asc"} and len(node.args) == 1:
        inner = _expression(node.args[0], scope)
        if inner is None:
            return None
        return sqlalchemy.desc(inner) if symbol == "desc" else sqlalchemy.asc(inner)
    if symbol in {"text", "literal_column"}:
        text = string(node.args[0], scope) if len(node.args) == 1 else None
        return sqlalchemy.literal_column(text) if text is not None else None
    if symbol is not None and symbol.startswith("func."):
        arguments = [_function_argument(arg, scope) for arg in node.args]
        if any(argument is None for argument in arguments):
            return None
        function = sqlalchemy.func
        for part in symbol.split(".")[1:]:
            function = getattr(function, part)
        built: ColumnElement[object] = function(*arguments)
        return built
    return None


def _function_argument(node: ast.expr, scope: Scope) -> ColumnElement[object] | None:
    value = literal(node, scope)
    if isinstance(node, ast.Constant) and value is not UNREADABLE:
        return sqlalchemy.literal(value)
    return _expression(node, scope)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _sql_or_source(node: ast.expr, scope: Scope) -> str:
    text = sql_text(node, scope)
    return text if isinstance(text, str) else source_text(node)


def _column_names(
    nodes: list[ast.expr], scope: Scope, unfollowed: list[Unfollowed]
) -> tuple[str, ...]:
    names: list[str] = []
    for node in nodes:
        name = column_name(node, scope)
        if name is None:
            unfollowed.append(Unfollowed(node, "a constraint column"))
            continue
        names.append(name)
    return tuple(names)


def _elements(node: ast.expr | None, scope: Scope) -> list[ast.expr]:
    if node is None:
        return []
    target, _ = follow(node, scope)
    if isinstance(target, (ast.List, ast.Tuple)):
        return list(target.elts)
    return [node]


_READERS: dict[
    str,
    Callable[
        [ast.Call, Scope, list[Unfollowed]],
        UniqueConstraintDef
        | PrimaryKeyDef
        | CheckConstraintDef
        | ForeignKeyDef
        | IndexDef,
    ],
] = {
    "UniqueConstraint": unique_constraint,
    "PrimaryKeyConstraint": primary_key_constraint,
    "CheckConstraint": check_constraint,
    "ForeignKeyConstraint": foreign_key_constraint,
    "Index": index_def,
}
