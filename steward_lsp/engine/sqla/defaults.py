"""Server defaults and SQL expressions read into SQL text.

The SQL text is what SQLAlchemy would render in DDL: a string literal is
quoted (``"x"`` -> ``'x'``), ``text("now()")`` and ``literal_column("0")``
are unwrapped, and ``func.*`` calls are rebuilt with SQLAlchemy's own
``func`` from literal arguments and compiled with the default dialect
(``func.now()`` -> ``now()``, ``func.current_timestamp()`` ->
``CURRENT_TIMESTAMP``).
"""

from __future__ import annotations

import ast
import functools

import sqlalchemy
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ClauseElement

from steward_lsp.engine.sqla.literals import UNREADABLE, follow, literal
from steward_lsp.engine.sqla.scope import Scope

# Server defaults that produce no DDL: the database computes the value in a
# way SQLAlchemy does not render (a trigger, say).
_NO_DDL = {"FetchedValue"}

_CONSTANT_FUNCTIONS = {"true", "false", "null"}


def quote_string(value: str) -> str:
    """Return ``value`` as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def server_default_text(node: ast.expr, scope: Scope) -> str | None | object:
    """Return the DDL text of a ``server_default`` value.

    Returns None for a default with no DDL (``FetchedValue()``) and
    :data:`UNREADABLE` when the expression cannot be read statically.
    """
    target, target_scope = follow(node, scope)
    value = literal(target, target_scope)
    if isinstance(value, str):
        return quote_string(value)
    if value is None and isinstance(target, ast.Constant):
        return None
    if not isinstance(target, ast.Call):
        return UNREADABLE
    symbol = target_scope.symbol(target.func)
    if symbol in _NO_DDL:
        return None
    if symbol == "DefaultClause" and target.args:
        return server_default_text(target.args[0], target_scope)
    return sql_text(target, target_scope)


def sql_text(node: ast.expr, scope: Scope) -> str | object:
    """Return the SQL text of ``text()``, ``literal_column()`` or ``func.*``.

    Returns :data:`UNREADABLE` for anything else, a bare literal included.
    """
    target, target_scope = follow(node, scope)
    if not isinstance(target, ast.Call):
        return UNREADABLE
    description = _describe(target, target_scope)
    if description is None:
        return UNREADABLE
    compiled = _compile(description)
    return compiled if compiled is not None else UNREADABLE


# A SQL expression as nested tuples: ("literal", value), ("text", sql),
# ("literal_column", sql), ("constant", "true"), ("func", "a.b", arguments).
Description = tuple[object, ...]


def _describe(node: ast.expr, scope: Scope) -> Description | None:
    """Describe a SQL expression built from literals, or return None."""
    node, scope = follow(node, scope)
    value = literal(node, scope)
    if value is not UNREADABLE:
        if isinstance(value, (str, int, float, bool)) or value is None:
            return ("literal", value)
        return None
    if not isinstance(node, ast.Call) or node.keywords:
        return None
    symbol = scope.symbol(node.func)
    if symbol in {"text", "literal_column"}:
        argument = literal(node.args[0], scope) if len(node.args) == 1 else None
        return (symbol, argument) if isinstance(argument, str) else None
    if symbol in _CONSTANT_FUNCTIONS and not node.args:
        return ("constant", symbol)
    if symbol is None or not symbol.startswith("func."):
        return None
    arguments = [_describe(arg, scope) for arg in node.args]
    if any(argument is None for argument in arguments):
        return None
    return ("func", symbol[len("func.") :], tuple(arguments))


@functools.lru_cache(maxsize=1024)
def _compile(description: Description) -> str | None:
    """Build the expression with SQLAlchemy and compile it (default dialect)."""
    element = _build(description)
    if element is None:
        return None
    try:
        return str(element.compile(compile_kwargs={"literal_binds": True}))
    except (SQLAlchemyError, TypeError, ValueError):
        return None


def _build(description: Description) -> ClauseElement | None:
    kind = description[0]
    if kind == "literal":
        return sqlalchemy.literal(description[1])
    if kind == "text":
        return sqlalchemy.text(str(description[1]))
    if kind == "literal_column":
        return sqlalchemy.literal_column(str(description[1]))
    if kind == "constant":
        constructed: ClauseElement = getattr(sqlalchemy, str(description[1]))()
        return constructed
    children = description[2]
    assert isinstance(children, tuple)
    arguments = []
    for item in children:
        built = _build(item)
        if built is None:
            return None
        arguments.append(built)
    function = sqlalchemy.func
    for part in str(description[1]).split("."):
        function = getattr(function, part)
    try:
        called: ClauseElement = function(*arguments)
    except (SQLAlchemyError, TypeError, ValueError):
        return None
    return called
