"""Go to definition and find references on the reference project."""

from __future__ import annotations

from pathlib import Path

from lsp_session import RecordingClient, line_of, uri
from lsprotocol import types
from reference_project import (
    MODELS,
    copy_reference_project,
    open_in_session,
    position_of,
    revision_file,
    string_tokens,
)


def _document(path: Path) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri(path))


async def _definition(
    client: RecordingClient, path: Path, position: types.Position
) -> list[types.Location]:
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=_document(path), position=position)
    )
    assert isinstance(result, list), f"no definition at {position} in {path.name}"
    return [location for location in result if isinstance(location, types.Location)]


async def test_definition_table_to_model(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    created = revision_file(root, "create_ledger_anchors")
    anchors = root / MODELS / "anchors.py"
    text = await open_in_session(client, spec, root, created)

    found = await _definition(
        client, created, position_of(text, "op.drop_table('ledger_anchors'", 18)
    )

    assert [location.uri for location in found] == [uri(anchors)]
    model_text = anchors.read_text(encoding="utf-8")
    assert found[0].range.start.line == line_of(model_text, "class LedgerAnchor")


async def test_definition_batch_column_to_model(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    created = revision_file(root, "create_ledger_anchors")
    anchors = root / MODELS / "anchors.py"
    text = await open_in_session(client, spec, root, created)

    found = await _definition(client, created, position_of(text, "['tx_hash']", 4))

    assert [location.uri for location in found] == [uri(anchors)]
    model_text = anchors.read_text(encoding="utf-8")
    assert found[0].range.start.line == line_of(model_text, "tx_hash: Mapped")


async def test_definition_model_to_revision(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    created = revision_file(root, "create_ledger_anchors")
    anchors = root / MODELS / "anchors.py"
    text = await open_in_session(client, spec, root, anchors)

    found = await _definition(
        client, anchors, position_of(text, "class LedgerAnchor", 7)
    )

    assert [location.uri for location in found] == [uri(created)]
    revision_text = created.read_text(encoding="utf-8")
    create_line = line_of(revision_text, "op.create_table('ledger_anchors'")
    assert found[0].range.start.line == create_line


async def test_definition_model_column_to_revision(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    created = revision_file(root, "create_ledger_anchors")
    anchors = root / MODELS / "anchors.py"
    text = await open_in_session(client, spec, root, anchors)

    found = await _definition(client, anchors, position_of(text, "tx_hash: Mapped", 2))

    assert [location.uri for location in found] == [uri(created)]
    revision_text = created.read_text(encoding="utf-8")
    column_line = line_of(revision_text, "sa.Column('tx_hash'")
    assert found[0].range.start.line == column_line


async def test_references_table_across_revisions(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    created = revision_file(root, "create_ledger_anchors")
    anchors = root / MODELS / "anchors.py"
    text = await open_in_session(client, spec, root, created)
    expected: set[tuple[str, int, int]] = set()
    for path in [*sorted((root / "migrations/versions").glob("*.py")), anchors]:
        tokens = string_tokens(path.read_text(encoding="utf-8"), "ledger_anchors")
        expected.update((uri(path), p.line, p.character) for p in tokens)
    model_text = anchors.read_text(encoding="utf-8")
    expected.add((uri(anchors), line_of(model_text, "class LedgerAnchor"), 0))

    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=_document(created),
            position=position_of(text, "op.create_table('ledger_anchors'", 20),
            context=types.ReferenceContext(include_declaration=True),
        )
    )

    assert result is not None
    found = {(r.uri, r.range.start.line, r.range.start.character) for r in result}
    assert len(result) == len(expected)
    assert found == expected
    revisions = {r.uri for r in result if "/migrations/versions/" in r.uri}
    assert len(revisions) == 2
