"""The steward language server (pygls), a thin layer over the engine."""

from __future__ import annotations


def serve() -> None:
    """Run the language server over stdio; ``steward serve`` calls this."""
    from steward_lsp.server.server import serve as serve_stdio

    serve_stdio()
