"""Completion of table, column and model names, on half-typed buffers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from lsp_session import RecordingClient, change_document, uri
from lsprotocol import types
from reference_project import (
    MODELS,
    Buffer,
    copy_reference_project,
    model_class_names,
    model_tables,
    open_in_session,
    revision_file,
    with_cursor,
)


def _model_columns(root: Path, class_name: str) -> set[str]:
    """Return the annotated attributes of a model class, mixins left out."""
    for path in (root / MODELS).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name == class_name:
                return {
                    item.target.id
                    for item in node.body
                    if isinstance(item, ast.AnnAssign)
                    and isinstance(item.target, ast.Name)
                }
    raise AssertionError(f"no model class {class_name}")


async def _complete(
    client: RecordingClient, path: Path, buffer: Buffer
) -> types.CompletionList:
    change_document(client, path, 2, buffer.text)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(path)),
            position=buffer.cursor,
        )
    )
    assert isinstance(result, types.CompletionList), f"no completion: {result}"
    return result


def _in_upgrade(text: str, typed: str) -> str:
    """Return ``text`` with the half-typed line ``typed`` opening upgrade()."""
    marker = '    """Upgrade schema."""\n'
    assert marker in text
    return text.replace(marker, f"{marker}{typed}\n", 1)


async def test_complete_table_half_typed(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    revision = revision_file(root, "index_notarizations_by_tenant_and_time")
    text = await open_in_session(client, spec, root, revision)
    buffer = with_cursor(_in_upgrade(text, '    op.add_column("led<cursor>'))

    result = await _complete(client, revision, buffer)

    labels = {item.label for item in result.items}
    assert model_tables(root) <= labels
    item = next(item for item in result.items if item.label == "ledger_anchors")
    assert item.kind == types.CompletionItemKind.Struct
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.range.start == types.Position(
        line=buffer.cursor.line, character=buffer.cursor.character - 3
    )
    assert item.text_edit.range.end == buffer.cursor


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(
            '    op.create_index("ix_x", "ledger_anchors", ["tx<cursor>', id="list"
        ),
        pytest.param('    op.drop_column("ledger_anchors", "<cursor>', id="positional"),
        pytest.param(
            '    op.alter_column(table_name="ledger_anchors", column_name="<cursor>',
            id="keywords",
        ),
        pytest.param(
            '    with op.batch_alter_table("ledger_anchors") as batch_op:\n'
            '        batch_op.alter_column("<cursor>',
            id="batch",
        ),
    ],
)
async def test_complete_columns_of_table(
    client: RecordingClient, spec: str, tmp_path: Path, typed: str
) -> None:
    root = copy_reference_project(tmp_path)
    revision = revision_file(root, "index_notarizations_by_tenant_and_time")
    text = await open_in_session(client, spec, root, revision)

    result = await _complete(client, revision, with_cursor(_in_upgrade(text, typed)))

    labels = {item.label for item in result.items}
    assert _model_columns(root, "LedgerAnchor") <= labels
    assert "created_at" in labels
    assert "tenant_id" not in labels


async def test_complete_foreign_key_target(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    anchors = root / MODELS / "anchors.py"
    text = await open_in_session(client, spec, root, anchors)
    typed = 'memo_id: Mapped[int] = mapped_column(ForeignKey("notarizations.<cursor>'
    buffer = with_cursor(f"{text}    {typed}")

    result = await _complete(client, anchors, buffer)

    labels = {item.label for item in result.items}
    assert _model_columns(root, "Notarization") <= labels
    assert all(item.kind == types.CompletionItemKind.Field for item in result.items)


async def test_complete_foreign_key_table(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    anchors = root / MODELS / "anchors.py"
    text = await open_in_session(client, spec, root, anchors)
    buffer = with_cursor(f'{text}    memo_id = mapped_column(ForeignKey("no<cursor>')

    result = await _complete(client, anchors, buffer)

    assert model_tables(root) <= {item.label for item in result.items}


async def test_complete_relationship_target(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    anchors = root / MODELS / "anchors.py"
    text = await open_in_session(client, spec, root, anchors)
    buffer = with_cursor(f'{text}    notarization = relationship("No<cursor>")\n')

    result = await _complete(client, anchors, buffer)

    labels = {item.label for item in result.items}
    assert labels == model_class_names(root)
    assert all(item.kind == types.CompletionItemKind.Class for item in result.items)


async def test_complete_outside_string_offers_nothing(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    revision = revision_file(root, "index_notarizations_by_tenant_and_time")
    text = await open_in_session(client, spec, root, revision)
    change_document(client, revision, 2, _in_upgrade(text, "    op.add_column("))

    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(revision)),
            position=types.Position(
                line=text.splitlines().index('    """Upgrade schema."""') + 1,
                character=len("    op.add_column("),
            ),
        )
    )

    assert result is None
