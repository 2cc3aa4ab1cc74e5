"""The client's pull and refresh capabilities, and the refresh requests."""

from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

logger = logging.getLogger(__name__)


def pulls_diagnostics(server: LanguageServer) -> bool:
    """Tell whether the client pulls diagnostics (``textDocument/diagnostic``).

    Such a client gets no ``textDocument/publishDiagnostics``.
    """
    text_document = server.client_capabilities.text_document
    return bool(text_document and text_document.diagnostic is not None)


def refreshes_diagnostics(server: LanguageServer) -> bool:
    """Tell whether the client accepts ``workspace/diagnostic/refresh``."""
    workspace = server.client_capabilities.workspace
    diagnostics = workspace.diagnostics if workspace else None
    return bool(diagnostics and diagnostics.refresh_support)


def refreshes_code_lenses(server: LanguageServer) -> bool:
    """Tell whether the client accepts ``workspace/codeLens/refresh``."""
    workspace = server.client_capabilities.workspace
    code_lens = workspace.code_lens if workspace else None
    return bool(code_lens and code_lens.refresh_support)


def send_refresh(server: LanguageServer, method: str) -> None:
    """Send the refresh request ``method``, logging a failed one instead of raising."""

    def log_failure(future: Future[None]) -> None:
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:
            logger.warning("%s failed: %s", method, error)

    logger.debug("sending %s", method)
    server.protocol.send_request(method, None).add_done_callback(log_failure)
