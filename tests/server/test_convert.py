"""Conversion of findings to diagnostics, in process."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from steward_lsp.engine.findings import Finding, RelatedLocation, Severity
from steward_lsp.engine.rules_catalogue import RULES
from steward_lsp.engine.schema import Location, Span
from steward_lsp.server import convert

LINE = 'x = "é😀"; tx_hash = 1\n'
START = LINE.index("tx_hash")


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        pytest.param(types.PositionEncodingKind.Utf16, START + 1, id="utf-16"),
        pytest.param(types.PositionEncodingKind.Utf8, START + 4, id="utf-8"),
        pytest.param(types.PositionEncodingKind.Utf32, START, id="utf-32"),
    ],
)
def test_position_counts_client_units(
    encoding: types.PositionEncodingKind, expected: int
) -> None:
    codec = PositionCodec(encoding)

    position = convert.to_position(0, START, [LINE], codec)

    assert position == types.Position(line=0, character=expected)


def test_position_without_text_passes_through() -> None:
    codec = PositionCodec(types.PositionEncodingKind.Utf16)

    assert convert.to_position(3, 7, None, codec) == types.Position(3, 7)
    assert convert.to_position(3, 7, [LINE], codec) == types.Position(3, 7)


def test_split_lines_counts_like_python() -> None:
    text = "a = 1\x0c\nb = '\u2028'\r\nc = 2\rd"

    lines = convert.split_lines(text)

    assert lines == ["a = 1\x0c\n", "b = '\u2028'\r\n", "c = 2\r", "d"]


def test_diagnostic_carries_rule_fields(tmp_path: Path) -> None:
    model = tmp_path / "models.py"
    revision = tmp_path / "0001.py"
    texts = {model: [LINE], revision: ["op.create_table('😀')\n"]}
    finding = Finding(
        "STW201",
        "tx_hash is not indexed",
        Location(model, Span(0, START, 0, START + 7)),
        related=[
            RelatedLocation(Location(revision, Span(0, 18, 0, 19)), "created here")
        ],
        data={"table": "anchors"},
    )
    codec = PositionCodec(types.PositionEncodingKind.Utf16)

    diagnostic = convert.to_diagnostic(finding, texts.get, convert.path_uri, codec)

    assert diagnostic.code == "STW201"
    assert diagnostic.source == "steward"
    assert diagnostic.code_description == types.CodeDescription(
        href=RULES["STW201"].doc_url
    )
    assert diagnostic.severity == types.DiagnosticSeverity(
        int(RULES["STW201"].severity)
    )
    assert diagnostic.data == {"table": "anchors", "code": "STW201"}
    assert diagnostic.range.start.character == START + 1
    assert diagnostic.related_information is not None
    related = diagnostic.related_information[0]
    assert related.location.uri == convert.path_uri(revision)
    assert related.location.range.start.character == 19
    assert related.message == "created here"


def test_diagnostic_severity_override(tmp_path: Path) -> None:
    finding = Finding(
        "STW001",
        "cannot decode",
        Location(tmp_path / "a.py", Span(0, 0, 0, 0)),
        severity=Severity.HINT,
    )
    codec = PositionCodec(types.PositionEncodingKind.Utf16)

    diagnostic = convert.to_diagnostic(
        finding, lambda path: None, convert.path_uri, codec
    )

    assert diagnostic.severity == types.DiagnosticSeverity.Hint
    assert diagnostic.related_information is None
