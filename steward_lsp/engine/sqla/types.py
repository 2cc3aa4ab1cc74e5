"""Column type expressions read into :class:`TypeSpec`.

Arguments are normalized against the SQLAlchemy class's ``__init__``:
positional arguments bound to named parameters become keyword arguments,
keywords equal to the parameter's default are dropped, and the rest are
sorted by name. ``sa.String(50)``, ``String(length=50)`` and
``String(50, collation=None)`` therefore all read as
``TypeSpec("String", kwargs=(("length", 50),))``. Only variadic arguments stay
in ``args``: the labels of an ``Enum``. A type given as a class
(``sa.Integer``) reads like one called without arguments.

Two keys do not come from ``__init__``: an ``Enum`` built from a Python enum
class stores its labels in ``args`` and ``("enum_class", "<name as
written>")`` in ``kwargs``; ``.with_variant(T, "dialect")`` adds
``("variants", (("dialect", TypeSpec), ...))``.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect

import sqlalchemy
from sqlalchemy.types import TypeEngine

from steward_lsp.engine.pyast import dotted_name
from steward_lsp.engine.schema import TypeSpec
from steward_lsp.engine.sqla.literals import (
    UNREADABLE,
    Unfollowed,
    follow,
    keyword,
    literal,
    source_text,
)
from steward_lsp.engine.sqla.scope import Scope

_NO_DEFAULT = inspect.Parameter.empty
_NAMED_KINDS = (
    inspect.Parameter.POSITIONAL_ONLY,
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
)


def type_spec(node: ast.expr, scope: Scope, unfollowed: list[Unfollowed]) -> TypeSpec:
    """Read a type expression; unreadable parts give ``known=False``.

    ``unfollowed`` receives the node that could not be read, so the caller
    can report it.
    """
    text = source_text(node)
    target, target_scope = follow(node, scope)
    spec = _read_type(target, target_scope, unfollowed)
    if spec is None:
        unfollowed.append(Unfollowed(node, "a type that is not from SQLAlchemy"))
        callee = node.func if isinstance(node, ast.Call) else node
        return TypeSpec(name=dotted_name(callee) or text, text=text, known=False)
    return TypeSpec(spec.name, spec.args, spec.kwargs, text, spec.known)


def type_class(symbol: str) -> type[TypeEngine[object]] | None:
    """Return the SQLAlchemy type class of a canonical symbol, or None."""
    return _type_class(symbol)


def _read_type(
    node: ast.expr, scope: Scope, unfollowed: list[Unfollowed]
) -> TypeSpec | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "with_variant":
            return _with_variant(node, func.value, scope, unfollowed)
        if isinstance(func, ast.Attribute) and func.attr == "evaluates_none":
            return _read_type(func.value, scope, unfollowed)
        return _called_type(node, scope, unfollowed)
    symbol = scope.symbol(node)
    if symbol is not None and _type_class(symbol) is not None:
        return TypeSpec(symbol)
    return _project_type(node, scope, unfollowed)


def _project_type(
    node: ast.expr, scope: Scope, unfollowed: list[Unfollowed]
) -> TypeSpec | None:
    """Read a project's own type, unknown when it is chosen at run time."""
    project = scope.project_type(node)
    if isinstance(project, Unfollowed):
        unfollowed.append(project)
        callee = node.func if isinstance(node, ast.Call) else node
        return TypeSpec(dotted_name(callee) or source_text(node), known=False)
    return project if isinstance(project, TypeSpec) else None


def _called_type(
    call: ast.Call, scope: Scope, unfollowed: list[Unfollowed]
) -> TypeSpec | None:
    symbol = scope.symbol(call.func)
    cls = _type_class(symbol) if symbol is not None else None
    if symbol is None or cls is None:
        return _project_type(call, scope, unfollowed)
    if symbol.rsplit(".", 1)[-1] == "Enum":
        return _enum(symbol, call, scope, unfollowed)
    args = _positional(call, scope, unfollowed)
    kwargs: dict[str, object] = {}
    for item in call.keywords:
        if item.arg is None:
            return TypeSpec(symbol, known=False)
        kwargs[item.arg] = _argument(item.value, scope, unfollowed)
    if any(value is UNREADABLE for value in (*args, *kwargs.values())):
        unfollowed.append(Unfollowed(call, "type arguments that are not literals"))
        return TypeSpec(symbol, known=False)
    return _normalized(symbol, args, kwargs)


def _positional(
    call: ast.Call, scope: Scope, unfollowed: list[Unfollowed]
) -> list[object]:
    values: list[object] = []
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            expanded = literal(arg.value, scope)
            if isinstance(expanded, tuple):
                values.extend(expanded)
            else:
                values.append(UNREADABLE)
            continue
        values.append(_argument(arg, scope, unfollowed))
    return values


def _argument(node: ast.expr, scope: Scope, unfollowed: list[Unfollowed]) -> object:
    """Read a literal argument, or a nested type such as ARRAY's item type."""
    value = literal(node, scope)
    if value is not UNREADABLE:
        return value
    nested: list[Unfollowed] = []
    target, target_scope = follow(node, scope)
    spec = _read_type(target, target_scope, nested)
    if spec is None:
        return UNREADABLE
    unfollowed.extend(nested)
    return TypeSpec(spec.name, spec.args, spec.kwargs, source_text(node), spec.known)


def _normalized(symbol: str, args: list[object], kwargs: dict[str, object]) -> TypeSpec:
    parameters = _parameters(symbol)
    if parameters is None:
        return TypeSpec(symbol, tuple(args), tuple(sorted(kwargs.items())))
    named = [p for p in parameters if p.kind in _NAMED_KINDS]
    if len(args) > len(named) or any(
        key not in {p.name for p in parameters} for key in kwargs
    ):
        # Not a call SQLAlchemy accepts as written; keep it as it reads.
        return TypeSpec(symbol, tuple(args), tuple(sorted(kwargs.items())))
    bound = dict(zip((p.name for p in named), args, strict=False))
    bound.update(kwargs)
    defaults = {p.name: p.default for p in parameters}
    items = [
        (key, value)
        for key, value in bound.items()
        if defaults.get(key, _NO_DEFAULT) is _NO_DEFAULT or defaults[key] != value
    ]
    return TypeSpec(symbol, (), tuple(sorted(items)))


def _enum(
    symbol: str, call: ast.Call, scope: Scope, unfollowed: list[Unfollowed]
) -> TypeSpec:
    kwargs: dict[str, object] = {}
    known = True
    for item in call.keywords:
        if item.arg == "values_callable":
            continue
        value = literal(item.value, scope) if item.arg else UNREADABLE
        if item.arg is None or value is UNREADABLE:
            unfollowed.append(
                Unfollowed(item.value, "an Enum option that is not a literal")
            )
            known = False
            continue
        kwargs[item.arg] = value
    labels: list[object] = []
    uses_values = _values_callable_uses_values(keyword(call, "values_callable"))
    for arg in call.args:
        members = _enum_class_members(arg, scope)
        if members is not None:
            class_name = dotted_name(arg) or source_text(arg)
            kwargs.setdefault("name", class_name.rsplit(".", 1)[-1].lower())
            kwargs["enum_class"] = class_name
            labels.extend(value if uses_values else name for name, value in members)
            continue
        if uses_values is None:
            known = False
        value = literal(arg.value if isinstance(arg, ast.Starred) else arg, scope)
        if isinstance(arg, ast.Starred) and isinstance(value, tuple):
            labels.extend(value)
        elif isinstance(value, str):
            labels.append(value)
        else:
            unfollowed.append(Unfollowed(arg, "Enum labels that are not literals"))
            known = False
    if uses_values is None:
        unfollowed.append(Unfollowed(call, "the values_callable of an Enum"))
        known = False
    return TypeSpec(symbol, tuple(labels), tuple(sorted(kwargs.items())), known=known)


def _enum_class_members(
    node: ast.expr, scope: Scope
) -> tuple[tuple[str, object], ...] | None:
    if isinstance(node, (ast.Constant, ast.Starred)):
        return None
    members = scope.enum_members(node)
    if members is None:
        return None
    return tuple(members)


def _values_callable_uses_values(node: ast.expr | None) -> bool | None:
    """Return False without ``values_callable``, True for ``[e.value for e in x]``.

    Any other callable gives None: its labels cannot be known statically.
    """
    if node is None:
        return False
    if isinstance(node, ast.Lambda) and isinstance(node.body, ast.ListComp):
        element = node.body.elt
        if isinstance(element, ast.Attribute) and element.attr == "value":
            return True
    return None


def _with_variant(
    call: ast.Call, base: ast.expr, scope: Scope, unfollowed: list[Unfollowed]
) -> TypeSpec | None:
    target, target_scope = follow(base, scope)
    spec = _read_type(target, target_scope, unfollowed)
    if spec is None or len(call.args) < 2:
        return spec
    variant = type_spec(call.args[0], scope, unfollowed)
    dialects = literal(call.args[1], scope)
    names = (dialects,) if isinstance(dialects, str) else dialects
    if not isinstance(names, tuple):
        return spec
    previous = spec.kwarg("variants", ())
    assert isinstance(previous, tuple)
    added = tuple((str(name), variant) for name in names)
    kwargs = tuple(item for item in spec.kwargs if item[0] != "variants")
    kwargs = (*kwargs, ("variants", previous + added))
    return TypeSpec(spec.name, spec.args, tuple(sorted(kwargs)), known=spec.known)


@functools.lru_cache(maxsize=512)
def _type_class(symbol: str) -> type[TypeEngine[object]] | None:
    dialect, _, name = symbol.rpartition(".")
    if dialect == "func":
        return None
    try:
        module = (
            importlib.import_module(f"sqlalchemy.dialects.{dialect}")
            if dialect
            else sqlalchemy.types
        )
    except ImportError:
        return None
    found = getattr(module, name, None) or (
        None if dialect else getattr(sqlalchemy, name, None)
    )
    if isinstance(found, type) and issubclass(found, TypeEngine):
        return found
    return None


@functools.lru_cache(maxsize=512)
def _parameters(symbol: str) -> tuple[inspect.Parameter, ...] | None:
    cls = _type_class(symbol)
    if cls is None:
        return None
    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return None
    parameters = [p for p in signature.parameters.values() if p.name != "self"]
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return tuple(
        p for p in parameters if p.kind is not inspect.Parameter.VAR_POSITIONAL
    )
