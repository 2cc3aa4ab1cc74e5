"""A Python file parsed for editing: nodes, tokens, quotes and indentation.

Edits insert text next to what the file already holds and never reformat a
line they do not change. Positions are code-point columns, as in engine
spans; ``ast`` columns (UTF-8 bytes) go through :class:`LineIndex`, and
``tokenize`` already counts code points.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import Counter
from collections.abc import Sequence
from functools import cached_property
from types import UnionType

from steward_lsp.engine.fixes.registry import TextEdit
from steward_lsp.engine.pyast import LineIndex, dotted_name
from steward_lsp.engine.schema import Span

_TRIVIA = {
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.COMMENT,
    tokenize.INDENT,
    tokenize.DEDENT,
}
_CLOSING = {")": "(", "]": "[", "}": "{"}
_STRING_PREFIX = re.compile(r"^[A-Za-z]*")
_LINE_END = re.compile(r"\r\n|\r|\n")


class SourceFile:
    """The text of one Python file with its syntax tree and tokens.

    Raises SyntaxError when the text does not parse; a fix of a file that
    does not parse is no fix.
    """

    def __init__(self, text: str):
        self.text = text
        self.tree = ast.parse(text)
        self.index = LineIndex(text)
        self.lines = self.index.lines

    @cached_property
    def tokens(self) -> list[tokenize.TokenInfo]:
        """Return the file's tokens, comments and line ends included."""
        return list(tokenize.generate_tokens(io.StringIO(self.text).readline))

    @cached_property
    def parents(self) -> dict[ast.AST, ast.AST]:
        """Map each node to the node that contains it."""
        found: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                found[child] = node
        return found

    @cached_property
    def quote(self) -> str:
        """Return the quote character most of the file's one-line strings use."""
        counts: Counter[str] = Counter()
        for token in self.tokens:
            if token.type != tokenize.STRING:
                continue
            body = _STRING_PREFIX.sub("", token.string)
            if body[:3] in ('"""', "'''"):
                continue
            counts[body[:1]] += 1
        return "'" if counts["'"] > counts['"'] else '"'

    @cached_property
    def indent_unit(self) -> str:
        """Return the indentation of the file's first indented line."""
        for token in self.tokens:
            if token.type == tokenize.INDENT:
                return token.string
        return "    "

    def span(self, node: ast.AST) -> Span:
        """Return the span of ``node``."""
        return self.index.span(node)

    def node_at(
        self, span: Span, kind: type[ast.AST] | UnionType = ast.stmt | ast.expr
    ) -> ast.AST | None:
        """Return the outermost node of ``kind`` that starts at ``span``."""
        for node in ast.walk(self.tree):
            if not isinstance(node, kind):
                continue
            found = self.span(node)
            if (found.start_line, found.start_col) == (span.start_line, span.start_col):
                return node
        return None

    def ancestor(self, node: ast.AST, kind: type[ast.AST]) -> ast.AST | None:
        """Return the nearest node of ``kind`` that contains ``node``."""
        current = self.parents.get(node)
        while current is not None and not isinstance(current, kind):
            current = self.parents.get(current)
        return current

    def string(self, value: str) -> str:
        """Return ``value`` as a string literal in the file's quote style."""
        text = repr(value)
        if self.quote == '"' and text.startswith("'") and '"' not in value:
            return '"' + text[1:-1].replace("\\'", "'") + '"'
        return text

    def requote(self, code: str) -> str:
        """Return ``code`` with its simple string literals in the file's quotes.

        Alembic's renderer writes ``repr()`` strings, in single quotes.
        """
        if self.quote != '"':
            return code
        tokens = tokenize.generate_tokens(io.StringIO(code).readline)
        pieces: list[tuple[int, int, int, int, str]] = []
        for token in tokens:
            literal = token.string
            if token.type != tokenize.STRING or not literal.startswith("'"):
                continue
            if literal.startswith("'''") or '"' in literal or "\\" in literal:
                continue
            pieces.append((*token.start, *token.end, '"' + literal[1:-1] + '"'))
        return replace_spans(code, pieces)

    def line_indent(self, line: int) -> str:
        """Return the leading whitespace of 0-based ``line``."""
        text = self.lines[line]
        return text[: len(text) - len(text.lstrip())]

    def line_end(self, line: int) -> int:
        """Return the column after the last character of 0-based ``line``."""
        return len(self.lines[line])

    def closing_bracket(self, node: ast.AST) -> tokenize.TokenInfo | None:
        """Return the bracket token that ends ``node``, if it ends in one."""
        span = self.span(node)
        for token in self.tokens:
            if token.start == (span.end_line + 1, span.end_col - 1):
                return token if token.string in _CLOSING else None
        return None

    def previous_token(self, token: tokenize.TokenInfo) -> tokenize.TokenInfo:
        """Return the last token before ``token`` that is no comment or line end."""
        position = self.tokens.index(token)
        for candidate in reversed(self.tokens[:position]):
            if candidate.type not in _TRIVIA:
                return candidate
        raise ValueError(f"no token before {token.string!r} at {token.start}")


def replace_spans(text: str, pieces: Sequence[tuple[int, int, int, int, str]]) -> str:
    """Replace (1-based start row, col, end row, col, new text) pieces of ``text``."""
    # Rows end where Python's tokenizer ends lines, not at form feeds.
    offsets = [0, *(match.end() for match in _LINE_END.finditer(text))]
    result = text
    for start_row, start_col, end_row, end_col, new in sorted(pieces, reverse=True):
        start = offsets[start_row - 1] + start_col
        end = offsets[end_row - 1] + end_col
        result = result[:start] + new + result[end:]
    return result


def insert_items(source: SourceFile, node: ast.AST, items: Sequence[str]) -> TextEdit:
    """Return the edit that appends ``items`` to a call, tuple, list or dict.

    The items follow the layout of the brackets: on the same line after a
    comma, or each on its own line with the last item's indentation when
    the closing bracket sits on a line of its own. A trailing comma stays.

    Raises ValueError when ``node`` does not end in a bracket (a tuple
    written without parentheses).
    """
    closing = source.closing_bracket(node)
    if closing is None:
        raise ValueError("the node does not end in a closing bracket")
    before = source.previous_token(closing)
    close_line, close_col = closing.start[0] - 1, closing.start[1]
    if before.string == _CLOSING[closing.string] and before.end == closing.start:
        return _insert(close_line, close_col, ", ".join(items))

    trailing = before.string == ","
    end_line, end_col = before.end[0] - 1, before.end[1]
    if end_line < close_line:
        indent = _item_indent(source, node, end_line)
        joined = "".join(f",\n{indent}{item}" for item in items)
        if trailing:
            return _insert(end_line, end_col, joined[1:] + ",")
        return _insert(end_line, end_col, joined)
    if trailing:
        return _insert(end_line, end_col, " " + ", ".join(items) + ",")
    return _insert(close_line, close_col, ", " + ", ".join(items))


def insert_before(source: SourceFile, element: ast.AST, item: str) -> TextEdit:
    """Return the edit that puts ``item`` before ``element`` in its sequence."""
    span = source.span(element)
    indent = source.line_indent(span.start_line)
    if len(indent) == span.start_col:
        return _insert(span.start_line, span.start_col, f"{item},\n{indent}")
    return _insert(span.start_line, span.start_col, f"{item}, ")


def _item_indent(source: SourceFile, node: ast.AST, last_line: int) -> str:
    for child in ast.iter_child_nodes(node):
        child_span = source.span(child)
        if child_span.end_line == last_line and child_span.start_line != last_line:
            return source.line_indent(child_span.start_line)
    return source.line_indent(last_line)


def _insert(line: int, column: int, text: str) -> TextEdit:
    return TextEdit(Span(line, column, line, column), text)


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    """Return the keyword argument ``name`` of ``call``."""
    return next((item for item in call.keywords if item.arg == name), None)


def set_keyword(source: SourceFile, call: ast.Call, name: str, value: str) -> TextEdit:
    """Return the edit that sets ``name=value`` on ``call``, replacing an old value."""
    existing = keyword(call, name)
    if existing is None:
        return insert_items(source, call, [f"{name}={value}"])
    return TextEdit(source.span(existing.value), value)


def call_name(call: ast.Call) -> str:
    """Return the last part of the dotted name ``call`` calls, or ``""``."""
    return (dotted_name(call.func) or "").rpartition(".")[2]


def module_alias(source: SourceFile, module: str) -> str | None:
    """Return the name ``module`` is imported as (``sa`` for sqlalchemy), if any."""
    for node in source.tree.body:
        if not isinstance(node, ast.Import):
            continue
        for alias in node.names:
            if alias.name == module:
                return alias.asname or alias.name
    return None


def apply_edits(text: str, edits: Sequence[TextEdit]) -> str:
    """Return ``text`` with non-overlapping ``edits`` applied."""
    pieces = [
        (e.span.start_line + 1, e.span.start_col, e.span.end_line + 1, e.span.end_col)
        for e in edits
    ]
    return replace_spans(
        text,
        [(*piece, edit.new_text) for piece, edit in zip(pieces, edits, strict=True)],
    )
