"""Arguments of an ``op.*`` call bound to Alembic's parameter names.

Arguments are bound with the signatures of Alembic's own ``Operations`` and
``BatchOperations`` methods, so positional and keyword spellings read alike.
Positional arguments beyond what the current signatures allow (older Alembic
accepted ``schema`` positionally) fill the keyword-only parameters in order.
"""

from __future__ import annotations

import ast
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

from alembic.operations import BatchOperations, Operations

from steward_lsp.engine.migration import DialectGuard, Operation
from steward_lsp.engine.schema import Location
from steward_lsp.engine.sqla_ast import (
    UNREADABLE,
    Scope,
    Unfollowed,
    literal,
    source_text,
    string,
)


@dataclass
class OpContext:
    """The surroundings of an operation call: scope, batch table, guards, flags."""

    scope: Scope
    locate: Callable[[ast.AST], Location]
    batch_table: str | None = None
    batch_schema: str | None = None
    in_autocommit_block: bool = False
    understood: bool = True
    guards: tuple[DialectGuard, ...] = ()
    unfollowed: list[Unfollowed] = field(default_factory=list)


@dataclass
class Bound:
    """Call arguments by parameter name; extra keywords kept apart."""

    named: dict[str, ast.expr]
    varargs: list[ast.expr]
    extra: dict[str, ast.expr]
    complete: bool


@functools.cache
def alembic_signature(name: str, batch: bool) -> inspect.Signature | None:
    """Return the signature of Alembic's method ``name``, or None if it has none."""
    owner = BatchOperations if batch else Operations
    method = getattr(owner, name, None)
    if method is None or name.startswith("_") or not callable(method):
        return None
    try:
        return inspect.signature(method)
    except (TypeError, ValueError):
        return None


def bind_arguments(signature: inspect.Signature, call: ast.Call) -> Bound:
    """Bind the arguments of ``call`` to the parameter names of ``signature``."""
    parameters = [p for p in signature.parameters.values() if p.name != "self"]
    named: dict[str, ast.expr] = {}
    varargs: list[ast.expr] = []
    extra: dict[str, ast.expr] = {}
    complete = True
    fillable = [
        p
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    has_varargs = any(p.kind is p.VAR_POSITIONAL for p in parameters)
    positional_count = sum(1 for p in fillable if p.kind is not p.KEYWORD_ONLY)
    for position, arg in enumerate(call.args):
        if has_varargs and position >= positional_count:
            # A starred argument here is expanded by the reader, if it can.
            varargs.append(arg)
        elif isinstance(arg, ast.Starred):
            complete = False
        elif position < len(fillable):
            named[fillable[position].name] = arg
        else:
            complete = False
    known = {p.name for p in fillable}
    for item in call.keywords:
        if item.arg is None:
            complete = False
        elif item.arg in known:
            named[item.arg] = item.value
        else:
            extra[item.arg] = item.value
    return Bound(named, varargs, extra, complete)


def text_argument(node: ast.expr | None, context: OpContext) -> str | None:
    """Return the string an argument holds or names, else None."""
    return string(node, context.scope) if node is not None else None


def set_table(
    operation: Operation,
    bound: Bound,
    context: OpContext,
    key: str = "table_name",
    schema_key: str = "schema",
) -> None:
    """Set the table and schema of a non-batch operation from its arguments."""
    if operation.batch:
        return
    node = bound.named.get(key)
    operation.table = text_argument(node, context)
    if operation.table is None:
        operation.understood = False
    operation.schema = text_argument(bound.named.get(schema_key), context)


def call_argument(node: ast.expr | None, context: OpContext) -> ast.Call | None:
    """Return the call an argument is, or a name is bound to, else None."""
    if node is None:
        return None
    target = node
    if isinstance(target, ast.Name):
        bound = context.scope.value(target.id)
        if bound is not None:
            target = bound[0]
    return target if isinstance(target, ast.Call) else None


def element_nodes(node: ast.expr | None, context: OpContext) -> list[ast.expr]:
    """Return the elements of a list or tuple argument, or the argument itself."""
    if node is None:
        return []
    target = node
    if isinstance(target, ast.Name):
        bound = context.scope.value(target.id)
        if bound is not None:
            target = bound[0]
    if isinstance(target, (ast.List, ast.Tuple)):
        return list(target.elts)
    return [node]


def name_list(
    node: ast.expr | None, operation: Operation, context: OpContext
) -> tuple[str, ...]:
    """Return the column names of a list argument, else mark the operation."""
    value = literal(node, context.scope)
    if isinstance(value, str):
        return (value,)
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return tuple(str(v) for v in value)
    operation.understood = False
    return ()


def literal_params(
    bound: Bound, context: OpContext, keys: tuple[str, ...]
) -> dict[str, object]:
    """Return the literal values of ``keys`` and of every extra keyword."""
    params: dict[str, object] = {}
    arguments = {**bound.extra, **bound.named}
    for key in keys:
        node = arguments.get(key)
        if node is None:
            continue
        value = literal(node, context.scope)
        if value is not UNREADABLE:
            params[key] = value
    for key, node in bound.extra.items():
        if key in params:
            continue
        value = literal(node, context.scope)
        params[key] = value if value is not UNREADABLE else source_text(node)
    return params


def keyword_call(bound: Bound, context: OpContext) -> ast.Call:
    """Return a call node holding the extra keywords, for dialect_options."""
    keywords = [ast.keyword(arg=key, value=value) for key, value in bound.extra.items()]
    return ast.Call(func=ast.Name(id="_", ctx=ast.Load()), args=[], keywords=keywords)


def is_none(node: ast.expr) -> bool:
    """Return whether ``node`` is the literal None."""
    return isinstance(node, ast.Constant) and node.value is None


def is_false(node: ast.expr) -> bool:
    """Return whether ``node`` is the literal False."""
    return isinstance(node, ast.Constant) and node.value is False


Reader = Callable[[Operation, Bound, OpContext], None]
