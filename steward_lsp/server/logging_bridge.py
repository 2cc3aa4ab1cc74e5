"""Delivery of log records to the client as ``window/logMessage``.

This is the only module that sends records to the editor. Records may
come from the analysis worker thread; they are handed to the event loop,
which owns the connection to the client.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

LOGGER_NAME = "steward_lsp"
LEVEL_VARIABLE = "STEWARD_LOG_LEVEL"


def configure_stderr_logging() -> None:
    """Log warnings of every library to stderr until the client is connected.

    stdout carries the protocol, so stderr is the only other channel. The
    level of steward's own records comes from ``STEWARD_LOG_LEVEL`` (``DEBUG``
    adds request durations), INFO when it is unset or invalid.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    # The command line installed its own stderr handler, and with both every
    # record would be printed twice.
    for installed in list(root.handlers):
        if isinstance(installed, logging.StreamHandler):
            root.removeHandler(installed)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)

    requested = os.environ.get(LEVEL_VARIABLE, "INFO").upper()
    level = logging.getLevelName(requested)
    logging.getLogger(LOGGER_NAME).setLevel(
        level if isinstance(level, int) else logging.INFO
    )


class ClientLogHandler(logging.Handler):
    """A logging handler that sends each record as ``window/logMessage``."""

    def __init__(self, server: LanguageServer, loop: asyncio.AbstractEventLoop):
        super().__init__()
        self._server = server
        self._loop = loop
        self._loop_thread = threading.get_ident()
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            params = types.LogMessageParams(
                type=_message_type(record.levelno), message=self.format(record)
            )
            if threading.get_ident() == self._loop_thread:
                self._server.window_log_message(params)
            else:
                self._loop.call_soon_threadsafe(self._server.window_log_message, params)
        except Exception:  # noqa: BLE001 - logging must never raise into callers
            self.handleError(record)


def connect_to_client(server: LanguageServer) -> None:
    """Route steward's records to the client instead of stderr.

    Call from the event loop thread once the client has sent ``initialize``.
    pygls' own records stay on stderr: it logs every message it sends, and
    forwarding those would send a message per message.
    """
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if isinstance(handler, ClientLogHandler):
            logger.removeHandler(handler)

    logger.addHandler(ClientLogHandler(server, asyncio.get_running_loop()))
    logger.propagate = False


def _message_type(levelno: int) -> types.MessageType:
    if levelno >= logging.ERROR:
        return types.MessageType.Error
    if levelno >= logging.WARNING:
        return types.MessageType.Warning
    if levelno >= logging.INFO:
        return types.MessageType.Info
    return types.MessageType.Log
