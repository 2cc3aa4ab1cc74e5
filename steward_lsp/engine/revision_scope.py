"""Names visible in a revision file: the module's, and a function's locals."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from steward_lsp.engine.pyast import LineIndex
from steward_lsp.engine.schema import Location
from steward_lsp.engine.sqla_ast import Scope


@dataclass
class ModuleScope(Scope):
    """A revision module's bindings, its functions, and how to locate nodes."""

    path: Path = field(default_factory=Path)
    lines: LineIndex = field(default_factory=lambda: LineIndex(""))
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(
        default_factory=dict
    )

    @classmethod
    def read_module(cls, tree: ast.Module, path: Path, lines: LineIndex) -> ModuleScope:
        """Collect imports, assignments and function definitions of ``tree``."""
        scope = cls(path=path, lines=lines)
        for node in tree.body:
            scope.bind_statement(node)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                scope.functions[node.name] = node
        return scope

    def locate(self, node: ast.AST) -> Location:
        """Return the location of ``node`` in this module."""
        return self.lines.location(self.path, node)


@dataclass
class LocalScope(Scope):
    """A function's local names over the module's (or a caller's) scope.

    ``arguments`` binds a helper's parameters to the argument expressions
    of the call, each with the scope it must be read in. The hooks that
    follow names into other files keep the base behaviour, because a
    revision module is read on its own.
    """

    parent: Scope | None = None
    arguments: dict[str, tuple[ast.expr, Scope]] = field(default_factory=dict)

    @classmethod
    def inside(cls, parent: Scope) -> LocalScope:
        """Return an empty local scope that reads ``parent``'s imports and names."""
        return cls(imports=dict(parent.imports), parent=parent)

    def value(self, name: str) -> tuple[ast.expr, Scope] | None:
        """Return the local binding of ``name``, else the parent's."""
        if name in self.values:
            return self.values[name], self
        if name in self.arguments:
            return self.arguments[name]
        return self.parent.value(name) if self.parent is not None else None


def module_function(
    scope: Scope, name: str
) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, ModuleScope] | None:
    """Return the function ``name`` defined in the module behind ``scope``."""
    current: Scope | None = scope
    while isinstance(current, LocalScope):
        current = current.parent
    if isinstance(current, ModuleScope) and name in current.functions:
        return current.functions[name], current
    return None
