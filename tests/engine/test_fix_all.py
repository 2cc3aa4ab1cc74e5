"""Fix all: safe fixes combined on one text, and the edits that rebuild it."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.fixes import Fix, FixRequest, TextEdit, fix_for
from steward_lsp.engine.fixes.fix_all import combine_fixes, diff_edits
from steward_lsp.engine.fixes.source import apply_edits
from steward_lsp.engine.schema import Location, Span


def _finding(
    code: str, line: int, column: int = 0, data: dict[str, object] | None = None
) -> Finding:
    span = Span(line, column, line, column + 1)
    location = Location(Path("models.py"), span)
    return Finding(code, "message", location, data=data or {})


def _append_to_first_line(request: FixRequest) -> Fix:
    """Insert ``  # CODE`` at the end of the first line of the request's text."""
    end = len(request.text.split("\n", 1)[0])
    edit = TextEdit(Span(0, end, 0, end), f"  # {request.finding.code}")
    return Fix(f"mark {request.finding.code}", (edit,), safe=True)


def _replace_first_line(request: FixRequest) -> Fix:
    """Replace the whole first line of the request's text."""
    end = len(request.text.split("\n", 1)[0])
    edit = TextEdit(Span(0, 0, 0, end), "replaced = 1")
    return Fix(f"replace for {request.finding.code}", (edit,), safe=True)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("a = 1\nb = 2\n", "a = 1\nb = 2  # x\n"),
        ("a = 1\nb = 2\n", "a = 1\nc = 3\nb = 2\n"),
        ("a = 1\nb = 2\nc = 3\n", "a = 1\nc = 3\n"),
        ("a = 1\nb = 2", "a = 1\nb = 2\nc = 3\n"),
        ("a = 1\r\nb = 2\r\n", "a = 1\r\nb = f(2)\r\n"),
        ("x\n\n\ny\n", "x\n\nz\n\ny\n"),
    ],
)
def test_diff_edits_rebuild_text(old: str, new: str) -> None:
    edits = diff_edits(old, new)

    assert apply_edits(old, edits) == new
    ends = [(e.span.end_line, e.span.end_col) for e in edits]
    starts = [(e.span.start_line, e.span.start_col) for e in edits]
    assert all(end < start for end, start in zip(ends, starts[1:], strict=False))


def test_same_point_inserts_in_finding_order() -> None:
    text = "a = 1\nb = 2\n"
    later, earlier = _finding("STW002", 1), _finding("STW001", 0)
    requests = [FixRequest(later, text), FixRequest(earlier, text)]

    result = combine_fixes(text, requests, _append_to_first_line)

    assert apply_edits(text, result.edits) == "a = 1  # STW001  # STW002\nb = 2\n"
    assert result.applied == [earlier, later]
    assert result.left_out == []


def test_rewritten_finding_is_left_out() -> None:
    text = "a = 1\nb = 2\n"
    first, inside = _finding("STW001", 0), _finding("STW002", 0, column=2)
    requests = [FixRequest(first, text), FixRequest(inside, text)]

    result = combine_fixes(text, requests, _replace_first_line)

    assert apply_edits(text, result.edits) == "replaced = 1\nb = 2\n"
    assert result.applied == [first]
    assert result.left_out == [inside]


def test_two_fixes_one_keyword() -> None:
    text = "class Receipt(Base):\n    anchor_id = mapped_column()\n"
    data = {"table": "receipts", "column": "anchor_id"}
    requests = [
        FixRequest(_finding(code, 1, 4, data), text) for code in ("STW202", "STW201")
    ]

    result = combine_fixes(text, requests, fix_for)

    fixed = apply_edits(text, result.edits)
    assert fixed == "class Receipt(Base):\n    anchor_id = mapped_column(index=True)\n"
    assert [finding.code for finding in result.applied] == ["STW201", "STW202"]
    assert result.left_out == []


def test_combination_that_breaks_syntax_left_out() -> None:
    text = "x = f()\n"

    def insert_keyword(request: FixRequest) -> Fix:
        # Two keywords inserted at one point without a comma do not parse.
        edit = TextEdit(Span(0, 6, 0, 6), f"{request.finding.code.lower()}=1")
        return Fix("insert", (edit,), safe=True)

    first, second = _finding("STW001", 0), _finding("STW002", 0, column=1)
    result = combine_fixes(
        text, [FixRequest(first, text), FixRequest(second, text)], insert_keyword
    )

    assert apply_edits(text, result.edits) == "x = f(stw001=1)\n"
    assert result.left_out == [second]
