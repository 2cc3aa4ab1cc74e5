"""Literal values and names read from ``ast`` nodes without evaluating them."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from steward_lsp.engine.pyast import dotted_name
from steward_lsp.engine.sqla.scope import Scope


class _Unreadable:
    """The marker for a value that is not a literal."""

    def __repr__(self) -> str:
        return "UNREADABLE"


UNREADABLE = _Unreadable()

# Module-level names are followed this many times, which stops cycles such
# as ``A = B`` / ``B = A``.
_MAX_FOLLOW = 8


@dataclass(frozen=True)
class Unfollowed:
    """A node the reader could not follow, with what it expected there.

    ``type_decorator`` names the project's TypeDecorator class the node uses
    when that class is the reason, so it is reported once per workspace.
    """

    node: ast.AST
    reason: str
    type_decorator: str | None = None


def literal(node: ast.AST | None, scope: Scope, depth: int = 0) -> object:
    """Return the Python value of a literal ``node``, or :data:`UNREADABLE`.

    Strings, numbers, booleans, None, tuples, lists, sets, dicts, a unary
    minus, f-strings of such values, and names (dotted ones too) that the
    scope binds to them are read. Lists and sets become tuples, so values
    stay hashable inside a TypeSpec.
    """
    if node is None:
        return UNREADABLE
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items = [literal(item, scope, depth) for item in node.elts]
        if any(item is UNREADABLE for item in items):
            return UNREADABLE
        return tuple(items)
    if isinstance(node, ast.Dict):
        return _literal_dict(node, scope, depth)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = literal(node.operand, scope, depth)
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return -inner
        return UNREADABLE
    if isinstance(node, ast.JoinedStr):
        return _literal_fstring(node, scope, depth)
    name = dotted_name(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
    if name is not None and depth < _MAX_FOLLOW:
        bound = scope.value(name)
        if bound is not None:
            return literal(bound[0], bound[1], depth + 1)
    return UNREADABLE


def _literal_fstring(node: ast.JoinedStr, scope: Scope, depth: int) -> object:
    parts: list[str] = []
    for part in node.values:
        if isinstance(part, ast.FormattedValue):
            if part.conversion != -1 or part.format_spec is not None:
                return UNREADABLE
            value = literal(part.value, scope, depth)
        else:
            value = literal(part, scope, depth)
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            return UNREADABLE
        parts.append(str(value))
    return "".join(parts)


def _literal_dict(node: ast.Dict, scope: Scope, depth: int) -> object:
    result: dict[object, object] = {}
    for key_node, value_node in zip(node.keys, node.values, strict=True):
        if key_node is None:
            return UNREADABLE
        key = literal(key_node, scope, depth)
        value = literal(value_node, scope, depth)
        if key is UNREADABLE or value is UNREADABLE:
            return UNREADABLE
        try:
            result[key] = value
        except TypeError:
            return UNREADABLE
    return result


def string(node: ast.AST | None, scope: Scope) -> str | None:
    """Return the string literal ``node`` is or names, else None."""
    value = literal(node, scope)
    return value if isinstance(value, str) else None


def follow(node: ast.expr, scope: Scope) -> tuple[ast.expr, Scope]:
    """Replace a module-level name by the expression bound to it, repeatedly.

    Dotted names (``types.Hash``) are passed to :meth:`Scope.value` whole, so
    a scope that follows imports can resolve them too.
    """
    for _ in range(_MAX_FOLLOW):
        name = dotted_name(node)
        if name is None:
            break
        bound = scope.value(name)
        if bound is None:
            break
        node, scope = bound
    return node, scope


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """Return the value of keyword argument ``name`` of ``call``."""
    for item in call.keywords:
        if item.arg == name:
            return item.value
    return None


def source_text(node: ast.AST) -> str:
    """Return ``node`` as Python source, the way ``ast.unparse`` writes it."""
    # Names are most of what is read, and ``ast.unparse`` is slow on them.
    dotted = dotted_name(node)
    if dotted is not None:
        return dotted
    return ast.unparse(node)
