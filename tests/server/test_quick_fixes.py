"""Quick fixes and "fix all" end to end: request, apply, see the finding go."""

from __future__ import annotations

import ast
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from lsp_session import (
    RecordingClient,
    apply_edit,
    change_document,
    copy_workspace,
    initialize,
    line_of,
    open_document,
    uri,
    wait_for_diagnostics,
)
from lsprotocol import types

EXAMPLES = Path(__file__).parents[2] / "examples"
FIX_ALL = "source.fixAll.steward"
MODELS = Path("notary_defects/models.py")
VERSIONS = Path("migrations/versions")

FIX_CASES = [
    pytest.param(
        MODELS,
        "STW201",
        "anchor_id: Mapped",
        "Add index=True to anchor_id",
        "mapped_column(String(66), index=True)",
        id="STW201-index",
    ),
    pytest.param(
        MODELS,
        "STW202",
        "receipt_id: Mapped",
        "Add index=True to receipt_id",
        'mapped_column(ForeignKey("receipts.id"), index=True)',
        id="STW202-index",
    ),
    pytest.param(
        MODELS,
        "STW601",
        "email: Mapped",
        'Classify email as PII "email", retention P7Y (check the retention)',
        'info={"pii": "email", "retention": "P7Y"}',
        id="STW601-info",
    ),
    pytest.param(
        MODELS,
        "STW602",
        "phone: Mapped",
        "Add retention P7Y to phone (check it)",
        'info={"pii": "phone", "retention": "P7Y"}',
        id="STW602-retention",
    ),
    pytest.param(
        VERSIONS / "ee0e158cc884_add_document_pages.py",
        "STW301",
        "def downgrade",
        "Write downgrade() that undoes upgrade()",
        '    """Downgrade schema."""\n    op.drop_column(\'documents\', \'pages\')\n',
        id="STW301-downgrade",
    ),
    pytest.param(
        VERSIONS / "503bc8fc7529_index_anchor_chains.py",
        "STW302",
        "op.create_index",
        "Add op.drop_index('ix_anchors_chain_id', table_name='anchors') to downgrade()",
        "    op.drop_column('anchors', 'memo')\n"
        "    op.drop_index('ix_anchors_chain_id', table_name='anchors')\n",
        id="STW302-inverse",
    ),
    pytest.param(
        VERSIONS / "07289875daf2_add_account_verified.py",
        "STW304",
        "op.add_column",
        "Add server_default=sa.false() to accounts.verified (check the value)",
        "nullable=False, server_default=sa.false()))",
        id="STW304-server-default",
    ),
    pytest.param(
        Path("postgres") / VERSIONS / "5c5182ac705d_index_evidence_tx_hash.py",
        "STW306",
        "op.create_index",
        "Build the index with postgresql_concurrently=True in an autocommit block",
        "    with op.get_context().autocommit_block():\n"
        "        op.create_index('ix_evidence_tx_hash', 'evidence', ['tx_hash'], "
        "unique=False, postgresql_concurrently=True)",
        id="STW306-concurrently",
    ),
]


def _copy_example(name: str, destination: Path) -> Path:
    target = destination / name
    shutil.copytree(EXAMPLES / name, target)
    return target.resolve()


def _count(found: Sequence[types.Diagnostic], code: str) -> int:
    return sum(1 for d in found if d.code == code)


async def _code_actions(
    client: RecordingClient,
    path: Path,
    diagnostics: list[types.Diagnostic],
    kind: types.CodeActionKind | str,
) -> list[types.CodeAction]:
    zero = types.Position(line=0, character=0)
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(path)),
            range=diagnostics[0].range if diagnostics else types.Range(zero, zero),
            context=types.CodeActionContext(diagnostics=diagnostics, only=[kind]),
        )
    )
    assert result is not None
    return [action for action in result if isinstance(action, types.CodeAction)]


def _text_edits(action: types.CodeAction, path: Path) -> list[types.TextEdit]:
    """Return the action's edits of ``path``, in either WorkspaceEdit form."""
    assert action.edit is not None
    if action.edit.changes is not None:
        return list(action.edit.changes[uri(path)])
    assert action.edit.document_changes is not None
    edits: list[types.TextEdit] = []
    for change in action.edit.document_changes:
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.uri == uri(path)
        assert change.text_document.version == 1
        edits.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    return edits


async def _diagnostic_on(
    client: RecordingClient, path: Path, code: str, line: int
) -> tuple[types.Diagnostic, int]:
    found = await wait_for_diagnostics(
        client,
        path,
        lambda ds: any(d.code == code and d.range.start.line == line for d in ds),
        code,
    )
    diagnostic = next(d for d in found if d.code == code and d.range.start.line == line)
    return diagnostic, _count(found, code)


@pytest.mark.parametrize(
    ("relative", "code", "fragment", "title", "expected"), FIX_CASES
)
async def test_quick_fix_removes_diagnostic(
    client: RecordingClient,
    spec: str,
    tmp_path: Path,
    relative: Path,
    code: str,
    fragment: str,
    title: str,
    expected: str,
) -> None:
    root = _copy_example("defects", tmp_path)
    path = root / relative
    text = path.read_text(encoding="utf-8")
    await initialize(client, spec, root)
    open_document(client, path)
    diagnostic, before = await _diagnostic_on(
        client, path, code, line_of(text, fragment)
    )

    actions = await _code_actions(
        client, path, [diagnostic], types.CodeActionKind.QuickFix
    )
    matching = [a for a in actions if a.title == title]
    assert len(matching) == 1, f"code actions offered: {[a.title for a in actions]}"
    action = matching[0]
    edited = apply_edit(text, _text_edits(action, path))
    change_document(client, path, 2, edited)

    assert expected in edited
    assert list(action.diagnostics or []) == [diagnostic]
    ast.parse(edited)
    await wait_for_diagnostics(
        client, path, lambda ds: _count(ds, code) == before - 1, f"{code} fixed"
    )


async def test_fix_all_applies_safe_fixes(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = _copy_example("defects", tmp_path)
    path = root / MODELS
    text = path.read_text(encoding="utf-8")
    await initialize(client, spec, root)
    open_document(client, path)
    await wait_for_diagnostics(
        client, path, lambda ds: _count(ds, "STW201") == 1, "STW201"
    )

    actions = await _code_actions(client, path, [], FIX_ALL)
    assert [a.kind for a in actions] == [FIX_ALL]
    edited = apply_edit(text, _text_edits(actions[0], path))
    change_document(client, path, 2, edited)

    assert "mapped_column(String(66), index=True)" in edited
    assert 'mapped_column(ForeignKey("receipts.id"), index=True)' in edited
    assert '"retention"' not in edited
    ast.parse(edited)
    found = await wait_for_diagnostics(
        client, path, lambda ds: _count(ds, "STW201") == 0, "STW201 fixed"
    )
    assert _count(found, "STW202") == 0
    assert _count(found, "STW601") == 1


async def test_fix_all_only_when_requested(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = _copy_example("defects", tmp_path)
    path = root / MODELS
    await initialize(client, spec, root)
    open_document(client, path)
    found = await wait_for_diagnostics(
        client, path, lambda ds: _count(ds, "STW201") == 1, "STW201"
    )
    diagnostic = next(d for d in found if d.code == "STW201")

    actions = await _code_actions(
        client, path, [diagnostic], types.CodeActionKind.QuickFix
    )

    assert FIX_ALL not in [a.kind for a in actions]


def _alembic(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alembic", *arguments],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _tables(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        return {name for (name,) in rows}


async def test_written_downgrade_runs_on_sqlite(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    path = root / "migrations/versions/0002_create_anchors.py"
    text = path.read_text(encoding="utf-8")
    await initialize(client, spec, root)
    open_document(client, path)
    diagnostic, _ = await _diagnostic_on(
        client, path, "STW301", line_of(text, "def downgrade")
    )
    actions = await _code_actions(client, path, [], FIX_ALL)
    assert len(actions) == 1
    edited = apply_edit(text, _text_edits(actions[0], path))
    path.write_text(edited, encoding="utf-8")
    change_document(client, path, 2, edited)
    await wait_for_diagnostics(
        client, path, lambda ds: _count(ds, "STW301") == 0, "STW301 fixed"
    )

    upgrade = _alembic(root, "upgrade", "head")
    assert upgrade.returncode == 0, upgrade.stderr
    assert "anchors" in _tables(root / "notary.sqlite3")
    downgrade = _alembic(root, "downgrade", "0001")
    assert downgrade.returncode == 0, downgrade.stderr
    assert "anchors" not in _tables(root / "notary.sqlite3")
    assert '    op.drop_table("anchors")\n' in edited
    assert diagnostic.code == "STW301"


TWO_MISSING_INVERSES = '''"""add document memo

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("memo", sa.Text(), nullable=True))
    op.create_index("ix_documents_title", "documents", ["title"])
    op.create_index("ix_documents_legacy_code", "documents", ["legacy_code"])


def downgrade() -> None:
    op.drop_column("documents", "memo")
'''


async def test_fix_all_inverses_at_one_point(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    path = root / "migrations/versions/0003_document_memo.py"
    path.write_text(TWO_MISSING_INVERSES, encoding="utf-8")
    await initialize(client, spec, root)
    open_document(client, path)
    await wait_for_diagnostics(
        client, path, lambda ds: _count(ds, "STW302") == 2, "two STW302"
    )

    actions = await _code_actions(client, path, [], FIX_ALL)
    assert len(actions) == 1
    edited = apply_edit(TWO_MISSING_INVERSES, _text_edits(actions[0], path))
    path.write_text(edited, encoding="utf-8")
    change_document(client, path, 2, edited)

    # downgrade() undoes upgrade() backwards, although both inverses were
    # inserted before the same drop_column.
    assert edited.endswith(
        "def downgrade() -> None:\n"
        '    op.drop_index("ix_documents_legacy_code", table_name="documents")\n'
        '    op.drop_index("ix_documents_title", table_name="documents")\n'
        '    op.drop_column("documents", "memo")\n'
    )
    await wait_for_diagnostics(
        client, path, lambda ds: _count(ds, "STW302") == 0, "both STW302 fixed"
    )
    upgrade = _alembic(root, "upgrade", "head")
    assert upgrade.returncode == 0, upgrade.stderr
    downgrade = _alembic(root, "downgrade", "0002")
    assert downgrade.returncode == 0, downgrade.stderr
    with sqlite3.connect(root / "notary.sqlite3") as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type='index'")
        assert not {name for (name,) in rows} & {
            "ix_documents_title",
            "ix_documents_legacy_code",
        }


SAME_POINT_MODELS = (
    """

class Receipt(Base):
    __tablename__ = "receipts"
    __table_args__ = (Index("ix_receipts_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tx_hash: Mapped[str] = mapped_column(String(66))
    anchor_id: Mapped[int] = mapped_column(ForeignKey("anchors.id"))


class Proof(Base):
    __tablename__ = "proofs"

    id: Mapped[int] = mapped_column(primary_key=True)
    anchor_id: Mapped[int] = mapped_column(ForeignKey("anchors.id"))
"""
    + (
        # Two columns on one line: two fixes on one line.
        "    ledger_id: Mapped[str] = mapped_column(String(66)); "
        "tx_hash: Mapped[str] = mapped_column(String(66))\n"
    )
)


async def test_fix_all_model_fixes_at_one_point(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    path = root / "app/models.py"
    text = path.read_text(encoding="utf-8").replace(
        "import ForeignKey, String", "import ForeignKey, Index, String"
    )
    text += SAME_POINT_MODELS
    path.write_text(text, encoding="utf-8")
    await initialize(client, spec, root)
    open_document(client, path)
    before = await wait_for_diagnostics(
        client, path, lambda ds: _count(ds, "STW201") >= 4, "STW201 on new models"
    )
    one_line = line_of(text, "ledger_id: Mapped")
    assert {d.code for d in before if d.range.start.line == one_line} == {"STW201"}
    assert _count(before, "STW202") == 2

    actions = await _code_actions(client, path, [], FIX_ALL)
    assert len(actions) == 1
    edited = apply_edit(text, _text_edits(actions[0], path))
    change_document(client, path, 2, edited)

    ast.parse(edited)
    assert edited.count('Index("ix_receipts_anchor_id", "anchor_id")') == 1
    assert edited.count('Index("ix_receipts_tx_hash", "tx_hash")') == 1
    assert (
        "ledger_id: Mapped[str] = mapped_column(String(66), index=True); "
        "tx_hash: Mapped[str] = mapped_column(String(66), index=True)"
    ) in edited
    assert (
        'anchor_id: Mapped[int] = mapped_column(ForeignKey("anchors.id"), index=True)'
        in edited
    )
    found = await wait_for_diagnostics(
        client,
        path,
        lambda ds: _count(ds, "STW201") == 0,
        "every STW201 fixed",
    )
    assert _count(found, "STW202") == 0
