"""Static parser of Alembic revision files."""

from __future__ import annotations

import ast
from pathlib import Path

from steward_lsp.engine.migration import RevisionScript


def parse_revision(path: Path, text: str) -> RevisionScript:
    """Parse a revision file; raises SyntaxError when it is not valid Python."""
    ast.parse(text, filename=str(path))
    # TODO: header fields and operations.
    return RevisionScript(path=path, revision=None)
