"""Helpers over Python's ``ast`` shared by the model and revision parsers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from steward_lsp.engine.schema import Location, Span

_LINE_END = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Convert ``ast`` positions (UTF-8 byte columns) to code-point columns."""

    def __init__(self, text: str):
        # Python ends lines only at \n, \r\n and \r; str.splitlines() also
        # splits at form feeds and other separators, which shifts line numbers.
        self.lines = _LINE_END.split(text)

    def column(self, line: int, byte_col: int) -> int:
        """Return the code-point column of UTF-8 ``byte_col`` on 0-based ``line``."""
        if line >= len(self.lines):
            return byte_col
        text = self.lines[line]
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def span(self, node: ast.AST) -> Span:
        """Return the span of ``node``."""
        start_line = getattr(node, "lineno", 1) - 1
        end_line = (getattr(node, "end_lineno", None) or start_line + 1) - 1
        start = self.column(start_line, getattr(node, "col_offset", 0))
        end_byte = getattr(node, "end_col_offset", None)
        end = self.column(end_line, end_byte) if end_byte is not None else start
        return Span(start_line, start, end_line, end)

    def location(self, path: Path, node: ast.AST) -> Location:
        """Return the location of ``node`` in ``path``."""
        return Location(path, self.span(node))


def dotted_name(node: ast.AST) -> str | None:
    """Return ``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None
