"""The server's JSON-RPC protocol: pygls's, with error responses to bad requests.

pygls 2.1.1 structures each message with cattrs while the JSON is decoded.
When the params of a request do not fit the method's type, it logs the
error and drops the message, so the client waits for a response that never
comes. :class:`StewardProtocol` sends the JSON-RPC error response
(InvalidParams, -32602, naming the fields that failed) before pygls drops
the request.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Generator
from typing import Any
from urllib.parse import unquote

from cattrs import transform_error
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol, lsp_method

logger = logging.getLogger(__name__)


class StewardProtocol(LanguageServerProtocol):
    """pygls's language server protocol with two inputs handled more clearly."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Structure one decoded message, sending an error response to a bad request.

        The exception is raised again, so pygls logs it and skips the
        message as before.
        """
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            method = str(data.get("method", "(no method)"))
            response = _response_error(method, error)
            if _is_request(data):
                self._send_response(data["id"], error=response)
                logger.warning("rejected request %s: %s", data["id"], response.message)
            else:
                logger.warning("ignored a notification: %s", response.message)
            # pygls logs the same failure twice more, with tracebacks; the
            # filter on its loggers drops those records for this error.
            error.steward_reported = True  # type: ignore[attr-defined]
            raise

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        """Cancel the requests still running, then shut down as pygls does.

        pygls 2.1 cancels them while it iterates over its table of pending
        requests, which a cancellation changes, so a shutdown that arrived
        during a command got a RuntimeError response. Cancelling them first,
        from a copy of the table, leaves pygls nothing to change.
        """
        current_id = self.msg_id
        for request_id, future in list(self._request_futures.items()):
            if request_id != current_id and not future.done():
                future.cancel()
        yield from super().lsp_shutdown(*args)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """Apply a change to an open document, and warn about any other.

        pygls would raise KeyError on a URI the client never opened. The
        change cannot be applied without the text it edits, so it is dropped
        and the file stays analysed as it is on disk.
        """
        uri = params.text_document.uri
        if unquote(uri) not in self.workspace.text_documents:
            logger.warning(
                "textDocument/didChange for %s, which the client never opened "
                "with textDocument/didOpen: the change is ignored",
                uri,
            )
            return
        yield from super().lsp_text_document__did_change(params)


def _is_request(data: dict[str, Any]) -> bool:
    return (
        isinstance(data.get("method"), str)
        and isinstance(data.get("id"), (int, str))
        and not isinstance(data.get("id"), bool)
    )


def _response_error(method: str, error: JsonRpcException) -> types.ResponseError:
    message = f"{error.message} in {method}"
    if isinstance(error, JsonRpcInvalidParams) and error.__cause__ is not None:
        details = [_json_names(detail) for detail in transform_error(error.__cause__)]
        message = f"invalid params of {method}: {'; '.join(details)}"
    return types.ResponseError(code=error.code, message=message)


_PATH = re.compile(r"\$(?:\.\w+|\[\d+\])+")


def _json_names(detail: str) -> str:
    """Write the field path of a cattrs error with the protocol's camelCase names.

    cattrs names the Python attributes (``$.params.text_document``), while the
    client sent ``textDocument``.
    """

    def camel(match: re.Match[str]) -> str:
        return re.sub(r"_([a-z])", lambda letter: letter[1].upper(), match[0])

    return _PATH.sub(camel, detail)


class ReportedErrorFilter(logging.Filter):
    """Drop pygls's records of a message error :class:`StewardProtocol` logged.

    The tracebacks of errors that are the client's, not the server's (an
    error response pygls sent, such as an unknown command, or a message
    that is not JSON), are shortened to one line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Unable to deserialize message"):
            return False
        error = record.exc_info[1] if record.exc_info else None
        if reported_by_protocol(error):
            return False
        if isinstance(error, (JsonRpcException, json.JSONDecodeError)):
            record.msg = f"{record.getMessage()}: {type(error).__name__}: {error}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def reported_by_protocol(error: BaseException | None) -> bool:
    """Tell whether ``error``, or one in its exception group, was logged already."""
    if error is None:
        return False
    if getattr(error, "steward_reported", False):
        return True
    nested = getattr(error, "exceptions", ())
    return any(reported_by_protocol(inner) for inner in nested)


def quiet_reported_errors() -> None:
    """Install :class:`ReportedErrorFilter` on the pygls loggers that log them."""
    for name in ("pygls.protocol.json_rpc", "pygls.io_", "pygls.server"):
        logging.getLogger(name).addFilter(ReportedErrorFilter())
