"""A :class:`Scope` that follows names into the workspace's other modules."""

from __future__ import annotations

import ast
from collections.abc import Callable

from steward_lsp.engine.models.linker import (
    ClassBinding,
    ExternalBinding,
    Linker,
    ValueBinding,
)
from steward_lsp.engine.models.summary import ClassInfo, ModuleSummary
from steward_lsp.engine.pyast import dotted_name
from steward_lsp.engine.schema import TypeSpec
from steward_lsp.engine.sqla_ast import (
    FLASK_DB,
    UNREADABLE,
    Scope,
    Unfollowed,
    literal,
    type_spec,
)

_FLASK_EXTENSION = {
    "flask_sqlalchemy.SQLAlchemy",
    "flask_sqlalchemy.extension.SQLAlchemy",
}
_ENUM_BASES = {
    "enum.Enum",
    "enum.IntEnum",
    "enum.StrEnum",
    "enum.Flag",
    "enum.IntFlag",
}
# TypeDecorator methods after which the column type is not ``impl`` alone,
# with how each one chooses the stored type.
_DIALECT_DEPENDENT = {
    "load_dialect_impl": "picks for each dialect",
    "__init__": "builds from its constructor arguments",
}

ColumnPath = Callable[[ModuleSummary, ast.expr], str | None]


class ModuleScope(Scope):
    """The scope of one workspace module, linked to the others.

    ``column_path`` resolves ``Model.attr`` to ``table.column``; it is set by
    the model builder, which has the tables of the mapped classes.
    """

    def __init__(self, module: ModuleSummary, project: Project):
        super().__init__(module.scope.imports, module.scope.values)
        self.module = module
        self.project = project
        self._heads: dict[str, str | None] = {}

    def qualify(self, node: ast.AST) -> str | None:
        """Return the dotted name ``node`` refers to, following workspace imports."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head not in self._heads:
            self._heads[head] = self._qualify_head(head)
        target = self._heads[head]
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target

    def _qualify_head(self, head: str) -> str | None:
        binding = self.project.linker.lookup(self.module, head)
        if isinstance(binding, ExternalBinding):
            return binding.qualified
        if isinstance(binding, ValueBinding) and isinstance(binding.value, ast.Call):
            owner = self.project.scope(binding.module)
            if owner.qualify(binding.value.func) in _FLASK_EXTENSION:
                return FLASK_DB
        return None

    def value(self, name: str) -> tuple[ast.expr, Scope] | None:
        """Return the expression bound to ``name``, following imports."""
        binding = self.project.linker.resolve(self.module, name)
        if isinstance(binding, ValueBinding):
            return binding.value, self.project.scope(binding.module)
        return None

    def alias(self, node: ast.expr) -> tuple[ast.expr, ModuleScope] | None:
        """Return the value a module-level name is bound to, with its scope."""
        if not isinstance(node, ast.Name):
            return None
        binding = self.project.linker.lookup(self.module, node.id)
        if isinstance(binding, ValueBinding):
            return binding.value, self.project.scope(binding.module)
        return None

    def class_binding(self, node: ast.AST) -> ClassBinding | None:
        """Return the workspace class ``node`` names, if any."""
        binding = self.project.linker.resolve(self.module, node)
        return binding if isinstance(binding, ClassBinding) else None

    def enum_members(self, node: ast.expr) -> tuple[tuple[str, object], ...] | None:
        """Return ``(name, value)`` of each member of a workspace enum class."""
        binding = self.class_binding(node)
        if binding is None or not self.project.is_enum(binding):
            return None
        return enum_members(binding.info, self.project.scope(binding.module))

    def column_reference(self, node: ast.expr) -> str | None:
        """Return ``table.column`` for ``Model.attr``, through the model builder."""
        if self.project.column_path is None:
            return None
        return self.project.column_path(self.module, node)

    def project_type(self, node: ast.expr) -> object | None:
        """Return the type a workspace ``TypeDecorator`` subclass stores, if plain.

        A subclass that overrides ``load_dialect_impl`` or ``__init__`` gives
        an :class:`Unfollowed`, because the type it stores is chosen at run time.
        """
        callee = node.func if isinstance(node, ast.Call) else node
        binding = self.class_binding(callee)
        if binding is None:
            return None
        owner = self.project.scope(binding.module)
        if not self.project.is_type_decorator(binding):
            return None
        overrides = [m for m in _methods(binding.info) if m in _DIALECT_DEPENDENT]
        if overrides:
            name = binding.info.name
            return Unfollowed(
                node,
                f"the type that {name}.{overrides[0]}() "
                f"{_DIALECT_DEPENDENT[overrides[0]]}",
                type_decorator=f"{binding.module.path}:{name}",
            )
        impl = binding.info.attribute("impl")
        if impl is None or impl.value is None:
            return None
        unfollowed: list[Unfollowed] = []
        if isinstance(node, ast.Call) and (node.args or node.keywords):
            spec = self._impl_with_arguments(impl.value, owner, node, unfollowed)
        else:
            spec = type_spec(impl.value, owner, unfollowed)
        return spec if spec.known else None

    def _impl_with_arguments(
        self,
        impl: ast.expr,
        owner: ModuleScope,
        call: ast.Call,
        unfollowed: list[Unfollowed],
    ) -> TypeSpec:
        # TypeDecorator passes its constructor arguments on to ``impl``.
        qualified = owner.qualify(impl)
        if qualified is None:
            return TypeSpec("", known=False)
        scope = Scope({**self.imports, "__impl__": qualified}, self.values)
        rebuilt = ast.Call(ast.Name("__impl__", ast.Load()), call.args, call.keywords)
        return type_spec(rebuilt, scope, unfollowed)


class Project:
    """The linker plus one :class:`ModuleScope` per module, created on demand."""

    def __init__(self, linker: Linker):
        self.linker = linker
        self.column_path: ColumnPath | None = None
        self._scopes: dict[int, ModuleScope] = {}
        self._kinds: dict[tuple[int, str], set[str]] = {}

    def scope(self, module: ModuleSummary) -> ModuleScope:
        """Return the linked scope of ``module``."""
        found = self._scopes.get(module.serial)
        if found is None:
            found = ModuleScope(module, self)
            self._scopes[module.serial] = found
        return found

    def is_enum(self, binding: ClassBinding) -> bool:
        """Return whether the class derives from ``enum.Enum``."""
        return bool(self._base_names(binding) & _ENUM_BASES)

    def is_type_decorator(self, binding: ClassBinding) -> bool:
        """Return whether the class derives from SQLAlchemy's ``TypeDecorator``."""
        return any(
            name.rsplit(".", 1)[-1] == "TypeDecorator" and name.startswith("sqlalchemy")
            for name in self._base_names(binding)
        )

    def _base_names(self, binding: ClassBinding, depth: int = 0) -> set[str]:
        """Return the qualified names of the external classes a class derives from."""
        key = (binding.module.serial, binding.info.name)
        if key in self._kinds:
            return self._kinds[key]
        self._kinds[key] = set()
        scope = self.scope(binding.module)
        names: set[str] = set()
        for base in binding.info.bases:
            qualified = scope.qualify(base)
            if qualified is not None:
                names.add(qualified)
                continue
            parent = scope.class_binding(base)
            if parent is not None and depth < 16:
                names.update(self._base_names(parent, depth + 1))
        self._kinds[key] = names
        return names


def enum_members(info: ClassInfo, scope: Scope) -> tuple[tuple[str, object], ...]:
    """Return the members of an enum class body; ``auto()`` values read as None."""
    members: list[tuple[str, object]] = []
    for item in info.attributes:
        if item.name.startswith("_") or item.value is None or item.annotation:
            continue
        value = literal(item.value, scope)
        members.append((item.name, None if value is UNREADABLE else value))
    return tuple(members)


def _methods(info: ClassInfo) -> list[str]:
    return [
        node.name
        for node in info.node.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


class ClassScope(ModuleScope):
    """A module scope where ``cls.__tablename__`` and ``cls.__name__`` are known."""

    def __init__(self, scope: ModuleScope, table_name: str, class_name: str):
        super().__init__(scope.module, scope.project)
        self._class_values = {
            "cls.__tablename__": ast.Constant(table_name),
            "cls.__name__": ast.Constant(class_name),
        }

    def value(self, name: str) -> tuple[ast.expr, Scope] | None:
        """Return ``cls`` attributes of the mapped class, else module bindings."""
        found = self._class_values.get(name)
        if found is not None:
            return found, self
        return super().value(name)
