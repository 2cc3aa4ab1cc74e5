"""Table names of mapped classes: ``__tablename__`` functions and Flask's rule."""

from __future__ import annotations

import ast
import re


def declared_table_name(
    value: ast.expr | ast.FunctionDef, class_name: str
) -> str | None:
    """Evaluate a ``__tablename__`` function built from ``cls.__name__``.

    Reads a literal, ``cls.__name__`` with ``.lower()``/``.upper()``, ``+``
    and f-strings of those (``f"{cls.__name__.lower()}s"``).
    """
    if not isinstance(value, ast.FunctionDef):
        return None
    node = single_return(value)
    return _name_text(node, class_name) if node is not None else None


_STRING_METHODS = {"lower": str.lower, "upper": str.upper}


def _name_text(node: ast.expr, class_name: str) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute) and node.attr == "__name__":
        return class_name
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        method = _STRING_METHODS.get(node.func.attr)
        inner = _name_text(node.func.value, class_name)
        if method is None or inner is None or node.args:
            return None
        return method(inner)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _name_text(node.left, class_name)
        right = _name_text(node.right, class_name)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        parts: list[str] = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if part.conversion != -1 or part.format_spec is not None:
                    return None
                text = _name_text(part.value, class_name)
            else:
                text = _name_text(part, class_name)
            if text is None:
                return None
            parts.append(text)
        return "".join(parts)
    return None


def single_return(function: ast.FunctionDef) -> ast.expr | None:
    """Return the value of a function whose body is one ``return``, else None."""
    body = [
        node
        for node in function.body
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ]
    if len(body) == 1 and isinstance(body[0], ast.Return):
        return body[0].value
    return None


# Before an upper-case letter that follows a lower-case letter or digit, or
# that starts a capitalized word other than the first.
_SNAKE_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<!^)(?=[A-Z][a-z])")


def snake_case(name: str) -> str:
    """Return the table name Flask-SQLAlchemy 3 derives from a class name."""
    return _SNAKE_BOUNDARY.sub("_", name).lower().lstrip("_")
