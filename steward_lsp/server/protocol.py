"""The server's JSON-RPC protocol: pygls's, with error responses to bad requests.

pygls 2.1.1 structures each message with cattrs while the JSON is decoded.
When the params of a request do not fit the method's type, it logs the
error and drops the message, so the client waits for a response that never
comes. :class:`StewardProtocol` sends the JSON-RPC error response
(InvalidParams, -32602, naming the fields that failed) before pygls drops
the request.
"""

from __future__ import annotations

import logging
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
            if _is_request(data):
                self._send_response(
                    data["id"], error=_response_error(data["method"], error)
                )
            raise

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
        details = transform_error(error.__cause__)
        message = f"invalid params of {method}: {'; '.join(details)}"
    return types.ResponseError(code=error.code, message=message)
