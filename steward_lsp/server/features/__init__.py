"""Language features beyond diagnostics, one module per LSP area.

Each handler reads the folder's latest analysis and calls the engine's
lookup modules (:mod:`steward_lsp.engine.lookup` and its siblings) to find
what a position names. The modules here only convert positions and types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from steward_lsp.server.features import completion, hover, navigation, outline

if TYPE_CHECKING:
    from steward_lsp.server.server import StewardLanguageServer


def register(server: StewardLanguageServer) -> None:
    """Register hover, navigation, completion, symbols and code lenses."""
    hover.register(server)
    navigation.register(server)
    completion.register(server)
    outline.register(server)
