"""Suppression of findings by inline comments and settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_builders import ROOT, at

from steward_lsp.engine.config import Settings
from steward_lsp.engine.findings import Finding
from steward_lsp.engine.rules import apply_ignores

REVISION = ROOT / "migrations" / "versions" / "a1_add.py"
MODELS = ROOT / "app" / "models.py"

SOURCE = "\n".join(
    [
        "def downgrade():  # steward: ignore[STW301]",
        "    op.drop_column('t', 'c')  # steward: ignore[STW302, STW303]",
        "    op.execute('x')  # steward: ignore",
        "    op.drop_table('t')",
        "    op.drop_table('u')  # noqa # Steward: Ignore[stw3]",
    ]
)


def finding(code: str, line: int, path: Path = REVISION) -> Finding:
    return Finding(code, "message", at(line, path))


def kept(findings, settings=None, sources=None):
    remaining = apply_ignores(
        findings,
        sources if sources is not None else {REVISION: SOURCE},
        settings or Settings(),
        ROOT,
    )
    return [(f.code, f.location.span.start_line) for f in remaining]


@pytest.mark.parametrize(
    "code, line, expected",
    [
        pytest.param("STW301", 0, [], id="listed-code"),
        pytest.param("STW302", 0, [("STW302", 0)], id="other-code-kept"),
        pytest.param("STW303", 1, [], id="second-of-list"),
        pytest.param("STW305", 2, [], id="bare-ignore"),
        pytest.param("STW303", 3, [("STW303", 3)], id="no-comment"),
        pytest.param("STW303", 4, [], id="prefix-any-case"),
    ],
)
def test_inline_comment(code, line, expected):
    assert kept([finding(code, line)]) == expected


CONTINUED = "\n".join(
    [
        "def upgrade():",
        "    op.add_column('t', \\",
        "        sa.Column('c', sa.Integer()))  # steward: ignore[STW304]",
        '    op.execute("""  ',
        "        DELETE FROM t",
        '    """)  # steward: ignore[STW305]',
    ]
)


@pytest.mark.parametrize(
    "code, line",
    [
        pytest.param("STW304", 1, id="backslash"),
        pytest.param("STW305", 3, id="triple-quoted"),
    ],
)
def test_comment_where_statement_continues(code, line):
    assert kept([finding(code, line)], sources={REVISION: CONTINUED}) == []


def test_continued_comment_is_not_for_other_codes():
    remaining = kept([finding("STW303", 1)], sources={REVISION: CONTINUED})

    assert remaining == [("STW303", 1)]


def test_inline_comment_needs_source():
    assert kept([finding("STW301", 0)], sources={}) == [("STW301", 0)]


def test_settings_ignore_by_code_and_prefix():
    findings = [finding("STW301", 3), finding("STW201", 3), finding("STW601", 3)]
    settings = Settings(ignore=["STW2", "STW601"])
    assert kept(findings, settings) == [("STW301", 3)]


def test_settings_select():
    findings = [finding("STW301", 3), finding("STW201", 3)]
    assert kept(findings, Settings(select=["STW3"])) == [("STW301", 3)]


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param("migrations/versions/*.py", id="glob"),
        pytest.param("migrations/", id="folder"),
        pytest.param("**/a1_add.py", id="double-star"),
    ],
)
def test_per_file_ignores(pattern):
    findings = [finding("STW303", 3), finding("STW601", 3, MODELS)]
    settings = Settings(per_file_ignores={pattern: ["STW3"]})
    remaining = apply_ignores(findings, {}, settings, ROOT)
    assert [f.code for f in remaining] == ["STW601"]


def test_per_file_ignores_other_file_kept():
    settings = Settings(per_file_ignores={"app/*.py": ["STW3"]})
    assert kept([finding("STW303", 3)], settings) == [("STW303", 3)]
