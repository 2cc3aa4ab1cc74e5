"""Static reading of an Alembic ``env.py``: target_metadata, imports, options.

env.py is parsed with :mod:`ast` and never imported: opening a workspace
must not run its code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from steward_lsp.engine.name_filters import TableFilter, read_table_filter
from steward_lsp.engine.project import CompareOptions
from steward_lsp.engine.pyast import dotted_name

# Assignments and helper functions followed from target_metadata to the
# names it is built from, so that a cycle such as ``a = b; b = a`` ends.
_MAX_INDIRECTIONS = 8

_BOOLEAN_OPTIONS = (
    "compare_type",
    "compare_server_default",
    "include_schemas",
    "render_as_batch",
)


@dataclass(frozen=True)
class ImportedModule:
    """A module that an ``import`` statement of env.py (or a model file) names.

    ``module`` is the dotted name as written, ``level`` the number of leading
    dots of a relative import and ``names`` the names a ``from`` import takes
    from it (each may be a submodule).
    """

    module: str
    level: int = 0
    names: tuple[str, ...] = ()


@dataclass
class EnvScript:
    """What env.py declares about the environment.

    ``metadata_roots`` are the first names of the ``target_metadata``
    expressions (``Base`` of ``Base.metadata``). ``metadata_imports`` are the
    imports that bind them, ``imports`` every import of the file.
    ``flask_migrate`` is true when the metadata comes from Flask-Migrate's
    ``current_app.extensions["migrate"]`` and ``sqlmodel`` when it is
    ``SQLModel.metadata``: the model classes then register themselves in a
    global registry that env.py need not import.
    """

    metadata_roots: list[str] = field(default_factory=list)
    metadata_imports: list[ImportedModule] = field(default_factory=list)
    imports: list[ImportedModule] = field(default_factory=list)
    metadata_is_none: bool = False
    flask_migrate: bool = False
    sqlmodel: bool = False
    compare: CompareOptions = field(default_factory=CompareOptions)


def read_env_script(text: str, filename: str) -> EnvScript:
    """Read ``text``, the source of an env.py; raises SyntaxError when invalid."""
    tree = ast.parse(text, filename=filename)
    script = EnvScript(imports=collect_imports(tree, module_level_only=False))

    expressions = _metadata_expressions(tree)
    for expression in expressions:
        _add_metadata_roots(script, expression, tree)
    script.metadata_is_none = bool(expressions) and all(
        isinstance(e, ast.Constant) and e.value is None for e in expressions
    )
    script.metadata_imports = _bindings(tree, set(script.metadata_roots))
    script.compare = _read_compare_options(tree)
    return script


def collect_imports(
    tree: ast.Module, *, module_level_only: bool
) -> list[ImportedModule]:
    """Return the imports of ``tree``.

    With ``module_level_only``, imports inside functions and classes are left
    out, because they do not run when the module is imported. Imports under a
    module-level ``if`` or ``try`` are kept.
    """
    found: list[ImportedModule] = []
    for node in _walk(tree, module_level_only):
        if isinstance(node, ast.Import):
            found.extend(ImportedModule(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names if alias.name != "*")
            found.append(ImportedModule(node.module or "", node.level, names))
    return found


def _walk(tree: ast.Module, module_level_only: bool) -> list[ast.AST]:
    if not module_level_only:
        return list(ast.walk(tree))
    nodes: list[ast.AST] = []
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        nodes.append(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        pending.extend(
            child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)
        )
        for handler in getattr(node, "handlers", []):
            pending.extend(handler.body)
    return nodes


def _metadata_expressions(tree: ast.Module) -> list[ast.expr]:
    """Return what is assigned to ``target_metadata`` or passed to configure()."""
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            if any(
                isinstance(t, ast.Name) and t.id == "target_metadata"
                for t in node.targets
            ):
                found.append(node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            if (
                isinstance(node.target, ast.Name)
                and node.target.id == "target_metadata"
            ):
                found.append(node.value)
        elif isinstance(node, ast.Call) and _is_configure(node):
            for keyword in node.keywords:
                if keyword.arg == "target_metadata" and not (
                    isinstance(keyword.value, ast.Name)
                    and keyword.value.id == "target_metadata"
                ):
                    found.append(keyword.value)
    return found


def _add_metadata_roots(
    script: EnvScript, expression: ast.expr, tree: ast.Module, depth: int = 0
) -> None:
    """Record the names a ``target_metadata`` expression starts from."""
    if depth > _MAX_INDIRECTIONS:
        return
    if isinstance(expression, (ast.List, ast.Tuple)):
        for element in expression.elts:
            _add_metadata_roots(script, element, tree, depth + 1)
        return

    if isinstance(expression, ast.Call):
        # Flask-Migrate 4 templates pass get_metadata(), a function that
        # returns target_db.metadata with target_db from current_app.
        function = _module_function(tree, dotted_name(expression.func))
        if function is not None:
            for node in ast.walk(function):
                if isinstance(node, ast.Return) and node.value is not None:
                    _add_metadata_roots(script, node.value, tree, depth + 1)
        return

    if isinstance(expression, ast.Subscript):
        _add_metadata_roots(script, expression.value, tree, depth + 1)
        return

    source = ast.unparse(expression)
    if "current_app" in source and "migrate" in source:
        script.flask_migrate = True
        return

    name = dotted_name(expression)
    if name is None:
        return
    root = name.split(".", 1)[0]
    if root == "SQLModel":
        script.sqlmodel = True
    assigned = _module_assignment(tree, root)
    if assigned is not None and root != "target_metadata":
        _add_metadata_roots(script, assigned, tree, depth + 1)
    elif root not in script.metadata_roots:
        script.metadata_roots.append(root)


def _module_function(tree: ast.Module, name: str | None) -> ast.FunctionDef | None:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    return None


def _module_assignment(tree: ast.Module, name: str) -> ast.expr | None:
    """Return the value last assigned to ``name`` at module level, if any."""
    value: ast.expr | None = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            value = node.value
    return value


def _bindings(tree: ast.Module, names: set[str]) -> list[ImportedModule]:
    """Return the imports of env.py that bind any of ``names``."""
    found: list[ImportedModule] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".", 1)[0]
                if bound in names:
                    found.append(ImportedModule(alias.name))
        elif isinstance(node, ast.ImportFrom):
            imported_names = tuple(
                alias.name
                for alias in node.names
                if (alias.asname or alias.name) in names
            )
            if imported_names:
                found.append(
                    ImportedModule(node.module or "", node.level, imported_names)
                )
    return found


def _is_configure(node: ast.Call) -> bool:
    name = dotted_name(node.func)
    return name is not None and name.endswith("context.configure")


def _read_compare_options(tree: ast.Module) -> CompareOptions:
    """Read literal keywords of ``context.configure(...)``.

    When env.py calls configure more than once (offline and online), a later
    call overrides an earlier one; Alembic's templates define the online
    function last.
    """
    options = CompareOptions()
    table_filter: TableFilter | None = None
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _is_configure(node)):
            continue
        call_filter = TableFilter()
        for keyword in node.keywords:
            if keyword.arg in _BOOLEAN_OPTIONS:
                value = _boolean(keyword.value, tree)
                if value is not None:
                    setattr(options, keyword.arg, value)
            elif keyword.arg in ("include_object", "include_name"):
                function = _module_function(tree, dotted_name(keyword.value))
                if function is not None:
                    read = read_table_filter(
                        function,
                        keyword.arg,
                        tree,
                        default_schema_only=not _includes_schemas(node, tree),
                    )
                    if read is not None:
                        call_filter = call_filter.intersect(read)
        table_filter = call_filter
    if table_filter is not None:
        options.include_tables, options.exclude_tables = table_filter.as_sets()
    return options


def _includes_schemas(call: ast.Call, tree: ast.Module) -> bool:
    """Return whether ``include_schemas`` may be true in this configure call."""
    for keyword in call.keywords:
        if keyword.arg == "include_schemas":
            return _boolean(keyword.value, tree) is not False
        if keyword.arg is None:  # **options may hold it
            return True
    return False


def _boolean(node: ast.expr, tree: ast.Module) -> bool | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.Name):
        if _module_function(tree, node.id) is not None:
            # compare_type=my_comparator: a callable means "compare, my way".
            return True
        assigned = _module_assignment(tree, node.id)
        return _boolean(assigned, tree) if isinstance(assigned, ast.Constant) else None
    if isinstance(node, ast.Lambda):
        return True
    return None


def migrate_renders_as_batch(tree: ast.Module) -> bool:
    """Tell whether a module sets up Flask-Migrate with ``render_as_batch=True``.

    Flask-Migrate's env.py passes the keyword arguments of
    ``Migrate(app, db, ...)`` or ``migrate.init_app(app, db, ...)`` on to
    ``context.configure`` through ``configure_args``, which env.py itself
    does not show. Only a literal True counts.
    """
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = dotted_name(node.func) or ""
        if name.rsplit(".", 1)[-1] not in ("Migrate", "init_app"):
            continue
        for keyword in node.keywords:
            if (
                keyword.arg == "render_as_batch"
                and isinstance(keyword.value, ast.Constant)
                and keyword.value.value is True
            ):
                return True
    return False
