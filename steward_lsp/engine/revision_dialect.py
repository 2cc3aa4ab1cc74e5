"""Tests of the database dialect in a revision body, read as DialectGuards.

Recognized forms, directly or through a local variable: ``<bind>.dialect.name``
or ``<bind>.engine.name`` compared with ``==``, ``!=``, ``in``, ``not in``;
``str(<bind>.engine.url).startswith("mysql")``; and ``not`` of any of these.
"""

from __future__ import annotations

import ast

from steward_lsp.engine.migration import DialectGuard
from steward_lsp.engine.sqla_ast import UNREADABLE, Scope, follow, literal

# Dialect names a URL prefix test can mean (``"postgres"`` -> postgresql).
_DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite", "mssql", "oracle")

# Local names are followed this many times, which stops ``a = b; b = a``.
_MAX_DEPTH = 4


def dialect_guard(test: ast.expr, scope: Scope, depth: int = 0) -> DialectGuard | None:
    """Return the guard an ``if`` test of the dialect expresses, or None."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = dialect_guard(test.operand, scope, depth + 1)
        return DialectGuard(inner.names, not inner.negated) if inner else None
    if isinstance(test, ast.Name):
        target, target_scope = follow(test, scope)
        if target is test:
            return None
        return dialect_guard(target, target_scope, depth + 1)
    if isinstance(test, ast.Call):
        return _url_prefix(test, scope)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return _comparison(test, scope)
    return None


def _comparison(test: ast.Compare, scope: Scope) -> DialectGuard | None:
    left, right, operator = test.left, test.comparators[0], test.ops[0]
    if not isinstance(operator, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)):
        return None
    if not _is_dialect_name(left, scope):
        if isinstance(operator, (ast.In, ast.NotIn)):
            return None
        left, right = right, left
        if not _is_dialect_name(left, scope):
            return None
    names = _strings(right, scope)
    if names is None:
        return None
    negated = isinstance(operator, (ast.NotEq, ast.NotIn))
    return DialectGuard(frozenset(names), negated)


def _url_prefix(call: ast.Call, scope: Scope) -> DialectGuard | None:
    """Read ``str(bind.engine.url).startswith("mysql")``."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "startswith"):
        return None
    if len(call.args) != 1 or not _is_url(func.value, scope):
        return None
    prefixes = _strings(call.args[0], scope)
    if prefixes is None:
        return None
    names = {
        dialect
        for dialect in _DIALECTS
        for prefix in prefixes
        if dialect.startswith(prefix) or prefix.startswith(dialect)
    }
    return DialectGuard(frozenset(names)) if names else None


def _is_dialect_name(node: ast.expr, scope: Scope) -> bool:
    target, _ = follow(node, scope)
    return (
        isinstance(target, ast.Attribute)
        and target.attr == "name"
        and isinstance(target.value, ast.Attribute)
        and target.value.attr in {"dialect", "engine"}
    )


def _is_url(node: ast.expr, scope: Scope) -> bool:
    target, target_scope = follow(node, scope)
    if (
        isinstance(target, ast.Call)
        and isinstance(target.func, ast.Name)
        and target.func.id == "str"
        and len(target.args) == 1
    ):
        target, target_scope = follow(target.args[0], target_scope)
    return isinstance(target, ast.Attribute) and target.attr == "url"


def _strings(node: ast.expr, scope: Scope) -> tuple[str, ...] | None:
    value = literal(node, scope)
    if isinstance(value, str):
        return (value,)
    if value is UNREADABLE or not isinstance(value, tuple):
        return None
    if not all(isinstance(item, str) for item in value):
        return None
    return tuple(str(item) for item in value)
