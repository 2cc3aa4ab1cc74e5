"""Apply every safe fix of one file at once, for "fix all" and fix-on-save.

Fixes are computed one after another, each on the text the fixes before it
produced, with its finding's span moved along. So two fixes that insert at
the same point see each other. The second ``index=True`` of a column finds
the first and changes nothing. A second ``Index(...)`` joins the first in
``__table_args__``. A second missing inverse goes where the first one's
presence puts it in downgrade(). The edits returned turn the original text
into the final one and never touch each other, so a client applies them
without having to order inserts at one position.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.fixes.registry import Fix, FixRequest, TextEdit
from steward_lsp.engine.fixes.source import apply_edits
from steward_lsp.engine.schema import Span

logger = logging.getLogger(__name__)

# Lines end as Python ends them (and as engine spans count them).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_LINE_END = re.compile(r"\r\n|\r|\n")

Position = tuple[int, int]


@dataclass
class FixAllResult:
    """The edits of the original text, and the findings they fix or leave out.

    ``left_out`` contains findings whose fix overlaps an earlier fix's edit or
    would break the file's syntax when combined; the next "fix all" applies
    them.
    """

    edits: list[TextEdit] = field(default_factory=list)
    applied: list[Finding] = field(default_factory=list)
    left_out: list[Finding] = field(default_factory=list)


def combine_fixes(
    text: str,
    requests: Sequence[FixRequest],
    compute: Callable[[FixRequest], Fix | None],
) -> FixAllResult:
    """Return the combined edits of the safe fixes of ``requests`` on ``text``.

    ``compute`` returns the fix of one request (the registry's ``fix_for``,
    or a wrapper that logs its errors). Findings are fixed in the order of
    :meth:`Finding.sort_key`, which makes the order of inserts at one point
    stable.
    """
    result = FixAllResult()
    current = text
    applied_edits: list[TextEdit] = []
    for request in sorted(requests, key=lambda r: r.finding.sort_key()):
        finding = request.finding
        span = _move_span(finding.location.span, applied_edits)
        if span is None:
            logger.debug(
                "fix all left out %s: an earlier fix replaced it", finding.code
            )
            result.left_out.append(finding)
            continue
        moved = replace(finding, location=replace(finding.location, span=span))
        fix = compute(replace(request, finding=moved, text=current))
        if fix is None or not fix.safe:
            continue

        fixed = apply_edits(current, fix.edits)
        if fixed != current and not _compiles(fixed):
            logger.debug("fix all left out %s: it breaks the syntax", fix.title)
            result.left_out.append(finding)
            continue
        result.applied.append(finding)
        if fixed == current:
            continue
        # Edits of one fix apply together; mapping through them from the
        # last to the first leaves each earlier position valid.
        applied_edits.extend(sorted(fix.edits, key=lambda e: e.span, reverse=True))
        current = fixed
    result.edits = diff_edits(text, current)
    return result


def _compiles(text: str) -> bool:
    """Tell whether ``text`` compiles; compiling also rejects a repeated keyword."""
    try:
        compile(text, "<fix all>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _move_span(span: Span, edits: Sequence[TextEdit]) -> Span | None:
    """Return ``span`` moved through ``edits`` applied in order, or None.

    None means an edit replaced text inside the span's start or end.
    """
    start: Position | None = (span.start_line, span.start_col)
    end: Position | None = (span.end_line, span.end_col)
    empty = start == end
    for edit in edits:
        if start is None or end is None:
            return None
        start = _move_position(start, edit, is_end=False)
        end = start if empty else _move_position(end, edit, is_end=True)
    if start is None or end is None:
        return None
    return Span(start[0], start[1], end[0], end[1])


def _move_position(position: Position, edit: TextEdit, is_end: bool) -> Position | None:
    """Return where ``position`` is after ``edit``; None inside replaced text.

    At an insertion point a start moves after the inserted text and an end
    stays before it, so a span never grows to cover text inserted beside it.
    """
    edit_start = (edit.span.start_line, edit.span.start_col)
    edit_end = (edit.span.end_line, edit.span.end_col)
    if position < edit_start or (position == edit_start and is_end):
        return position
    if edit_start < position < edit_end or (
        position == edit_start and edit_start != edit_end
    ):
        return None

    breaks = _LINE_END.findall(edit.new_text)
    if breaks:
        last_line = _LINE_END.split(edit.new_text)[-1]
        new_end = (edit_start[0] + len(breaks), len(last_line))
    else:
        new_end = (edit_start[0], edit_start[1] + len(edit.new_text))
    if position[0] == edit_end[0]:
        return (new_end[0], new_end[1] + position[1] - edit_end[1])
    return (position[0] + new_end[0] - edit_end[0], position[1])


def diff_edits(old: str, new: str) -> list[TextEdit]:
    """Return edits of ``old`` that make ``new``, one per changed block of lines.

    Each edit keeps only what changed inside its block (the common head and
    tail are left out), and the blocks are separated by unchanged lines.
    """
    old_lines = _LINE.findall(old)
    new_lines = _LINE.findall(new)
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    edits: list[TextEdit] = []
    for tag, old_first, old_last, new_first, new_last in matcher.get_opcodes():
        if tag == "equal":
            continue
        if old_last - old_first == new_last - new_first:
            # As many lines changed as there were: one edit per line.
            for offset in range(old_last - old_first):
                edits.append(
                    _block_edit(
                        old_lines, old_first + offset, 1, new_lines[new_first + offset]
                    )
                )
            continue
        after = "".join(new_lines[new_first:new_last])
        edits.append(_block_edit(old_lines, old_first, old_last - old_first, after))
    return edits


def _block_edit(lines: Sequence[str], first: int, count: int, after: str) -> TextEdit:
    """Return the edit that turns ``count`` lines from ``first`` into ``after``."""
    before = "".join(lines[first : first + count])
    head = _common_head(before, after)
    tail = _common_head(before[head:][::-1], after[head:][::-1])
    start = _position(lines, first, head)
    end = _position(lines, first, len(before) - tail)
    return TextEdit(Span(*start, *end), after[head : len(after) - tail])


def _common_head(first: str, second: str) -> int:
    length = 0
    for one, other in zip(first, second, strict=False):
        if one != other:
            break
        length += 1
    return length


def _position(lines: Sequence[str], line: int, offset: int) -> Position:
    """Return the (line, column) ``offset`` characters after the start of ``line``."""
    while line < len(lines) and offset >= len(lines[line]):
        ending = _LINE_END.search(lines[line])
        if ending is None:
            # The last line has no line end; the offset is at its end.
            return (line, offset)
        offset -= len(lines[line])
        line += 1
    return (line, offset)
