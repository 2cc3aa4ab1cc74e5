"""``textDocument/completion`` of table, column and model names in strings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from steward_lsp.engine.lookup import environment_of
from steward_lsp.engine.lookup_complete import complete_at
from steward_lsp.engine.lookup_names import NameKind
from steward_lsp.engine.schema import Span
from steward_lsp.server.features.context import document_context

if TYPE_CHECKING:
    from steward_lsp.server.server import StewardLanguageServer

TRIGGER_CHARACTERS = ['"', "'", "."]
"""Opening a string, and the dot between table and column in ForeignKey."""

_ITEM_KINDS = {
    NameKind.TABLE: types.CompletionItemKind.Struct,
    NameKind.COLUMN: types.CompletionItemKind.Field,
    NameKind.MODEL: types.CompletionItemKind.Class,
}


def register(server: StewardLanguageServer) -> None:
    """Register the completion handler on ``server``."""
    server.add_feature(
        types.TEXT_DOCUMENT_COMPLETION,
        completion,
        types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS),
    )


async def completion(
    server: StewardLanguageServer, params: types.CompletionParams
) -> types.CompletionList | None:
    """Offer the names that fit the string argument at the cursor."""
    context = await document_context(server, params.text_document.uri)
    if context is None:
        return None
    environment = environment_of(context.result, context.path)
    if environment is None:
        return None

    line, column = context.engine_position(params.position)
    found = complete_at(environment, context.text, line, column)
    if found is None:
        return None

    replaced = context.range(Span(line, found.start_column, line, column))
    items = [
        types.CompletionItem(
            label=item.label,
            kind=_ITEM_KINDS[item.kind],
            detail=item.detail,
            text_edit=types.TextEdit(range=replaced, new_text=item.label),
        )
        for item in found.items
    ]
    return types.CompletionList(is_incomplete=False, items=items)
