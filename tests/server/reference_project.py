"""The bundled QuantumNotary project, copied for language feature tests.

The repository root is itself a steward project: ``alembic.ini``,
``migrations/`` and the models under ``examples/quantumnotary``. Tests copy
those three to a temporary folder, so they may edit files, and read the
expected revision ids, table names and columns from the copied files.
"""

from __future__ import annotations

import ast
import io
import re
import shutil
import tokenize
from dataclasses import dataclass
from pathlib import Path

from lsp_session import initialize, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient

REPOSITORY = Path(__file__).resolve().parents[2]
MODELS = Path("examples/quantumnotary/quantumnotary/models")
VERSIONS = Path("migrations/versions")

_REVISION = re.compile(r"^revision(?::\s*str)?\s*=\s*['\"](\w+)['\"]", re.M)
_DOWN_REVISION = re.compile(r"^down_revision[^=]*=\s*['\"]?(\w+)", re.M)
_TABLENAME = re.compile(r"__tablename__\s*=\s*['\"](\w+)['\"]")


def copy_reference_project(destination: Path) -> Path:
    """Copy alembic.ini, migrations/ and the example models; return the root."""
    root = (destination / "quantumnotary").resolve()
    root.mkdir()
    shutil.copy(REPOSITORY / "alembic.ini", root / "alembic.ini")
    shutil.copytree(REPOSITORY / "migrations", root / "migrations")
    shutil.copytree(
        REPOSITORY / "examples" / "quantumnotary",
        root / "examples" / "quantumnotary",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return root


async def open_in_session(
    client: LanguageClient, spec: str, root: Path, path: Path
) -> str:
    """Initialize a session on ``root``, open ``path`` and return its text."""
    await initialize(client, spec, root)
    open_document(client, path)
    return path.read_text(encoding="utf-8")


def revision_file(root: Path, slug: str) -> Path:
    """Return the one revision file whose name ends with ``slug``.py."""
    found = sorted((root / VERSIONS).glob(f"*_{slug}.py"))
    assert len(found) == 1, f"revision files ending in {slug}: {found}"
    return found[0]


def revision_id(path: Path) -> str:
    """Return the ``revision`` of a revision file, read from its text."""
    match = _REVISION.search(path.read_text(encoding="utf-8"))
    assert match is not None, f"no revision line in {path}"
    return match.group(1)


def chain_order(root: Path) -> list[Path]:
    """Return the revision files from base to head, following down_revision."""
    parents: dict[str, str | None] = {}
    files: dict[str, Path] = {}
    for path in (root / VERSIONS).glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision = revision_id(path)
        down = _DOWN_REVISION.search(text)
        parents[revision] = down.group(1) if down and down.group(1) != "None" else None
        files[revision] = path
    children = {parent: child for child, parent in parents.items()}
    order: list[Path] = []
    current = children.get(None)
    while current is not None:
        order.append(files[current])
        current = children.get(current)
    assert len(order) == len(files), "the reference chain is expected to be linear"
    return order


def model_tables(root: Path) -> set[str]:
    """Return every ``__tablename__`` of the example models."""
    names: set[str] = set()
    for path in (root / MODELS).glob("*.py"):
        names.update(_TABLENAME.findall(path.read_text(encoding="utf-8")))
    return names


def model_class_names(root: Path) -> set[str]:
    """Return the names of the classes that declare ``__tablename__``."""
    names: set[str] = set()
    for path in (root / MODELS).glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and "__tablename__" in ast.unparse(node):
                names.add(node.name)
    return names


def string_tokens(text: str, value: str) -> list[types.Position]:
    """Return where a string literal equal to ``value`` starts, inside its quote.

    Columns are code points; the reference files are ASCII, so they equal
    UTF-16 columns.
    """
    found: list[types.Position] = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.STRING and ast.literal_eval(token.string) == value:
            line, column = token.start
            found.append(types.Position(line=line - 1, character=column + 1))
    return found


def position_of(text: str, fragment: str, offset: int = 0) -> types.Position:
    """Return the position ``offset`` characters into the one ``fragment``."""
    lines = text.splitlines()
    hits = [
        (n, line.index(fragment)) for n, line in enumerate(lines) if fragment in line
    ]
    assert len(hits) == 1, f"{fragment!r} is on lines {[n for n, _ in hits]}"
    line, column = hits[0]
    return types.Position(line=line, character=column + offset)


CURSOR = "<cursor>"
"""The marker of the cursor in a buffer written by a test."""


@dataclass(frozen=True)
class Buffer:
    """A document text and the cursor at its :data:`CURSOR` marker."""

    text: str
    cursor: types.Position


def with_cursor(marked: str) -> Buffer:
    """Split ``marked`` at its one :data:`CURSOR` into the text and the cursor."""
    assert marked.count(CURSOR) == 1, f"mark the cursor with one {CURSOR}"
    before, after = marked.split(CURSOR)
    lines = before.split("\n")
    cursor = types.Position(line=len(lines) - 1, character=len(lines[-1]))
    return Buffer(before + after, cursor)
