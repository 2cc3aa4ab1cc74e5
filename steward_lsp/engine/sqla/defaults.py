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
    element = _clause(target, target_scope)
    if element is None:
        return UNREADABLE
    try:
        return str(element.compile(compile_kwargs={"literal_binds": True}))
    except (SQLAlchemyError, TypeError, ValueError):
        return UNREADABLE


def _clause(node: ast.expr, scope: Scope) -> ClauseElement | None:
    """Rebuild a SQL expression from literals with SQLAlchemy's constructors."""
    node, scope = follow(node, scope)
    value = literal(node, scope)
    if value is not UNREADABLE:
        if isinstance(value, (str, int, float, bool)) or value is None:
            return sqlalchemy.literal(value)
        return None
    if not isinstance(node, ast.Call) or node.keywords:
        return None
    symbol = scope.symbol(node.func)
    if symbol in {"text", "literal_column"}:
        argument = literal(node.args[0], scope) if len(node.args) == 1 else None
        if not isinstance(argument, str):
            return None
        return (
            sqlalchemy.text(argument)
            if symbol == "text"
            else sqlalchemy.literal_column(argument)
        )
    if symbol in _CONSTANT_FUNCTIONS and not node.args:
        constructed: ClauseElement = getattr(sqlalchemy, symbol)()
        return constructed
    if symbol is None or not symbol.startswith("func."):
        return None
    arguments = [_clause(arg, scope) for arg in node.args]
    if any(argument is None for argument in arguments):
        return None
    function = sqlalchemy.func
    for part in symbol.split(".")[1:]:
        function = getattr(function, part)
    try:
        built: ClauseElement = function(*arguments)
    except (SQLAlchemyError, TypeError, ValueError):
        return None
    return built
