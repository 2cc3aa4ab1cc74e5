"""The code action every finding has: ``# steward: ignore[CODE]`` on its line."""

from __future__ import annotations

import re

from lsprotocol import types

from steward_lsp.engine.comment_lines import comment_line, continued_lines, may_continue
from steward_lsp.engine.schema import Span
from steward_lsp.server.code_actions import ActionRequest, provider
from steward_lsp.server.convert import split_lines, to_range

IGNORE_COMMENT = re.compile(
    r"#\s*steward:\s*ignore\[(?P<codes>[^\]]*)\]", re.IGNORECASE
)
"""An ignore comment as the engine reads it; ``codes`` is a comma-separated list."""


@provider()
def ignore_on_line(request: ActionRequest) -> list[types.CodeAction]:
    """Offer to ignore the finding's code on the finding's first line.

    An existing ``# steward: ignore[...]`` on the line gets the code added to
    its list; otherwise the comment is appended at the end of the line. A
    line that ends inside a triple-quoted string or continues with a
    backslash gets the comment where the string or continuation ends.
    """
    document = request.document
    lines = split_lines(document.source)
    line_number = request.diagnostic.range.start.line
    if line_number >= len(lines):
        return []

    if may_continue(lines[line_number]):
        line_number = comment_line(line_number, continued_lines(document.source))
    if line_number >= len(lines):
        return []
    line = lines[line_number].rstrip("\r\n")
    match = IGNORE_COMMENT.search(line)
    if match is None:
        start = end = len(line)
        new_text = f"  # steward: ignore[{request.code}]"
    else:
        codes = [code.strip() for code in match["codes"].split(",") if code.strip()]
        if request.code.upper() in {code.upper() for code in codes}:
            return []
        start, end = match.span("codes")
        new_text = ", ".join([*codes, request.code])

    span = Span(line_number, start, line_number, end)
    edit = types.TextEdit(
        range=to_range(span, lines, document.position_codec), new_text=new_text
    )
    return [
        types.CodeAction(
            title=f"Ignore {request.code} on this line",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[request.diagnostic],
            edit=types.WorkspaceEdit(changes={document.uri: [edit]}),
        )
    ]
