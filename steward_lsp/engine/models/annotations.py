"""``Mapped[...]`` annotations and the column types Python types map to.

SQLAlchemy 2 derives a column's type and nullability from its annotation
when ``mapped_column()`` does not give them: ``Optional[X]``, ``X | None``
and ``Union[X, None]`` are nullable, anything else is NOT NULL, and the
Python type is looked up in the base's ``type_annotation_map`` and then in
SQLAlchemy's own default map (read from ``sqlalchemy.sql.sqltypes``, so
``float`` gives ``Double`` on SQLAlchemy 2.1 and ``Float`` on 2.0).
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.sql import sqltypes

from steward_lsp.engine.schema import TypeSpec

_MAPPED = {"Mapped", "WriteOnlyMapped", "DynamicMapped"}
_TYPING_NAMES = {"Optional", "Union", "Annotated", "Literal", "ClassVar"}

# Type aliases are followed this many times, which stops ``A = B`` cycles.
_MAX_ALIASES = 8


class AnnotationScope(Protocol):
    """The scope lookups that annotation analysis uses."""

    def symbol(self, node: ast.AST) -> str | None:
        """Return the canonical SQLAlchemy name of ``node``."""

    def qualify(self, node: ast.AST) -> str | None:
        """Return the dotted name ``node`` was imported as."""

    def alias(self, node: ast.expr) -> tuple[ast.expr, AnnotationScope] | None:
        """Return the value a module-level name is bound to, with its scope."""


@dataclass
class Annotation:
    """An attribute annotation taken apart.

    ``kind`` is ``"column"`` for ``Mapped[...]``, ``"relationship"`` for
    ``WriteOnlyMapped``/``DynamicMapped``, ``"classvar"`` for ``ClassVar``
    and ``"plain"`` for any other annotation. ``python_type`` is the
    annotated type with ``Optional`` and ``Annotated`` removed (None when it
    is a union of several types), read in ``type_scope``. ``aliases`` are
    the type alias names passed on the way, outermost first, for the
    ``type_annotation_map`` lookup; ``extras`` the ``mapped_column(...)``
    calls found in ``Annotated[...]``, outermost first.
    """

    kind: str
    python_type: ast.expr | None = None
    type_scope: AnnotationScope | None = None
    nullable: bool = False
    aliases: list[tuple[ast.expr, AnnotationScope]] = field(default_factory=list)
    extras: list[tuple[ast.Call, AnnotationScope]] = field(default_factory=list)


def parse_string_annotation(node: ast.expr) -> ast.expr:
    """Parse a string annotation (``"Optional[int]"``); other nodes are returned."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            parsed = ast.parse(node.value.strip(), mode="eval").body
        except SyntaxError:
            return node
        return ast.copy_location(parsed, node)
    return node


@functools.lru_cache(maxsize=1)
def default_type_map() -> dict[str, TypeSpec]:
    """Return SQLAlchemy's Python-type-to-column-type map, by qualified name."""
    result: dict[str, TypeSpec] = {}
    for python_type, sql_type in sqltypes._type_map.items():
        if not isinstance(python_type, type):
            continue
        key = f"{python_type.__module__}.{python_type.__qualname__}"
        name = type(sql_type).__name__
        result[key] = TypeSpec(name, text=name)
    return result


def typing_name(node: ast.expr, scope: AnnotationScope) -> str | None:
    """Return ``Optional``, ``Union``, ... when ``node`` names a typing construct."""
    qualified = scope.qualify(node)
    if qualified is not None:
        module, _, name = qualified.rpartition(".")
        if module in {"typing", "typing_extensions"} and name in _TYPING_NAMES:
            return name
        return None
    if isinstance(node, ast.Name) and node.id in _TYPING_NAMES:
        return node.id
    return None


def analyse_annotation(node: ast.expr, scope: AnnotationScope) -> Annotation:
    """Take an attribute annotation apart (see :class:`Annotation`)."""
    node = parse_string_annotation(node)
    if isinstance(node, ast.Subscript):
        symbol = scope.symbol(node.value) or _mapped_name(node.value)
        if symbol in _MAPPED:
            kind = "column" if symbol == "Mapped" else "relationship"
            result = Annotation(kind)
            _unwrap(node.slice, scope, result, 0)
            return result
        if typing_name(node.value, scope) == "ClassVar":
            return Annotation("classvar")
    if typing_name(node, scope) == "ClassVar":
        return Annotation("classvar")
    result = Annotation("plain")
    _unwrap(node, scope, result, 0)
    return result


def _mapped_name(node: ast.expr) -> str | None:
    # ``Mapped`` used without an import (a half-typed file) still reads as one.
    if isinstance(node, ast.Name) and node.id in _MAPPED:
        return node.id
    return None


def _unwrap(
    node: ast.expr, scope: AnnotationScope, result: Annotation, depth: int
) -> None:
    node = parse_string_annotation(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        _union(_union_members(node), scope, result, depth)
        return
    if isinstance(node, ast.Subscript):
        construct = typing_name(node.value, scope)
        if construct in {"Optional", "Union"}:
            members = _elements(node.slice)
            if construct == "Optional":
                members.append(ast.Constant(None))
            _union(members, scope, result, depth)
            return
        if construct == "Annotated":
            _annotated(_elements(node.slice), scope, result, depth)
            return
    if isinstance(node, ast.Name) and depth < _MAX_ALIASES:
        aliased = scope.alias(node)
        if aliased is not None and _is_alias_value(*aliased):
            result.aliases.append((node, scope))
            _unwrap(aliased[0], aliased[1], result, depth + 1)
            return
    result.python_type = node
    result.type_scope = scope


def _annotated(
    elements: list[ast.expr], scope: AnnotationScope, result: Annotation, depth: int
) -> None:
    if not elements:
        return
    for extra in elements[1:]:
        if isinstance(extra, ast.Call) and scope.symbol(extra.func) == "mapped_column":
            result.extras.append((extra, scope))
    _unwrap(elements[0], scope, result, depth)


def _is_alias_value(value: ast.expr, scope: AnnotationScope) -> bool:
    if isinstance(value, ast.Subscript):
        return typing_name(value.value, scope) in {"Annotated", "Optional", "Union"}
    return isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr)


def _union(
    members: list[ast.expr], scope: AnnotationScope, result: Annotation, depth: int
) -> None:
    remaining = [m for m in members if not _is_none(parse_string_annotation(m))]
    if len(remaining) < len(members):
        result.nullable = True
    if len(remaining) == 1:
        _unwrap(remaining[0], scope, result, depth)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _union_members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return [*_union_members(node.left), *_union_members(node.right)]
    return [node]


def _elements(node: ast.expr) -> list[ast.expr]:
    return list(node.elts) if isinstance(node, ast.Tuple) else [node]
