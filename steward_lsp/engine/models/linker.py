"""Names followed across the workspace's modules, without importing them.

A name a module binds resolves to a class or a value in some workspace
file, to a whole module, or to a name outside the workspace (an import of
SQLAlchemy, say), which stays a dotted string.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from steward_lsp.engine.models.summary import ClassInfo, ModuleSummary
from steward_lsp.engine.pyast import dotted_name
from steward_lsp.engine.sources import ModuleLoader

# Re-export chains (``from .models import User`` in a package ``__init__``)
# are followed this deep, which also stops import cycles.
_MAX_DEPTH = 12


@dataclass(frozen=True)
class ClassBinding:
    """A class statement in a workspace module."""

    module: ModuleSummary
    info: ClassInfo


@dataclass(frozen=True)
class ValueBinding:
    """A module-level assignment in a workspace module."""

    module: ModuleSummary
    value: ast.expr


@dataclass(frozen=True)
class ModuleBinding:
    """A workspace module bound as a name (``from . import models``)."""

    module: ModuleSummary


@dataclass(frozen=True)
class ExternalBinding:
    """A name imported from outside the workspace, as a dotted name."""

    qualified: str


Binding = ClassBinding | ValueBinding | ModuleBinding | ExternalBinding


class Linker:
    """Resolve names through the loader's modules, memoizing per module and name."""

    def __init__(self, loader: ModuleLoader[ModuleSummary]):
        self.loader = loader
        self._lookups: dict[tuple[int, str], Binding | None] = {}
        self._resolving: set[tuple[int, str]] = set()

    def module(self, path: Path) -> ModuleSummary | None:
        """Return the summary of ``path``, parsing it on first use."""
        return self.loader.summary(path)

    def lookup(
        self, module: ModuleSummary, name: str, depth: int = 0
    ) -> Binding | None:
        """Return what the module-level ``name`` of ``module`` is bound to."""
        key = (module.serial, name)
        if key in self._lookups:
            return self._lookups[key]
        if key in self._resolving or depth > _MAX_DEPTH:
            return None
        self._resolving.add(key)
        try:
            found = self._lookup(module, name, depth)
        finally:
            self._resolving.discard(key)
        self._lookups[key] = found
        return found

    def resolve(self, module: ModuleSummary, node: ast.AST | str) -> Binding | None:
        """Return what a Name or Attribute chain (or dotted text) refers to."""
        dotted = node if isinstance(node, str) else dotted_name(node)
        if dotted is None:
            return None
        head, *rest = dotted.split(".")
        binding = self.lookup(module, head)
        for attr in rest:
            if binding is None:
                return None
            binding = self._attribute(binding, attr)
        return binding

    def _attribute(self, binding: Binding, attr: str) -> Binding | None:
        if isinstance(binding, ModuleBinding):
            found = self.lookup(binding.module, attr)
            if found is not None:
                return found
            return self._submodule(binding.module, attr)
        if isinstance(binding, ExternalBinding):
            return ExternalBinding(f"{binding.qualified}.{attr}")
        return None

    def _submodule(self, package: ModuleSummary, attr: str) -> Binding | None:
        if package.path.name != "__init__.py":
            return None
        path = self.loader.resolve(attr, package.path, 1)
        summary = self.module(path) if path is not None else None
        return ModuleBinding(summary) if summary is not None else None

    def _lookup(self, module: ModuleSummary, name: str, depth: int) -> Binding | None:
        if name in module.classes:
            return ClassBinding(module, module.classes[name])
        value = module.scope.values.get(name)
        if value is not None:
            return ValueBinding(module, value)
        target = module.scope.imports.get(name)
        if target is None:
            return None
        return self._import_target(module, target, depth)

    def _import_target(
        self, module: ModuleSummary, target: str, depth: int
    ) -> Binding | None:
        level = len(target) - len(target.lstrip("."))
        dotted = target[level:]
        parent, _, attr = dotted.rpartition(".")
        if level and not parent and attr:
            # ``from . import models``: a sibling module or a name of __init__.
            parent, attr = "", attr
        if attr and (parent or level):
            parent_path = self.loader.resolve(parent, module.path, level)
            parent_summary = self.module(parent_path) if parent_path else None
            if parent_summary is not None:
                found = self.lookup(parent_summary, attr, depth + 1)
                if found is not None:
                    return found
        path = self.loader.resolve(dotted, module.path, level)
        summary = self.module(path) if path is not None else None
        if summary is not None:
            return ModuleBinding(summary)
        if level:
            return None
        return ExternalBinding(dotted)
