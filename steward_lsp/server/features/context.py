"""What every language feature handler needs: the document, its analysis, codec.

Handlers read the folder's latest analysis and never start one, except when
the folder has none yet. Texts come from the editor's buffer when the file
is open and from the disk otherwise. Positions are converted here between
the client's encoding and the engine's code points.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from steward_lsp.engine.analysis import AnalysisResult
from steward_lsp.engine.lookup import Symbol, symbol_at
from steward_lsp.engine.schema import Location, Span
from steward_lsp.engine.sources import SourceError, decode_source
from steward_lsp.server import convert
from steward_lsp.server.folders import FolderState, uri_path

if TYPE_CHECKING:
    from steward_lsp.server.server import StewardLanguageServer


@dataclass
class DocumentContext:
    """One request's document, with its folder's latest analysis."""

    server: StewardLanguageServer
    folder: FolderState
    result: AnalysisResult
    uri: str
    path: Path
    text: str

    @functools.cached_property
    def lines(self) -> list[str]:
        """Return the buffer's lines with their endings."""
        return convert.split_lines(self.text)

    def engine_position(self, position: types.Position) -> tuple[int, int]:
        """Convert a client position to a 0-based line and code-point column."""
        lines = self.lines
        if position.line >= len(lines):
            return position.line, position.character
        codec = self.server.workspace.position_codec
        converted = codec.position_from_client_units(lines, position)
        return converted.line, converted.character

    def range(self, span: Span) -> types.Range:
        """Convert a span of this document to an LSP range."""
        return convert.to_range(span, self.lines, self.server.workspace.position_codec)

    def location(self, location: Location) -> types.Location:
        """Convert an engine location in any file to an LSP location."""
        return lsp_location(self.server, location)


def lsp_location(server: StewardLanguageServer, location: Location) -> types.Location:
    """Convert an engine location to an LSP location in the client's encoding."""
    return convert.to_lsp_location(
        location,
        lambda path: lines_of(server, path),
        lambda path: uri_of(server, path),
        server.workspace.position_codec,
    )


async def document_context(
    server: StewardLanguageServer, uri: str
) -> DocumentContext | None:
    """Return the context of the document at ``uri``; None outside any folder."""
    folder = server.folders.folder_of_uri(uri)
    path = uri_path(uri)
    if folder is None or path is None:
        return None

    result = await server.scheduler.latest_result(folder)
    text = read_text(server, path)
    if result is None or text is None:
        return None
    return DocumentContext(server, folder, result, uri, path, text)


async def symbol_context(
    server: StewardLanguageServer, uri: str, position: types.Position
) -> tuple[DocumentContext, Symbol] | None:
    """Return the document context and the table or column at ``position``."""
    context = await document_context(server, uri)
    if context is None:
        return None

    line, column = context.engine_position(position)
    symbol = symbol_at(context.result, context.path, context.text, line, column)
    return (context, symbol) if symbol is not None else None


def read_text(server: StewardLanguageServer, path: Path) -> str | None:
    """Return the open buffer of ``path``, else its text on disk, else None."""
    document = _open_documents(server).get(path)
    if document is not None:
        return document
    try:
        return decode_source(path)
    except SourceError:
        return None


def lines_of(server: StewardLanguageServer, path: Path) -> Sequence[str] | None:
    """Return the lines of ``path`` as :func:`read_text` finds it."""
    text = read_text(server, path)
    return convert.split_lines(text) if text is not None else None


def uri_of(server: StewardLanguageServer, path: Path) -> str:
    """Return the URI the client opened ``path`` under, else its file URI."""
    for document in list(server.workspace.text_documents.values()):
        if uri_path(document.uri) == path:
            uri: str = document.uri
            return uri
    return convert.path_uri(path)


def _open_documents(server: StewardLanguageServer) -> dict[Path, str]:
    documents: dict[Path, str] = {}
    for document in list(server.workspace.text_documents.values()):
        path = uri_path(document.uri)
        if path is not None:
            documents[path] = document.source
    return documents
