"""``textDocument/hover`` on a table, column or model: history, shape, class."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from steward_lsp.engine.lookup_hover import hover_markdown
from steward_lsp.server.features.context import symbol_context

if TYPE_CHECKING:
    from steward_lsp.server.server import StewardLanguageServer


def register(server: StewardLanguageServer) -> None:
    """Register the hover handler on ``server``."""
    server.add_feature(types.TEXT_DOCUMENT_HOVER, hover)


async def hover(
    server: StewardLanguageServer, params: types.HoverParams
) -> types.Hover | None:
    """Return the history and head shape of the table or column at the cursor."""
    found = await symbol_context(server, params.text_document.uri, params.position)
    if found is None:
        return None

    context, symbol = found
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=hover_markdown(symbol)
        ),
        range=context.range(symbol.span),
    )
