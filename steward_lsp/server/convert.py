"""Conversion of engine findings and spans to LSP types.

The engine counts columns in code points; LSP clients count them in the
negotiated position encoding (UTF-16 unless the client offers another). This
is the only module that converts between the two, and it does so through
pygls' position codec so the server and pygls agree on every column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.rules_catalogue import RULES
from steward_lsp.engine.schema import Location, Span

SOURCE = "steward"

# Python's tokenizer ends lines at \n, \r\n and \r only; str.splitlines() also
# splits at form feeds and Unicode separators, which would shift line numbers.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")

LinesOf = Callable[[Path], Sequence[str] | None]
"""Return the lines of a file as the engine read it, or None when unreadable."""

UriOf = Callable[[Path], str]
"""Return the URI under which the client knows a file."""


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines with their endings, as Python counts lines."""
    return _LINE.findall(text)


def path_uri(path: Path) -> str:
    """Return the ``file:`` URI of ``path``."""
    uri: str | None = from_fs_path(str(path))
    if uri is None:
        raise ValueError(f"{path}: cannot be expressed as a file URI")
    return uri


def to_position(
    line: int, column: int, lines: Sequence[str] | None, codec: PositionCodec
) -> types.Position:
    """Convert a code-point position to the client's position encoding.

    Without the file's text (a file that cannot be decoded) or past its last
    line, the column is passed through unchanged: there is nothing to count.
    """
    if lines is None or line >= len(lines):
        return types.Position(line=line, character=column)

    return codec.position_to_client_units(lines, ServerTextPosition(line, column))


def to_range(
    span: Span, lines: Sequence[str] | None, codec: PositionCodec
) -> types.Range:
    """Convert an engine span to an LSP range."""
    return types.Range(
        start=to_position(span.start_line, span.start_col, lines, codec),
        end=to_position(span.end_line, span.end_col, lines, codec),
    )


def to_lsp_location(
    location: Location, lines_of: LinesOf, uri_of: UriOf, codec: PositionCodec
) -> types.Location:
    """Convert an engine location to an LSP location."""
    lines = lines_of(location.path)
    return types.Location(
        uri=uri_of(location.path), range=to_range(location.span, lines, codec)
    )


def to_diagnostic(
    finding: Finding, lines_of: LinesOf, uri_of: UriOf, codec: PositionCodec
) -> types.Diagnostic:
    """Convert a finding to a diagnostic.

    ``data`` carries the finding's own data plus its ``code``, so a code
    action can tell steward's diagnostics apart without parsing the message.
    """
    rule = RULES.get(finding.code)
    description = types.CodeDescription(href=rule.doc_url) if rule else None
    related = [
        types.DiagnosticRelatedInformation(
            location=to_lsp_location(item.location, lines_of, uri_of, codec),
            message=item.message,
        )
        for item in finding.related
    ]

    return types.Diagnostic(
        range=to_range(finding.location.span, lines_of(finding.location.path), codec),
        message=finding.message,
        severity=types.DiagnosticSeverity(int(finding.effective_severity())),
        code=finding.code,
        code_description=description,
        source=SOURCE,
        related_information=related or None,
        data={**finding.data, "code": finding.code},
    )
