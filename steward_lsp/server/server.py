"""The steward language server: the pygls server class and its entry point."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from steward_lsp import __version__
from steward_lsp.server import (
    code_actions,
    commands,
    documents,
    features,
    lifecycle,
    pull_diagnostics,
)
from steward_lsp.server.deep_check import DeepChecks
from steward_lsp.server.folders import FolderSet
from steward_lsp.server.logging_bridge import configure_stderr_logging
from steward_lsp.server.protocol import (
    StewardProtocol,
    quiet_reported_errors,
    reported_by_protocol,
)
from steward_lsp.server.scheduler import AnalysisScheduler

logger = logging.getLogger(__name__)

Handler = Callable[["StewardLanguageServer", Any], Any]


class StewardLanguageServer(LanguageServer):
    """pygls server with steward's folders, settings and analysis scheduler."""

    def __init__(self) -> None:
        super().__init__(
            "steward",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=StewardProtocol,
        )
        self.folders = FolderSet()
        self.scheduler = AnalysisScheduler(self)
        self.deep_checks = DeepChecks(self)
        self.initial_settings: dict[str, object] = {}
        """Settings from ``initializationOptions``, the base of every folder's."""

    def add_feature(self, method: str, handler: Handler, options: Any = None) -> None:
        """Register ``handler(server, params)`` for ``method``.

        Every handler is wrapped here, so each request's duration is logged
        at DEBUG from one place, and an exception is logged at ERROR with the
        file named and its traceback instead of reaching pygls (the request
        gets a null result).
        """
        if asyncio.iscoroutinefunction(handler):
            self.feature(method, options)(self._wrap_async(method, handler))
        else:
            self.feature(method, options)(self._wrap_sync(method, handler))

    def _wrap_sync(self, method: str, handler: Handler) -> Callable[[Any], Any]:
        @functools.wraps(handler)
        def run(params: Any) -> Any:
            started = time.perf_counter()
            try:
                return handler(self, params)
            except Exception:  # noqa: BLE001 - one handler must not stop the server
                logger.exception("%s failed%s", method, _subject(params))
                return None
            finally:
                _log_duration(method, started)

        return run

    def _wrap_async(
        self,
        method: str,
        handler: Callable[[StewardLanguageServer, Any], Awaitable[Any]],
    ) -> Callable[[Any], Awaitable[Any]]:
        @functools.wraps(handler)
        async def run(params: Any) -> Any:
            started = time.perf_counter()
            try:
                return await handler(self, params)
            except Exception:  # noqa: BLE001 - one handler must not stop the server
                logger.exception("%s failed%s", method, _subject(params))
                return None
            finally:
                _log_duration(method, started)

        return run

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log errors pygls catches, instead of showing them in the editor.

        A malformed message that the protocol already logged is not logged
        again.
        """
        if reported_by_protocol(error):
            return
        logger.error(
            "language server protocol error (%s): %s",
            getattr(source, "__name__", source),
            error,
            exc_info=error if error.__traceback__ is not None else None,
        )


def _subject(params: Any) -> str:
    document = getattr(params, "text_document", None)
    uri = getattr(document, "uri", None)
    return f" for {uri}" if uri else ""


def _log_duration(method: str, started: float) -> None:
    logger.debug("%s took %.1f ms", method, (time.perf_counter() - started) * 1000)


def create_server() -> StewardLanguageServer:
    """Return a server with every feature registered."""
    server = StewardLanguageServer()
    quiet_reported_errors()
    lifecycle.register(server)
    documents.register(server)
    pull_diagnostics.register(server)
    code_actions.register(server)
    commands.register(server)
    features.register(server)
    return server


def serve() -> None:
    """Run the language server over stdin and stdout until the client exits."""
    configure_stderr_logging()
    _import_sqlalchemy()
    create_server().start_io()


def _import_sqlalchemy() -> None:
    # NOTE: the model parser resolves names against SQLAlchemy's own modules
    # and the drift rules compile types with SQLAlchemy's dialects (neither
    # imports the project). In a profile of the first analysis on a 2-core
    # machine these imports took 0.6 s, so they run here, before the client
    # connects, rather than after the first didOpen.
    import sqlalchemy.dialects.mysql
    import sqlalchemy.dialects.postgresql
    import sqlalchemy.dialects.sqlite
    import sqlalchemy.orm  # noqa: F401
