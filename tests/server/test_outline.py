"""Code lenses, document symbols and workspace symbols, end to end."""

from __future__ import annotations

import re
from pathlib import Path

from lsp_session import RecordingClient, initialize, line_of, open_document, uri
from lsprotocol import types
from pytest_lsp import client_capabilities
from reference_project import (
    MODELS,
    chain_order,
    copy_reference_project,
    model_tables,
    open_in_session,
    revision_file,
)

from steward_lsp.engine.generate import generator_named

_OPERATION_LINE = re.compile(r"^\s+(?:op|batch_op)\.(?!batch_alter_table)\w+\(", re.M)


def _document(path: Path) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri(path))


async def _code_lenses(client: RecordingClient, path: Path) -> list[types.CodeLens]:
    result = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=_document(path))
    )
    assert result is not None, f"no code lens result for {path.name}"
    return list(result)


async def test_lens_on_model_with_drift(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    anchors = root / MODELS / "anchors.py"
    with anchors.open("a", encoding="utf-8") as file:
        file.write("    memo: Mapped[str | None] = mapped_column(String(40))\n")
    text = await open_in_session(client, spec, root, anchors)

    lenses = await _code_lenses(client, anchors)

    assert len(lenses) == 1
    lens = lenses[0]
    assert lens.range.start.line == line_of(text, "class LedgerAnchor")
    assert lens.command is not None
    assert lens.command.title == "1 change not in any migration — Author migration"
    assert lens.command.command == generator_named("author-migration").command_id
    assert list(lens.command.arguments or []) == [{"uri": uri(anchors)}]


async def test_no_lens_without_drift(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    anchors = root / MODELS / "anchors.py"
    await open_in_session(client, spec, root, anchors)

    assert await _code_lenses(client, anchors) == []


async def test_lens_on_revisions(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    order = chain_order(root)
    await initialize(client, spec, root)

    titles: list[str] = []
    for path in order:
        open_document(client, path)
        lenses = await _code_lenses(client, path)
        assert len(lenses) == 1, f"lenses of {path.name}: {lenses}"
        assert lenses[0].command is not None
        titles.append(lenses[0].command.title)

    total = len(order)
    assert titles[0] == f"revision 1 of {total} · base"
    assert titles[1] == f"revision 2 of {total}"
    assert titles[-1] == f"revision {total} of {total} · head"


async def test_symbols_of_revision(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    created = revision_file(root, "create_ledger_anchors")
    text = await open_in_session(client, spec, root, created)
    upgrade_text, downgrade_text = text.split("def downgrade")

    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=_document(created))
    )

    assert result is not None
    symbols = [s for s in result if isinstance(s, types.DocumentSymbol)]
    assert [symbol.name for symbol in symbols] == ["upgrade", "downgrade"]
    upgrade, downgrade = symbols
    assert len(upgrade.children or []) == len(_OPERATION_LINE.findall(upgrade_text))
    assert len(downgrade.children or []) == len(_OPERATION_LINE.findall(downgrade_text))
    first = (upgrade.children or [])[0]
    assert first.name == "op.create_table"
    assert first.detail == "ledger_anchors"
    assert first.range.start.line == line_of(text, "op.create_table('ledger_anchors'")
    last = (downgrade.children or [])[-1]
    assert last.name == "op.drop_table"


async def test_symbols_of_model_file(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    anchors = root / MODELS / "anchors.py"
    text = await open_in_session(client, spec, root, anchors)

    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=_document(anchors))
    )

    assert result is not None
    symbols = [s for s in result if isinstance(s, types.DocumentSymbol)]
    assert [symbol.name for symbol in symbols] == ["LedgerAnchor"]
    assert symbols[0].kind == types.SymbolKind.Class
    columns = {child.name: child for child in symbols[0].children or []}
    assert columns["tx_hash"].range.start.line == line_of(text, "tx_hash: Mapped")
    assert columns["tx_hash"].detail == "String(length=66)"


async def test_workspace_symbols_tables(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    anchors = root / MODELS / "anchors.py"
    await initialize(client, spec, root)

    every = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
    matching = await client.workspace_symbol_async(
        types.WorkspaceSymbolParams(query="ldganch")
    )

    assert every is not None
    assert {symbol.name for symbol in every} == model_tables(root)
    assert matching is not None
    assert [symbol.name for symbol in matching] == ["ledger_anchors"]
    location = matching[0].location
    assert isinstance(location, types.Location)
    assert location.uri == uri(anchors)
    model_text = anchors.read_text(encoding="utf-8")
    assert location.range.start.line == line_of(model_text, "class LedgerAnchor")


async def test_flat_symbols_for_old_clients(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    created = revision_file(root, "create_ledger_anchors")
    capabilities = client_capabilities(spec)
    assert capabilities.text_document is not None
    assert capabilities.text_document.document_symbol is not None
    capabilities.text_document.document_symbol.hierarchical_document_symbol_support = (
        False
    )
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=uri(root),
            workspace_folders=[types.WorkspaceFolder(uri=uri(root), name=root.name)],
        )
    )
    open_document(client, created)

    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=_document(created))
    )

    assert result is not None
    flat = [s for s in result if isinstance(s, types.SymbolInformation)]
    assert len(flat) == len(result)
    assert [s.name for s in flat if s.container_name is None] == [
        "upgrade",
        "downgrade",
    ]
    assert {s.container_name for s in flat if s.name == "op.create_table"} == {
        "upgrade"
    }
