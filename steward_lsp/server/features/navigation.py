"""``textDocument/definition`` and ``textDocument/references`` for tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from steward_lsp.engine.lookup import definition as definition_of
from steward_lsp.engine.lookup import references as references_of
from steward_lsp.server.features.context import read_text, symbol_context

if TYPE_CHECKING:
    from steward_lsp.server.server import StewardLanguageServer


def register(server: StewardLanguageServer) -> None:
    """Register the definition and references handlers on ``server``."""
    server.add_feature(types.TEXT_DOCUMENT_DEFINITION, definition)
    server.add_feature(types.TEXT_DOCUMENT_REFERENCES, references)


async def definition(
    server: StewardLanguageServer, params: types.DefinitionParams
) -> list[types.Location] | None:
    """Jump from a name in a migration to the model, from a model to its revision."""
    found = await symbol_context(server, params.text_document.uri, params.position)
    if found is None:
        return None

    context, symbol = found
    return [context.location(location) for location in definition_of(symbol)]


async def references(
    server: StewardLanguageServer, params: types.ReferenceParams
) -> list[types.Location] | None:
    """Return every revision and model string naming the table or column."""
    found = await symbol_context(server, params.text_document.uri, params.position)
    if found is None:
        return None

    context, symbol = found
    locations = references_of(
        symbol,
        lambda path: read_text(server, path),
        include_declaration=params.context.include_declaration,
    )
    return [context.location(location) for location in locations]
