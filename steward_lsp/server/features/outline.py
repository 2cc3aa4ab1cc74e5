"""Document symbols, workspace symbols, code lenses and their refresh."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from steward_lsp.engine.lookup_outline import (
    OutlineKind,
    OutlineSymbol,
    code_lenses,
    document_symbols,
    workspace_tables,
)
from steward_lsp.server.client_refresh import refreshes_code_lenses, send_refresh
from steward_lsp.server.features.context import (
    DocumentContext,
    document_context,
    lsp_location,
)

if TYPE_CHECKING:
    from pathlib import Path

    from steward_lsp.server.folders import FolderState, OpenDocument
    from steward_lsp.server.server import StewardLanguageServer

_SYMBOL_KINDS = {
    OutlineKind.FUNCTION: types.SymbolKind.Function,
    OutlineKind.OPERATION: types.SymbolKind.Event,
    OutlineKind.MODEL: types.SymbolKind.Class,
    OutlineKind.TABLE: types.SymbolKind.Struct,
    OutlineKind.COLUMN: types.SymbolKind.Field,
}


def register(server: StewardLanguageServer) -> None:
    """Register the outline and code lens handlers on ``server``."""
    server.add_feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, document_symbol)
    server.add_feature(types.WORKSPACE_SYMBOL, workspace_symbol)
    server.add_feature(
        types.TEXT_DOCUMENT_CODE_LENS,
        code_lens,
        types.CodeLensOptions(resolve_provider=False),
    )


async def document_symbol(
    server: StewardLanguageServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
    """Outline a revision (upgrade, downgrade, their ops) or a model file.

    A client without hierarchical symbols gets a flat list, each entry
    naming its parent as its container.
    """
    context = await document_context(server, params.text_document.uri)
    if context is None:
        return None

    symbols = document_symbols(context.result, context.path)
    if not _hierarchical(server):
        return [
            information
            for symbol in symbols
            for information in _flat_symbols(context, symbol, None)
        ]
    return [_document_symbol(context, symbol) for symbol in symbols]


def _hierarchical(server: StewardLanguageServer) -> bool:
    text_document = server.client_capabilities.text_document
    capability = text_document.document_symbol if text_document else None
    return bool(capability and capability.hierarchical_document_symbol_support)


def _flat_symbols(
    context: DocumentContext, symbol: OutlineSymbol, container: str | None
) -> list[types.SymbolInformation]:
    own = types.SymbolInformation(
        name=symbol.name,
        kind=_SYMBOL_KINDS[symbol.kind],
        location=types.Location(uri=context.uri, range=context.range(symbol.span)),
        container_name=container,
    )
    children = [
        information
        for child in symbol.children
        for information in _flat_symbols(context, child, symbol.name)
    ]
    return [own, *children]


def _document_symbol(
    context: DocumentContext, symbol: OutlineSymbol
) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name,
        kind=_SYMBOL_KINDS[symbol.kind],
        range=context.range(symbol.span),
        selection_range=context.range(symbol.selection),
        detail=symbol.detail or None,
        children=[_document_symbol(context, child) for child in symbol.children],
    )


async def workspace_symbol(
    server: StewardLanguageServer, params: types.WorkspaceSymbolParams
) -> list[types.WorkspaceSymbol]:
    """Return the tables of every folder whose name matches the query."""
    symbols: list[types.WorkspaceSymbol] = []
    for folder in list(server.folders.folders):
        result = await server.scheduler.latest_result(folder)
        if result is None:
            continue
        for table in workspace_tables(result, params.query):
            symbols.append(
                types.WorkspaceSymbol(
                    name=table.name,
                    kind=types.SymbolKind.Struct,
                    location=lsp_location(server, table.location),
                    container_name=table.container,
                )
            )
    return symbols


async def code_lens(
    server: StewardLanguageServer, params: types.CodeLensParams
) -> list[types.CodeLens] | None:
    """Show pending drift on model classes and the chain position of revisions.

    The response waits for the analysis of pending edits, so the counts are
    those of the buffer the client has.
    """
    folder = server.folders.folder_of_uri(params.text_document.uri)
    if folder is not None:
        await server.scheduler.wait_until_current(folder)
    context = await document_context(server, params.text_document.uri)
    if context is None:
        return None

    lenses: list[types.CodeLens] = []
    for lens in code_lenses(context.result, context.path):
        command = types.Command(
            title=lens.title,
            command=lens.command or "",
            arguments=[{"uri": context.uri}] if lens.command else None,
        )
        lenses.append(types.CodeLens(range=context.range(lens.span), command=command))
    return lenses


def refresh_code_lenses(
    server: StewardLanguageServer,
    folder: FolderState,
    documents: dict[Path, OpenDocument],
) -> None:
    """Send ``workspace/codeLens/refresh`` when a lens of an open file changed.

    Only a client that accepts the request gets it, and the lenses are
    computed only for such a client. A file opened since the previous
    analysis is left out, because the client asks for its lenses itself.
    """
    result = folder.last_result
    if result is None or not refreshes_code_lenses(server):
        return

    lenses = {path: code_lenses(result, path) for path in documents}
    changed = any(
        path in folder.code_lenses and folder.code_lenses[path] != found
        for path, found in lenses.items()
    )
    folder.code_lenses = lenses
    if changed:
        send_refresh(server, types.WORKSPACE_CODE_LENS_REFRESH)
