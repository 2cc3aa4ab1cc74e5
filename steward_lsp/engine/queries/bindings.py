"""Names bound to queries, looked up by Python's scope rules.

A query built in steps (``statement = select(Model)``, then
``statement = statement.where(...)``) is followed through the assignments
of its name. A name assigned anywhere in a function is local to that
function, so the lookup reads the function's own assignments first, and
those of the enclosing functions and the module only for a name the
function never assigns. A class body is a scope of its own that the
functions defined in it do not see.

NOTE: only ``name = value``, ``name: T = value`` and parameters bind a
name here. A name bound otherwise (a ``for`` target, ``with ... as``, an
import) is read from the enclosing scope.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

# The scope key of the module; other scopes are keyed by ``id()`` of their
# node, which is never 0.
MODULE_SCOPE = 0

_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass(frozen=True)
class BoundQuery:
    """A value bound to a name: its line, entity, joined entity and chain key.

    ``entity`` is None when the value is not a query whose class the scan
    can tell (a parameter, ``self.get_base_statement()``). ``chain`` is the
    key of the method chain of a call value, so later steps on the name
    belong to the same query.
    """

    line: int
    entity: str | None
    joined: str | None
    chain: tuple[int, int] | None


class ScopeBindings:
    """The values bound to names in each scope of one module."""

    def __init__(self) -> None:
        self._parents: dict[int, int] = {}
        self._class_scopes: set[int] = set()
        self._bound: dict[tuple[int, str], list[BoundQuery]] = {}

    def enter(self, node: ast.AST, enclosing: int) -> int:
        """Return the scope ``node`` opens inside ``enclosing``, or ``enclosing``.

        Functions, lambdas and class bodies open a scope. A function's
        parameters are bound in it.
        """
        if isinstance(node, ast.ClassDef):
            scope = id(node)
            self._class_scopes.add(scope)
            self._parents[scope] = enclosing
            return scope
        if not isinstance(node, _FUNCTION_NODES):
            return enclosing
        scope = id(node)
        parent = enclosing
        while parent in self._class_scopes:
            parent = self._parents[parent]
        self._parents[scope] = parent
        parameters = node.args
        for argument in (
            *parameters.posonlyargs,
            *parameters.args,
            *parameters.kwonlyargs,
            parameters.vararg,
            parameters.kwarg,
        ):
            if argument is not None:
                parameter = BoundQuery(node.lineno, None, None, None)
                self.bind(scope, argument.arg, parameter)
        return scope

    def bind(self, scope: int, name: str, bound: BoundQuery) -> None:
        """Record a value bound to ``name``. Callers bind each scope in line order."""
        self._bound.setdefault((scope, name), []).append(bound)

    def lookup(self, scope: int, name: str, line: int) -> BoundQuery | None:
        """Return the last value bound to ``name`` before ``line`` in ``scope``.

        A scope that never binds ``name`` reads it from its enclosing scope.
        """
        while True:
            bound = self._bound.get((scope, name))
            if bound is not None:
                earlier = [b for b in bound if b.line < line]
                return earlier[-1] if earlier else None
            if scope == MODULE_SCOPE:
                return None
            scope = self._parents[scope]
