"""Hover on tables and columns of the reference project, end to end."""

from __future__ import annotations

import re
from pathlib import Path

from lsp_session import (
    RecordingClient,
    change_document,
    line_of,
    uri,
    utf16_length,
    wait_for_indexing,
)
from lsprotocol import types
from reference_project import (
    MODELS,
    copy_reference_project,
    open_in_session,
    position_of,
    revision_file,
    revision_id,
)


async def _hover(client: RecordingClient, path: Path, position: types.Position) -> str:
    result = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri(path)),
            position=position,
        )
    )
    assert result is not None, f"no hover at {position} in {path.name}"
    assert isinstance(result.contents, types.MarkupContent)
    assert result.contents.kind == types.MarkupKind.Markdown
    return result.contents.value


async def test_hover_table_in_create_table(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    created = revision_file(root, "create_ledger_anchors")
    checked = revision_file(root, "check_ledger_anchor_block_numbers")
    text = await open_in_session(client, spec, root, created)

    value = await _hover(
        client, created, position_of(text, "op.create_table('ledger_anchors'", 20)
    )

    assert "table `ledger_anchors`" in value
    assert "model `LedgerAnchor`" in value
    assert f"created in `{revision_id(created)}` — create ledger anchors" in value
    assert f"`{revision_id(checked)}` — check ledger anchor block numbers" in value
    assert "| `tx_hash` | String(length=66) | NOT NULL |" in value
    assert "- index `ix_ledger_anchors_tx_hash` on (tx_hash)" in value
    assert "- foreign key (notarization_id) → `notarizations` (id)" in value
    assert "ledger ids: `anchor_id`, `tx_hash`; chain ids: `chain_id`" in value


async def test_hover_batch_column(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    created = revision_file(root, "create_ledger_anchors")
    text = await open_in_session(client, spec, root, created)

    value = await _hover(client, created, position_of(text, "['tx_hash']", 3))

    assert "column `ledger_anchors.tx_hash`" in value
    assert "At head: `String(length=66)`, NOT NULL." in value
    assert f"created with the table in `{revision_id(created)}`" in value
    assert "indexed by ix_ledger_anchors_tx_hash" in value
    assert "- ledger id (matches `ledger_id_patterns`)" in value


async def test_hover_renamed_column_history(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    renamed = revision_file(root, "rename_documents_filename")
    created = revision_file(root, "create_tenants_users_and_documents")
    text = await open_in_session(client, spec, root, renamed)

    position = position_of(text, "new_column_name='original_filename'", 18)
    value = await _hover(client, renamed, position)

    assert "column `documents.original_filename`" in value
    history = value.split("**History**")[1]
    assert history.index(revision_id(created)) < history.index(revision_id(renamed))
    assert "renamed from filename" in history


async def test_hover_model_pii_column(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    audit = root / MODELS / "audit.py"
    text = await open_in_session(client, spec, root, audit)
    info = re.search(r'info=\{"pii": "(\w+)", "retention": "(\w+)"\}', text)
    assert info is not None, "audit.py classifies the actor column"

    value = await _hover(client, audit, position_of(text, "actor: Mapped", 2))

    assert "column `audit_events.actor`" in value
    assert f"- PII: {info.group(1)}, retention {info.group(2)}" in value


async def test_hover_model_class(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    anchors = root / MODELS / "anchors.py"
    created = revision_file(root, "create_ledger_anchors")
    text = await open_in_session(client, spec, root, anchors)

    value = await _hover(client, anchors, position_of(text, "class LedgerAnchor", 8))

    assert "table `ledger_anchors`" in value
    assert f"created in `{revision_id(created)}`" in value


async def test_hover_elsewhere_is_empty(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    created = revision_file(root, "create_ledger_anchors")
    text = await open_in_session(client, spec, root, created)

    result = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri(created)),
            position=position_of(text, "def downgrade", 5),
        )
    )

    assert result is None


async def test_hover_in_half_typed_buffer(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    created = revision_file(root, "create_ledger_anchors")
    text = await open_in_session(client, spec, root, created)
    # The revision parses once before the edit, as it did before the user typed.
    await wait_for_indexing(client)
    change_document(client, created, 2, text + '    op.add_column("ledger_anch\n')

    value = await _hover(
        client, created, position_of(text, "op.create_table('ledger_anchors'", 20)
    )

    assert "table `ledger_anchors`" in value
    assert f"created in `{revision_id(created)}`" in value


async def test_hover_range_in_utf16(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    created = revision_file(root, "create_ledger_anchors")
    original = "    op.drop_table('ledger_anchors')"
    prefix = "    note = '⚓ 🔗'; op.drop_table('"
    text = created.read_text(encoding="utf-8").replace(
        original, f"{prefix}ledger_anchors')"
    )
    created.write_text(text, encoding="utf-8")
    await open_in_session(client, spec, root, created)
    line = line_of(text, prefix)
    start = utf16_length(prefix)

    result = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri(created)),
            position=types.Position(line=line, character=start + 3),
        )
    )

    assert result is not None
    assert result.range is not None
    assert result.range.start == types.Position(line=line, character=start)
    assert result.range.end == types.Position(
        line=line, character=start + len("ledger_anchors")
    )
