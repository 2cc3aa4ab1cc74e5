"""The per-file pass of the model parser: what one module declares.

:func:`summarize_module` depends on the text of one file only, so its
result is cached per file and reused until that file changes. Everything
that needs another file (base classes, mixins, imported names) is linked
later by :mod:`steward_lsp.engine.models.linker`.
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from steward_lsp.engine.pyast import LineIndex, dotted_name
from steward_lsp.engine.sqla_ast import Scope

_serials = itertools.count(1)

_DUNDERS = {
    "__tablename__",
    "__table_args__",
    "__abstract__",
    "__table__",
    "__allow_unmapped__",
    "__bind_key__",
}

_DECLARED_ATTR = {"declared_attr", "declared_attr.directive", "declared_attr.cascading"}


@dataclass
class Attribute:
    """One attribute statement in a class body, in declaration order."""

    name: str
    annotation: ast.expr | None
    value: ast.expr | None
    statement: ast.stmt


@dataclass(eq=False)
class ClassInfo:
    """A class statement at module level, as written."""

    name: str
    node: ast.ClassDef
    bases: list[ast.expr]
    keywords: dict[str, ast.expr]
    attributes: list[Attribute] = field(default_factory=list)
    dunders: dict[str, ast.expr] = field(default_factory=dict)
    declared_attrs: dict[str, ast.FunctionDef] = field(default_factory=dict)

    def attribute(self, name: str) -> Attribute | None:
        """Return the last statement that assigns ``name`` in the class body."""
        for item in reversed(self.attributes):
            if item.name == name:
                return item
        return None


@dataclass
class TableCall:
    """A module-level ``Table("name", metadata, ...)`` assignment or expression."""

    target: str | None
    call: ast.Call


@dataclass
class ModuleImport:
    """An import statement, kept to find the workspace modules a file uses."""

    module: str
    level: int
    names: tuple[str, ...]


@dataclass(eq=False)
class ModuleSummary:
    """The declarations of one module, before names are linked across modules.

    ``serial`` is unique per parse, so caches of linked results can tell a
    re-parsed file from the one they were computed from. ``import_paths``
    (the workspace files this module imports) and ``linked`` (the builder's
    result for this module with the dependency key it was computed under)
    are memo slots the model builder fills.
    """

    path: Path
    tree: ast.Module
    lines: LineIndex
    scope: Scope
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    tables: list[TableCall] = field(default_factory=list)
    indexes: list[ast.Call] = field(default_factory=list)
    imports: list[ModuleImport] = field(default_factory=list)
    conventions: list[ast.Assign] = field(default_factory=list)
    serial: int = field(default_factory=lambda: next(_serials))
    import_paths: list[Path] | None = None
    linked: tuple[object, object] | None = None


def summarize_module(path: Path, text: str) -> ModuleSummary:
    """Parse ``text`` and collect its classes, tables, imports and assignments.

    Raises SyntaxError when the text is not valid Python.
    """
    tree = ast.parse(text, filename=str(path))
    summary = ModuleSummary(path, tree, LineIndex(text), Scope.from_module(tree))
    for node in _module_statements(tree.body):
        if isinstance(node, ast.ClassDef):
            summary.classes[node.name] = _class_info(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            summary.imports.extend(_imports(node))
        elif _assigns_naming_convention(node):
            assert isinstance(node, ast.Assign)
            summary.conventions.append(node)
        else:
            table = _table_call(node)
            if table is not None:
                summary.tables.append(table)
            index = _index_call(node)
            if index is not None:
                summary.indexes.append(index)
    return summary


def _module_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Return top-level statements, including those under ``if`` and ``try``."""
    statements: list[ast.stmt] = []
    for node in body:
        statements.append(node)
        if isinstance(node, ast.If):
            statements.extend(_module_statements(node.body))
            statements.extend(_module_statements(node.orelse))
        elif isinstance(node, ast.Try):
            statements.extend(_module_statements(node.body))
    return statements


def _assigns_naming_convention(node: ast.stmt) -> bool:
    """Return whether ``node`` is ``X.metadata.naming_convention = {...}``."""
    if not isinstance(node, ast.Assign) or len(node.targets) != 1:
        return False
    target = node.targets[0]
    return isinstance(target, ast.Attribute) and target.attr == "naming_convention"


def _imports(node: ast.Import | ast.ImportFrom) -> list[ModuleImport]:
    if isinstance(node, ast.Import):
        return [ModuleImport(alias.name, 0, ()) for alias in node.names]
    names = tuple(alias.name for alias in node.names)
    return [ModuleImport(node.module or "", node.level, names)]


def _table_call(node: ast.stmt) -> TableCall | None:
    target: str | None = None
    value: ast.expr | None = None
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        name_node = node.targets[0]
        target = name_node.id if isinstance(name_node, ast.Name) else None
        value = node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        target = node.target.id if isinstance(node.target, ast.Name) else None
        value = node.value
    elif isinstance(node, ast.Expr):
        value = node.value
    if not isinstance(value, ast.Call):
        return None
    func = dotted_name(value.func) or ""
    if func.rsplit(".", 1)[-1] != "Table":
        return None
    return TableCall(target, value)


def _index_call(node: ast.stmt) -> ast.Call | None:
    """Return a module-level ``Index(...)``, which attaches to its columns' table."""
    value: ast.expr | None = None
    if isinstance(node, (ast.Expr, ast.Assign)):
        value = node.value
    if not isinstance(value, ast.Call):
        return None
    func = dotted_name(value.func) or ""
    return value if func.rsplit(".", 1)[-1] == "Index" else None


def _class_info(node: ast.ClassDef) -> ClassInfo:
    info = ClassInfo(
        name=node.name,
        node=node,
        bases=list(node.bases),
        keywords={item.arg: item.value for item in node.keywords if item.arg},
    )
    for statement in node.body:
        _collect_statement(info, statement)
    return info


def _collect_statement(info: ClassInfo, statement: ast.stmt) -> None:
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        name = statement.target.id
        if name in _DUNDERS and statement.value is not None:
            info.dunders[name] = statement.value
            return
        info.attributes.append(
            Attribute(name, statement.annotation, statement.value, statement)
        )
    elif isinstance(statement, ast.Assign):
        for target in statement.targets:
            if not isinstance(target, ast.Name):
                continue
            if target.id in _DUNDERS:
                info.dunders[target.id] = statement.value
            else:
                info.attributes.append(
                    Attribute(target.id, None, statement.value, statement)
                )
    elif isinstance(statement, ast.FunctionDef) and _is_declared_attr(statement):
        info.declared_attrs[statement.name] = statement


def _is_declared_attr(function: ast.FunctionDef) -> bool:
    suffixes = tuple("." + item for item in _DECLARED_ATTR)
    for decorator in function.decorator_list:
        name = dotted_name(decorator) or ""
        if name in _DECLARED_ATTR or name.endswith(suffixes):
            return True
    return False
