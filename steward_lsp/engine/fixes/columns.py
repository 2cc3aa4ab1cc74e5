"""The column call a model finding points at, and its class."""

from __future__ import annotations

import ast

from steward_lsp.engine.fixes.source import SourceFile, call_name, keyword
from steward_lsp.engine.schema import Span

COLUMN_CALLS = {"mapped_column", "Column", "Field"}
"""Calls that declare a column: SQLAlchemy's, Flask-SQLAlchemy's and SQLModel's."""


def column_call(source: SourceFile, span: Span) -> ast.Call | None:
    """Return the outermost column call of the declaration at ``span``.

    SQLModel's ``Field(sa_column=Column(...))`` hands the column to
    SQLAlchemy as it is, so the inner ``Column`` is the call to edit.
    """
    node = source.node_at(span)
    if node is None:
        return None
    for candidate in ast.walk(node):
        if isinstance(candidate, ast.Call) and call_name(candidate) in COLUMN_CALLS:
            inner = keyword(candidate, "sa_column")
            if isinstance(inner, ast.keyword) and isinstance(inner.value, ast.Call):
                return inner.value
            return candidate
    return None


def is_sqlmodel_field(call: ast.Call) -> bool:
    """Return whether ``call`` is SQLModel's ``Field``, which has no ``info``."""
    return call_name(call) == "Field"


def model_class(source: SourceFile, node: ast.AST) -> ast.ClassDef | None:
    """Return the class whose body declares ``node``."""
    found = source.ancestor(node, ast.ClassDef)
    return found if isinstance(found, ast.ClassDef) else None
