"""Finding the model files of an environment without importing anything.

Alembic's autogenerate compares the tables of every model module that is
imported by the time env.py hands ``target_metadata`` over. The static
equivalent follows the imports of env.py through the workspace, then the
module-level imports of each file reached, so a package ``__init__.py`` that
imports its submodules brings them in. Flask-SQLAlchemy and SQLModel keep a
global registry that env.py need not import; for those the project folder is
scanned for model classes when the imports lead nowhere. When the imports
reach a declarative base but no table, the modules subclassing that base are
added (model_bases.py).
"""

from __future__ import annotations

import ast
import logging
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from steward_lsp.engine.env_script import EnvScript, ImportedModule, collect_imports
from steward_lsp.engine.file_walk import FolderFilter, python_files
from steward_lsp.engine.model_bases import declared_bases, scan_subclass_modules
from steward_lsp.engine.sources import ModuleLoader, SourceError, decode_source

logger = logging.getLogger(__name__)

# NOTE: a bound on the import closure, so a model module that imports a
# whole application cannot make discovery read thousands of files.
MAX_MODEL_FILES = 3000


class ImportCache:
    """Imports per file and module resolutions, shared by the environments of a run.

    Environments of one workspace often share model packages, so each file
    is parsed once per discovery and each name is resolved once per set of
    source roots.
    """

    def __init__(self) -> None:
        self.imports: dict[Path, list[ImportedModule] | None] = {}
        self.resolved: dict[tuple[object, ...], Path | None] = {}

    def module_imports(self, path: Path) -> list[ImportedModule] | None:
        """Return the module-level imports of ``path``; None when it does not parse."""
        if path not in self.imports:
            tree = _parse(path)
            self.imports[path] = (
                None if tree is None else collect_imports(tree, module_level_only=True)
            )
        return self.imports[path]


class ModuleResolver:
    """:meth:`ModuleLoader.resolve` with results cached in an :class:`ImportCache`."""

    def __init__(self, source_roots: list[Path], cache: ImportCache) -> None:
        self.loader: ModuleLoader[None] = ModuleLoader(source_roots, lambda _: None)
        self.roots = tuple(source_roots)
        self.cache = cache

    def resolve(
        self, module: str, relative_to: Path | None = None, level: int = 0
    ) -> Path | None:
        """Return the file of ``module``, or None when it is outside the workspace."""
        if level and relative_to is not None:
            key: tuple[object, ...] = (relative_to.parent, module, level)
        else:
            key = (self.roots, module)
        if key not in self.cache.resolved:
            self.cache.resolved[key] = self.loader.resolve(module, relative_to, level)
        return self.cache.resolved[key]


@dataclass
class ModelSearch:
    """Inputs of the model file search for one environment.

    ``models_setting`` is ``[tool.steward] models``: dotted module names, or
    file and folder paths relative to ``models_base``.
    """

    source_roots: list[Path]
    project_folder: Path
    folders: FolderFilter
    env_py: Path | None = None
    script: EnvScript | None = None
    models_setting: list[str] = field(default_factory=list)
    models_base: Path | None = None
    skip_folders: list[Path] = field(default_factory=list)
    cache: ImportCache = field(default_factory=ImportCache)


def find_model_files(search: ModelSearch) -> tuple[list[Path], list[str]]:
    """Return the model files of an environment and problems to report."""
    loader = ModuleResolver(search.source_roots, search.cache)
    problems: list[str] = []
    starts: list[Path] = []

    if search.script is not None and search.env_py is not None:
        for imported in search.script.imports:
            starts.extend(resolve_import(loader, imported, search.env_py))
    starts.extend(_configured_files(search, loader, problems))
    files = _import_closure(loader, starts, search)

    script = search.script
    if not files and script is not None and (script.flask_migrate or script.sqlmodel):
        found = _scan_model_classes(search, flask=script.flask_migrate)
        files = _import_closure(loader, found, search)
    elif files and not search.models_setting:
        files = _add_subclass_modules(search, loader, files)
    return files, problems


def _add_subclass_modules(
    search: ModelSearch, loader: ModuleResolver, files: list[Path]
) -> list[Path]:
    """Add the modules that subclass a base the reached files declare.

    Only when those files declare no table: the application then imports
    its model modules at run time, out of reach of env.py's imports.
    """
    bases = declared_bases(files, {path: _parse(path) for path in files})
    if not bases:
        return files
    found = scan_subclass_modules(
        bases, search.source_roots, search.folders, search.skip_folders, loader
    )
    logger.debug("%d modules subclass the declarative base", len(found))
    return _import_closure(loader, [*files, *found], search)


def resolve_import(
    loader: ModuleResolver, imported: ImportedModule, importer: Path
) -> list[Path]:
    """Return the workspace files an import runs: module, packages, submodules."""
    found: list[Path] = []
    if imported.level:
        module_file = loader.resolve(imported.module, importer, imported.level)
        if module_file is not None:
            found.append(module_file)
        for name in imported.names:
            submodule = f"{imported.module}.{name}" if imported.module else name
            sub_file = loader.resolve(submodule, importer, imported.level)
            if sub_file is not None:
                found.append(sub_file)
        return found

    parts = imported.module.split(".")
    for depth in range(1, len(parts) + 1):
        package_file = loader.resolve(".".join(parts[:depth]))
        if package_file is not None:
            found.append(package_file)
    for name in imported.names:
        sub_file = loader.resolve(f"{imported.module}.{name}")
        if sub_file is not None:
            found.append(sub_file)
    return found


def _configured_files(
    search: ModelSearch, loader: ModuleResolver, problems: list[str]
) -> list[Path]:
    base = search.models_base or search.project_folder
    found: list[Path] = []
    for entry in search.models_setting:
        if "/" in entry or "\\" in entry or entry.endswith(".py"):
            path = (base / entry).resolve()
            if path.is_file():
                found.append(path)
            elif path.is_dir():
                found.extend(python_files(path, search.folders))
            else:
                problems.append(
                    f"[tool.steward] models: {entry!r} is not a file or folder "
                    f"under {base}; fix the path or remove the entry"
                )
            continue
        module_file = loader.resolve(entry)
        if module_file is None:
            roots = ", ".join(str(root) for root in search.source_roots)
            problems.append(
                f"[tool.steward] models: module {entry!r} not found under the "
                f"source roots ({roots}); give its file path instead"
            )
            continue
        found.extend(resolve_import(loader, ImportedModule(entry), module_file))
    return found


def _import_closure(
    loader: ModuleResolver, starts: list[Path], search: ModelSearch
) -> list[Path]:
    """Return ``starts`` and every workspace file their module-level imports reach."""
    seen: dict[Path, None] = {}
    pending = deque(path.resolve() for path in starts)
    env_py = search.env_py.resolve() if search.env_py else None
    while pending and len(seen) < MAX_MODEL_FILES:
        path = pending.popleft()
        if path in seen or path == env_py or _inside(path, search.skip_folders):
            continue
        seen[path] = None
        imports = search.cache.module_imports(path)
        if imports is None:
            # The file is still a model file, so the analysis reports why it
            # cannot be read; its imports are not followed.
            continue
        for imported in imports:
            found = resolve_import(loader, imported, path)
            pending.extend(file for file in found if file not in seen)
    if pending:
        logger.warning(
            "model import closure stopped at %d files; name the model modules "
            "in [tool.steward] models to read fewer",
            MAX_MODEL_FILES,
        )
    return list(seen)


def _scan_model_classes(search: ModelSearch, *, flask: bool) -> list[Path]:
    """Return files under the project folder that declare model classes.

    Flask-SQLAlchemy models subclass ``db.Model``; SQLModel tables pass
    ``table=True`` in the class statement.
    """
    marker = ".Model" if flask else "table"
    found: list[Path] = []
    for path in python_files(search.project_folder, search.folders):
        if _inside(path, search.skip_folders):
            continue
        try:
            text = decode_source(path)
        except SourceError:
            continue
        if marker not in text:
            continue
        tree = _parse_text(path, text)
        if tree is not None and any(
            _is_model_class(node, flask) for node in ast.walk(tree)
        ):
            found.append(path.resolve())
    return found


def _is_model_class(node: ast.AST, flask: bool) -> bool:
    if not isinstance(node, ast.ClassDef):
        return False
    if flask:
        return any(
            isinstance(base, ast.Attribute) and base.attr == "Model"
            for base in node.bases
        )
    return any(
        keyword.arg == "table"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value is True
        for keyword in node.keywords
    )


def _parse(path: Path) -> ast.Module | None:
    try:
        text = decode_source(path)
    except SourceError:
        return None
    return _parse_text(path, text)


def _parse_text(path: Path, text: str) -> ast.Module | None:
    try:
        return ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError):
        return None


def _inside(path: Path, folders: list[Path]) -> bool:
    return any(path.is_relative_to(folder) for folder in folders)
