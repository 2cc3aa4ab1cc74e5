"""Finding model modules that subclass a declarative base env.py reaches.

Some applications import their model modules at run time (a Pyramid config
scan, a plugin registry), so env.py imports only the module that defines the
declarative base and its metadata. When the files env.py reaches declare a
base but no table, the source roots are scanned for modules whose classes
subclass that base through an import of the module that defines it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from steward_lsp.engine.file_walk import FolderFilter, python_files
from steward_lsp.engine.sources import SourceError, decode_source

if TYPE_CHECKING:
    from steward_lsp.engine.model_files import ModuleResolver

BASE_CLASSES = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta"})
BASE_FACTORIES = frozenset({"declarative_base", "generate_base"})
TABLE_ATTRIBUTES = frozenset({"__tablename__", "__table__"})
TEST_FOLDERS = frozenset({"test", "tests", "testing"})


@dataclass(frozen=True)
class DeclaredBase:
    """A declarative base class named ``name`` defined in ``path``."""

    path: Path
    name: str


def declared_bases(
    files: list[Path], parse: dict[Path, ast.Module | None]
) -> list[DeclaredBase] | None:
    """Return the bases declared in ``files``; None when one declares a table."""
    bases: list[DeclaredBase] = []
    for path in files:
        tree = parse.get(path)
        if tree is None:
            continue
        if any(_declares_table(node) for node in ast.walk(tree)):
            return None
        names: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and any(
                _last_name(base) in BASE_CLASSES | names for base in node.bases
            ):
                names.add(node.name)
            elif isinstance(node, ast.Assign) and _is_base_factory(node.value):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        bases.extend(DeclaredBase(path, name) for name in sorted(names))
    return bases


def scan_subclass_modules(
    bases: list[DeclaredBase],
    roots: list[Path],
    folders: FolderFilter,
    skip_folders: list[Path],
    loader: ModuleResolver,
) -> list[Path]:
    """Return files under ``roots`` with a class that subclasses one of ``bases``."""
    names = {base.name for base in bases}
    found: dict[Path, None] = {}
    for path in _candidate_files(roots, folders, skip_folders):
        try:
            text = decode_source(path)
        except SourceError:
            continue
        if not any(name in text for name in names):
            continue
        try:
            tree = ast.parse(text, filename=str(path))
        except (SyntaxError, ValueError):
            continue
        if _subclasses(tree, path, bases, loader):
            found[path.resolve()] = None
    return list(found)


def _candidate_files(
    roots: list[Path], folders: FolderFilter, skip_folders: list[Path]
) -> list[Path]:
    seen: dict[Path, None] = {}
    for root in roots:
        for path in python_files(root, folders):
            resolved = path.resolve()
            if any(resolved.is_relative_to(folder) for folder in skip_folders):
                continue
            folder_parts = path.relative_to(root).parts[:-1]
            if TEST_FOLDERS.intersection(folder_parts):
                continue
            seen[resolved] = None
    return list(seen)


def _subclasses(
    tree: ast.Module, path: Path, bases: list[DeclaredBase], loader: ModuleResolver
) -> bool:
    """Return whether a class in ``tree`` subclasses a base by an imported name.

    NOTE: only direct subclasses count. A model that subclasses an
    intermediate class of another module is found only when that module
    is itself reached or found.
    """
    base_keys = {(base.path.resolve(), base.name) for base in bases}
    defining = {path for path, _ in base_keys}
    direct: set[str] = set()
    modules: dict[str, Path] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            level = node.level
            module_file = loader.resolve(node.module or "", path, level)
            for alias in node.names:
                bound = alias.asname or alias.name
                if module_file and (module_file.resolve(), alias.name) in base_keys:
                    direct.add(bound)
                sub = f"{node.module}.{alias.name}" if node.module else alias.name
                sub_file = loader.resolve(sub, path, level)
                if sub_file is not None and sub_file.resolve() in defining:
                    modules[bound] = sub_file.resolve()
        elif isinstance(node, ast.Import):
            for alias in node.names:
                module_file = loader.resolve(alias.name)
                if module_file is not None and module_file.resolve() in defining:
                    modules[alias.asname or alias.name] = module_file.resolve()
    if not direct and not modules:
        return False
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        for base in node.bases:
            if isinstance(base, ast.Name) and base.id in direct:
                return True
            if isinstance(base, ast.Attribute):
                owner = _dotted(base.value)
                if owner in modules and (modules[owner], base.attr) in base_keys:
                    return True
    return False


def _declares_table(node: ast.AST) -> bool:
    if isinstance(node, ast.ClassDef):
        for statement in node.body:
            targets: list[ast.expr] = []
            if isinstance(statement, ast.Assign):
                targets = statement.targets
            elif isinstance(statement, ast.AnnAssign):
                targets = [statement.target]
            if any(
                isinstance(t, ast.Name) and t.id in TABLE_ATTRIBUTES for t in targets
            ):
                return True
        return False
    return isinstance(node, ast.Call) and _last_name(node.func) == "Table"


def _is_base_factory(value: ast.expr) -> bool:
    return isinstance(value, ast.Call) and _last_name(value.func) in BASE_FACTORIES


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return f"{owner}.{node.attr}" if owner else ""
    return ""
