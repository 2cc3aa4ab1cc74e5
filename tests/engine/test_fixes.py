"""Quick-fix edits computed by the engine, with the formatting of the file kept."""

from __future__ import annotations

import ast
import shutil
from collections import Counter
from pathlib import Path

import pytest

from steward_lsp.engine.analysis import Workspace
from steward_lsp.engine.findings import Finding
from steward_lsp.engine.fixes import Fix, FixRequest, fix_for
from steward_lsp.engine.fixes.source import apply_edits
from steward_lsp.engine.schema import Location, Span

EXAMPLES = Path(__file__).parents[2] / "examples"
FIXED_CODES = {"STW201", "STW202", "STW301", "STW302", "STW304", "STW306"}
FIXED_CODES |= {"STW601", "STW602"}


def _finding(code: str, text: str, fragment: str, **data: object) -> Finding:
    """Return a finding of ``code`` that starts where ``fragment`` does."""
    for number, line in enumerate(text.splitlines()):
        if fragment in line:
            column = line.index(fragment)
            span = Span(number, column, number, len(line))
            return Finding(code, "message", Location(Path("f.py"), span), data=data)
    raise AssertionError(f"{fragment!r} is not in the text")


def _fixed(finding: Finding, text: str) -> tuple[Fix, str]:
    fix = fix_for(FixRequest(finding, text))
    assert fix is not None, f"no fix for {finding.code}"
    fixed = apply_edits(text, fix.edits)
    ast.parse(fixed)
    return fix, fixed


COLUMN_CASES = [
    pytest.param(
        "x: Mapped[str] = mapped_column(String(66))\n",
        "x: Mapped[str] = mapped_column(String(66), index=True)\n",
        id="one-line",
    ),
    pytest.param(
        "x = Column('x', String(66),)\n",
        "x = Column('x', String(66), index=True,)\n",
        id="trailing-comma-one-line",
    ),
    pytest.param(
        "x = db.Column(\n    db.String(66),\n    nullable=False,\n)\n",
        "x = db.Column(\n    db.String(66),\n    nullable=False,\n    index=True,\n)\n",
        id="exploded-trailing-comma",
    ),
    pytest.param(
        "x = sa.Column(\n    sa.String(66),\n    nullable=False\n)\n",
        "x = sa.Column(\n    sa.String(66),\n    nullable=False,\n    index=True\n)\n",
        id="exploded-no-trailing-comma",
    ),
    pytest.param(
        "x = Column(String(66),\n           nullable=False)\n",
        "x = Column(String(66),\n           nullable=False, index=True)\n",
        id="hanging",
    ),
    pytest.param(
        "x: Mapped[str] = mapped_column(index=False)\n",
        "x: Mapped[str] = mapped_column(index=True)\n",
        id="index-false-replaced",
    ),
    pytest.param(
        "x: str = Field(sa_column=Column(String(66)))\n",
        "x: str = Field(sa_column=Column(String(66), index=True))\n",
        id="sqlmodel-sa-column",
    ),
]


@pytest.mark.parametrize(("text", "expected"), COLUMN_CASES)
def test_index_true_layouts(text: str, expected: str) -> None:
    finding = _finding("STW201", text, "x", table="t", column="x")

    fix, fixed = _fixed(finding, text)

    assert fixed == expected
    assert fix.safe


MODEL_WITH_TABLE_ARGS = """\
class Receipt(Base):
    __tablename__ = 'receipts'
    __table_args__ = (
        Index('ix_receipts_issued_at', 'issued_at'),
        {'schema': 'ledger'},
    )

    receipt_tx_hash: Mapped[str] = mapped_column(String(66))
"""


def test_index_joins_table_args() -> None:
    finding = _finding(
        "STW201",
        MODEL_WITH_TABLE_ARGS,
        "receipt_tx_hash",
        table="ledger.receipts",
        column="receipt_tx_hash",
    )

    fix, fixed = _fixed(finding, MODEL_WITH_TABLE_ARGS)

    assert "        Index('ix_receipts_receipt_tx_hash', 'receipt_tx_hash'),\n" in fixed
    assert fixed.index("receipt_tx_hash'),") < fixed.index("{'schema'")
    assert "index=True" not in fixed
    assert fix.title == "Add Index(receipt_tx_hash) to __table_args__"


def test_index_true_when_class_mixes_styles() -> None:
    text = (
        MODEL_WITH_TABLE_ARGS + "    other: Mapped[str] = mapped_column(index=True)\n"
    )
    finding = _finding(
        "STW201", text, "receipt_tx_hash", table="receipts", column="receipt_tx_hash"
    )

    _, fixed = _fixed(finding, text)

    assert "mapped_column(String(66), index=True)" in fixed


PII_CASES = [
    pytest.param(
        "STW601",
        "email: Mapped[str] = mapped_column(String(320))\n",
        'email: Mapped[str] = mapped_column(String(320), info={"pii": "email", '
        '"retention": "P7Y"})\n',
        id="no-info-double-quotes",
    ),
    pytest.param(
        "STW601",
        "email = Column(String(320), info={'owner': 'crm'})\nx = 'a'\n",
        "email = Column(String(320), info={'owner': 'crm', 'pii': 'email', "
        "'retention': 'P7Y'})\nx = 'a'\n",
        id="merge-single-quotes",
    ),
    pytest.param(
        "STW602",
        "email = mapped_column(\n    String(320),\n    info={\n"
        '        "pii": "email",\n    },\n)\n',
        "email = mapped_column(\n    String(320),\n    info={\n"
        '        "pii": "email",\n        "retention": "P7Y",\n    },\n)\n',
        id="exploded-info-dict",
    ),
]


@pytest.mark.parametrize(("code", "text", "expected"), PII_CASES)
def test_pii_info_layouts(code: str, text: str, expected: str) -> None:
    finding = _finding(code, text, "email", table="t", column="email", pii="email")

    fix, fixed = _fixed(finding, text)

    assert fixed == expected
    assert not fix.safe
    assert "check" in fix.title


def test_pii_skips_info_variable() -> None:
    text = "email = Column(String(320), info=EMAIL_INFO)\n"
    finding = _finding("STW601", text, "email", table="t", column="email", pii="email")

    assert fix_for(FixRequest(finding, text)) is None


REVISION = '''\
"""add flag"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.add_column("t", sa.Column("flag", sa.Boolean(), nullable=False))  # note
    op.create_index("ix_t_code", "t", ["code"])
'''


def test_server_default_from_type() -> None:
    finding = _finding(
        "STW304",
        REVISION,
        "op.add_column",
        table="t",
        column="flag",
        server_default="sa.false()",
    )

    fix, fixed = _fixed(finding, REVISION)

    assert (
        '    op.add_column("t", sa.Column("flag", sa.Boolean(), nullable=False, '
        "server_default=sa.false()))  # note\n"
    ) in fixed
    assert not fix.safe


def test_server_default_string_in_file_quotes() -> None:
    text = REVISION.replace("sa.Boolean()", "sa.String(8)").replace('"', "'")
    finding = _finding(
        "STW304",
        text,
        "op.add_column",
        table="t",
        column="flag",
        server_default='""',
    )

    _, fixed = _fixed(finding, text)

    assert "nullable=False, server_default='')" in fixed


def test_concurrently_wraps_in_block() -> None:
    finding = _finding("STW306", REVISION, "op.create_index", operation="create_index")

    fix, fixed = _fixed(finding, REVISION)

    assert fixed.endswith(
        "    with op.get_context().autocommit_block():\n"
        '        op.create_index("ix_t_code", "t", ["code"], '
        "postgresql_concurrently=True)\n"
    )
    assert fix.safe


def test_concurrently_inside_existing_block() -> None:
    text = REVISION.replace(
        '    op.create_index("ix_t_code", "t", ["code"])\n',
        "    with op.get_context().autocommit_block():\n"
        '        op.create_index(\n            "ix_t_code",\n            "t",\n'
        '            ["code"],\n        )\n',
    )
    finding = _finding("STW306", text, "op.create_index", operation="create_index")

    _, fixed = _fixed(finding, text)

    assert fixed.count("autocommit_block") == 1
    assert '            ["code"],\n            postgresql_concurrently=True,\n' in fixed


def test_downgrade_added_after_upgrade() -> None:
    finding = _finding("STW301", REVISION, 'revision = "0002"')

    fix, fixed = _fixed(finding, REVISION)

    assert fixed.endswith(
        "\n\n\ndef downgrade() -> None:\n"
        '    op.drop_index("ix_t_code", table_name="t")\n'
        '    op.drop_column("t", "flag")\n'
    )
    assert fix.safe


def test_downgrade_pass_replaced() -> None:
    text = REVISION + "\n\ndef downgrade():\n    '''Undo.'''\n    pass\n"
    finding = _finding("STW301", text, "def downgrade")

    _, fixed = _fixed(finding, text)

    assert fixed.endswith(
        "def downgrade():\n    '''Undo.'''\n"
        '    op.drop_index("ix_t_code", table_name="t")\n'
        '    op.drop_column("t", "flag")\n'
    )


def test_downgrade_skipped_for_raw_sql() -> None:
    text = REVISION + '    op.execute("UPDATE t SET flag = true")\n'
    finding = _finding("STW301", text, 'revision = "0002"')

    assert fix_for(FixRequest(finding, text)) is None


def test_missing_inverse_goes_before_earlier_ones() -> None:
    text = REVISION + '\n\ndef downgrade() -> None:\n    op.drop_column("t", "flag")\n'
    finding = _finding("STW302", text, "op.create_index")

    _, fixed = _fixed(finding, text)

    assert fixed.endswith(
        '    op.drop_index("ix_t_code", table_name="t")\n'
        '    op.drop_column("t", "flag")\n'
    )


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(EXAMPLES / name, target)
    return target


def _counts(findings: list[Finding]) -> Counter[tuple[str, Path]]:
    return Counter((f.code, f.location.path) for f in findings if f.code in FIXED_CODES)


def test_defects_fixed_in_engine(tmp_path: Path) -> None:
    root = _copy("defects", tmp_path)
    result = Workspace(root).analyze()
    fixed: Counter[tuple[str, Path]] = Counter()
    for environment in result.environments:
        by_file: dict[Path, list[Finding]] = {}
        for finding in environment.findings:
            if finding.code in FIXED_CODES:
                by_file.setdefault(finding.location.path, []).append(finding)
        for path, findings in by_file.items():
            text = path.read_text(encoding="utf-8")
            # From the end of the file up, so earlier positions stay valid.
            for finding in sorted(findings, key=Finding.sort_key, reverse=True):
                fix = fix_for(FixRequest(finding, text, environment))
                if fix is None:
                    continue
                text = apply_edits(text, fix.edits)
                fixed[(finding.code, path)] += 1
            path.write_text(text, encoding="utf-8")

    left = _counts(Workspace(root).analyze().all_findings())

    assert {code for code, _ in fixed} == FIXED_CODES
    assert left == _counts(result.all_findings()) - fixed


def test_composite_foreign_key_index() -> None:
    text = (
        "class Entry(Base):\n"
        '    __tablename__ = "entries"\n'
        "    __table_args__ = (\n"
        '        ForeignKeyConstraint(["doc_id", "rev"], ["docs.id", "docs.rev"]),\n'
        '        Index("ix_entries_created_at", "created_at"),\n'
        "    )\n"
    )
    finding = _finding(
        "STW202",
        text,
        "ForeignKeyConstraint",
        table="entries",
        columns=["doc_id", "rev"],
    )

    fix, fixed = _fixed(finding, text)

    assert '        Index("ix_entries_doc_id_rev", "doc_id", "rev"),\n    )\n' in fixed
    assert fix.safe


def test_crlf_line_ends_kept() -> None:
    text = REVISION.replace("\n", "\r\n")
    finding = _finding("STW306", text, "op.create_index", operation="create_index")

    _, fixed = _fixed(finding, text)

    assert "autocommit_block():\r\n        op.create_index(" in fixed
    assert "\n" not in fixed.replace("\r\n", "")


def test_non_ascii_columns_counted_in_code_points() -> None:
    text = "größe_tx_hash: Mapped[str] = mapped_column(String(66))  # ümlaut 🙂\n"
    finding = _finding("STW201", text, "größe", table="t", column="größe_tx_hash")

    _, fixed = _fixed(finding, text)

    assert fixed == (
        "größe_tx_hash: Mapped[str] = mapped_column(String(66), index=True)"
        "  # ümlaut 🙂\n"
    )


def test_server_default_from_model(tmp_path: Path) -> None:
    root = _copy("defects", tmp_path)
    models = root / "notary_defects" / "models.py"
    models.write_text(
        models.read_text(encoding="utf-8").replace(
            "verified: Mapped[bool] = mapped_column(Boolean)",
            'verified: Mapped[bool] = mapped_column(Boolean, server_default="1")',
        ),
        encoding="utf-8",
    )
    result = Workspace(root).analyze()
    environment = next(
        e for e in result.environments if any(f.code == "STW304" for f in e.findings)
    )
    finding = next(f for f in environment.findings if f.code == "STW304")
    text = finding.location.path.read_text(encoding="utf-8")

    fix = fix_for(FixRequest(finding, text, environment))

    assert fix is not None
    assert "server_default=sa.text(\"'1'\"))" in apply_edits(text, fix.edits)


def test_downgrade_skipped_for_dialect_guard() -> None:
    text = REVISION.replace(
        '    op.create_index("ix_t_code", "t", ["code"])\n',
        '    if op.get_bind().dialect.name == "postgresql":\n'
        '        op.create_index("ix_t_code", "t", ["code"])\n',
    )
    finding = _finding("STW301", text, 'revision = "0002"')

    assert fix_for(FixRequest(finding, text)) is None
