"""Static parser of Alembic revision files.

The file is read with :mod:`ast` and never imported. The header fields
(``revision``, ``down_revision``, ``branch_labels``, ``depends_on``) are read
from module-level assignments, plain or annotated. The message and create
date come from the module docstring as Alembic's template writes it. The
bodies of ``upgrade()`` and ``downgrade()`` are read by
:mod:`steward_lsp.engine.revision_body`.
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path

from steward_lsp.engine.migration import MigrationFunction, RevisionScript
from steward_lsp.engine.pyast import LineIndex
from steward_lsp.engine.revision_body import read_function
from steward_lsp.engine.revision_scope import ModuleScope
from steward_lsp.engine.schema import Location, Span

logger = logging.getLogger(__name__)

_HEADER_FIELDS = ("revision", "down_revision", "branch_labels", "depends_on")


def parse_revision(path: Path, text: str) -> RevisionScript:
    """Parse the revision file ``path`` whose source is ``text``.

    Parameters
    ----------
    path:
        Absolute path of the file; every location refers to it.
    text:
        The decoded source.

    Returns
    -------
    RevisionScript
        ``revision`` is None when the file declares no ``revision`` (a helper
        module inside the versions folder).

    Raises SyntaxError when ``text`` is not valid Python.
    """
    tree = ast.parse(text, filename=str(path))
    lines = LineIndex(text)
    header = _read_header(tree, path, lines)
    message, create_date = _read_docstring(tree)
    scope = ModuleScope.read_module(tree, path, lines)

    script = RevisionScript(
        path=path,
        revision=_single_id(header.get("revision")),
        down_revisions=_id_tuple(header.get("down_revision")),
        branch_labels=_id_tuple(header.get("branch_labels")),
        depends_on=_id_tuple(header.get("depends_on")),
        message=message,
        create_date=create_date,
        revision_location=_location(header, "revision"),
        down_revision_location=_location(header, "down_revision"),
        depends_on_location=_location(header, "depends_on"),
        upgrade=_read_migration_function(scope, "upgrade"),
        downgrade=_read_migration_function(scope, "downgrade"),
        unreadable_header=tuple(
            name for name, value in header.items() if value.value is _NOT_LITERAL
        ),
    )
    logger.debug("parsed revision %s from %s", script.revision, path)
    return script


def salvage_header(path: Path, text: str, error: str) -> RevisionScript | None:
    """Read the header of a revision file that does not parse as a whole.

    Each top-level ``revision = ...``-style statement, and the module
    docstring, is kept at its line and every other line is blanked, so the
    graph still links the revision to its parents and children. What
    upgrade() and downgrade() do stays unknown: both are marked present with
    the whole file as one opaque call, and ``parse_error`` is set. Returns
    None when no revision id can be read.
    """
    lines = text.splitlines()
    kept = [""] * len(lines)
    _keep_docstring(lines, kept)
    for number, line in enumerate(lines):
        if not line.startswith(_HEADER_FIELDS):
            continue
        # A tuple value may span lines: take the shortest run that parses.
        for end in range(number + 1, min(number + 8, len(lines)) + 1):
            statement = "\n".join(lines[number:end])
            try:
                ast.parse(statement)
            except SyntaxError:
                continue
            kept[number:end] = lines[number:end]
            break
    try:
        script = parse_revision(path, "\n".join(kept))
    except SyntaxError:
        return None
    if script.revision is None:
        return None
    whole = Location(path, Span(0, 0, max(len(lines) - 1, 0), 0))
    script.upgrade = MigrationFunction(True, location=whole, opaque=[whole])
    script.downgrade = MigrationFunction(True, location=whole, opaque=[whole])
    script.parse_error = error
    return script


def _keep_docstring(lines: list[str], kept: list[str]) -> None:
    """Copy the module docstring, when the file starts with one, into ``kept``."""
    if not lines or not lines[0].lstrip().startswith(('"""', "'''")):
        return
    quote = lines[0].lstrip()[:3]
    for end, line in enumerate(lines):
        closes = line.count(quote) >= (2 if end == 0 else 1)
        if closes:
            kept[: end + 1] = lines[: end + 1]
            return


class _HeaderValue:
    """A header assignment: its literal value and the statement's location."""

    def __init__(self, value: object, location: Location):
        self.value = value
        self.location = location


def _read_header(
    tree: ast.Module, path: Path, lines: LineIndex
) -> dict[str, _HeaderValue]:
    header: dict[str, _HeaderValue] = {}
    for statement in tree.body:
        target, value = _assignment(statement)
        if target not in _HEADER_FIELDS or value is None:
            continue
        header[target] = _HeaderValue(_literal(value), lines.location(path, statement))
    return header


def _assignment(statement: ast.stmt) -> tuple[str | None, ast.expr | None]:
    """Return the name and value of ``name = value`` or ``name: T = value``."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if isinstance(target, ast.Name):
            return target.id, statement.value
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id, statement.value
    return None, None


_NOT_LITERAL = object()
"""The value of a header field that ``ast.literal_eval`` cannot read."""


def _literal(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _NOT_LITERAL


def _single_id(header: _HeaderValue | None) -> str | None:
    if header is None:
        return None
    value = header.value
    return value if isinstance(value, str) and value else None


def _id_tuple(header: _HeaderValue | None) -> tuple[str, ...]:
    """Return a header value (string, tuple, list, set or None) as a tuple."""
    if header is None or header.value is None:
        return ()
    value = header.value
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, (tuple, list, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return tuple(item for item in items if isinstance(item, str) and item)
    return ()


def _location(header: dict[str, _HeaderValue], key: str) -> Location | None:
    found = header.get(key)
    return found.location if found is not None else None


def _read_docstring(tree: ast.Module) -> tuple[str, str | None]:
    """Return the message (first docstring line) and the ``Create Date:``."""
    docstring = ast.get_docstring(tree, clean=True)
    if not docstring:
        return "", None
    lines = docstring.splitlines()
    message = lines[0].strip() if lines else ""
    create_date = None
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("Create Date:"):
            create_date = stripped.removeprefix("Create Date:").strip() or None
            break
    return message, create_date


def _read_migration_function(scope: ModuleScope, name: str) -> MigrationFunction:
    node = scope.functions.get(name)
    if node is None:
        return MigrationFunction(present=False)
    default_bind = scope.functions.get(f"{name}_")
    if default_bind is not None and _dispatches_by_engine(node):
        # Flask-Migrate's multi-database template: upgrade(engine_name) calls
        # upgrade_<engine_name>(), and upgrade_() migrates the default bind,
        # which is the database this environment's head describes.
        node = default_bind
    try:
        return read_function(node, scope)
    except (RecursionError, ValueError, TypeError, AttributeError, KeyError):
        # A construct the reader mishandles must not hide the rest of the
        # file or the chain: the function becomes one opaque call.
        logger.exception("cannot read %s() of %s", name, scope.path)
        location = scope.locate(node)
        return MigrationFunction(present=True, location=location, opaque=[location])


def _dispatches_by_engine(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Return whether ``node`` is ``globals()["upgrade_%s" % engine_name]()``."""
    if not node.args.args or len(node.body) != 1:
        return False
    statement = node.body[0]
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return False
    called = statement.value.func
    return (
        isinstance(called, ast.Subscript)
        and isinstance(called.value, ast.Call)
        and isinstance(called.value.func, ast.Name)
        and called.value.func.id == "globals"
    )
