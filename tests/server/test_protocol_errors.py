"""Malformed and out-of-order client messages over stdio."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from lsp_session import (
    SERVER,
    RecordingClient,
    copy_workspace,
    initialize,
    log_contains,
    open_document,
    uri,
    wait_for,
    wait_for_diagnostics,
)
from lsprotocol import types

TIMEOUT_SECONDS = 10.0


class RawConnection:
    """The server over stdio, with messages written and read as plain JSON.

    pytest-lsp's client structures every request with lsprotocol, so it
    cannot send params that do not fit the method's type.
    """

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.received: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def response(self, request_id: int) -> dict[str, Any]:
        """Read messages until the response to ``request_id`` arrives."""

        async def read() -> dict[str, Any]:
            while True:
                message = await self._read_message()
                self.received.append(message)
                if message.get("id") == request_id and "method" not in message:
                    return message

        try:
            return await asyncio.wait_for(read(), TIMEOUT_SECONDS)
        except TimeoutError:
            methods = [m.get("method", m.get("id")) for m in self.received]
            raise AssertionError(
                f"no response to request {request_id} within {TIMEOUT_SECONDS}s; "
                f"received {methods}"
            ) from None

    async def _read_message(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        length = 0
        while (line := await self.process.stdout.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        assert length, "the server closed stdout or sent no Content-Length"
        body = await self.process.stdout.readexactly(length)
        message: dict[str, Any] = json.loads(body)
        return message


async def test_malformed_hover_gets_invalid_params(tmp_path: Path) -> None:
    root = copy_workspace("notary", tmp_path)
    process = await asyncio.create_subprocess_exec(
        *SERVER.server_command,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    connection = RawConnection(process)
    try:
        connection.send(
            {
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": uri(root), "capabilities": {}},
            }
        )
        assert "result" in await connection.response(1)
        connection.send({"method": "initialized", "params": {}})

        connection.send(
            {
                "id": 2,
                "method": "textDocument/hover",
                "params": {
                    "textDocument": {"uri": uri(root / "app/models.py")},
                    "position": {"line": "zero"},
                },
            }
        )
        response = await connection.response(2)

        error = response.get("error")
        assert error is not None, f"expected an error response, got {response}"
        assert error["code"] == -32602
        assert "textDocument/hover" in error["message"]
        assert "$.params.position.character" in error["message"]
        assert "$.params.position.line" in error["message"]

        connection.send(
            {
                "id": 3,
                "method": "textDocument/hover",
                "params": {"position": {"line": 0, "character": 0}},
            }
        )
        missing = (await connection.response(3)).get("error") or {}
        # The path names the protocol's field, not lsprotocol's attribute.
        assert "$.params.textDocument" in missing.get("message", ""), missing

        connection.send({"id": 4, "method": "shutdown"})
        assert "result" in await connection.response(4)
        connection.send({"method": "exit"})
        assert await asyncio.wait_for(process.wait(), TIMEOUT_SECONDS) == 0
        assert process.stderr is not None
        stderr = (await process.stderr.read()).decode("utf-8", "replace")
        logged = [
            message["params"]["message"]
            for message in connection.received
            if message.get("method") == "window/logMessage"
        ]
        # One warning per rejected request, and none of pygls's tracebacks.
        assert sum("rejected request" in line for line in logged) == 2, logged
        assert "Traceback" not in stderr, stderr
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_client_errors_logged_once(tmp_path: Path) -> None:
    root = copy_workspace("notary", tmp_path)
    process = await asyncio.create_subprocess_exec(
        *SERVER.server_command,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    connection = RawConnection(process)
    try:
        connection.send(
            {
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": uri(root), "capabilities": {}},
            }
        )
        assert "result" in await connection.response(1)
        connection.send({"method": "initialized", "params": {}})

        connection.send(
            {
                "id": 2,
                "method": "workspace/executeCommand",
                "params": {"command": "steward.noSuchCommand", "arguments": []},
            }
        )
        unknown = (await connection.response(2)).get("error") or {}
        assert unknown.get("code") == -32602, unknown
        assert process.stdin is not None
        truncated = b'{"jsonrpc": "2.0", "id": 3, "method": "textDocument/ho'
        process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(truncated))
        process.stdin.write(truncated)

        connection.send({"id": 4, "method": "shutdown"})
        assert "result" in await connection.response(4)
        connection.send({"method": "exit"})
        assert await asyncio.wait_for(process.wait(), TIMEOUT_SECONDS) == 0
        assert process.stderr is not None
        lines = (await process.stderr.read()).decode("utf-8", "replace").splitlines()
        assert not [line for line in lines if "Traceback" in line], lines
        command_lines = [line for line in lines if "steward.noSuchCommand" in line]
        assert len(command_lines) == 1, lines
        json_lines = [line for line in lines if "JSONDecodeError" in line]
        assert len(json_lines) == 1, lines
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_shutdown_during_command(tmp_path: Path) -> None:
    root = copy_workspace("notary", tmp_path)
    process = await asyncio.create_subprocess_exec(
        *SERVER.server_command,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    connection = RawConnection(process)
    try:
        connection.send(
            {
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": uri(root), "capabilities": {}},
            }
        )
        assert "result" in await connection.response(1)
        connection.send({"method": "initialized", "params": {}})
        models = root / "app/models.py"
        text = models.read_text(encoding="utf-8")
        connection.send(
            {
                "method": "textDocument/didOpen",
                "params": {
                    "textDocument": {
                        "uri": uri(models),
                        "languageId": "python",
                        "version": 1,
                        "text": text,
                    }
                },
            }
        )
        for version in range(2, 12):
            connection.send(
                {
                    "method": "textDocument/didChange",
                    "params": {
                        "textDocument": {"uri": uri(models), "version": version},
                        "contentChanges": [{"text": text + "\n" * version}],
                    },
                }
            )
        connection.send(
            {
                "id": 2,
                "method": "workspace/executeCommand",
                "params": {"command": "steward.modelState", "arguments": [{}]},
            }
        )
        connection.send({"id": 3, "method": "shutdown"})

        shutdown = await connection.response(3)
        command = [m for m in connection.received if m.get("id") == 2]

        assert shutdown.get("error") is None, shutdown
        assert "result" in shutdown
        # The command either finished before the shutdown or was cancelled.
        if command:
            assert "result" in command[0] or command[0]["error"]["code"] == -32800
        connection.send({"method": "exit"})
        assert await asyncio.wait_for(process.wait(), TIMEOUT_SECONDS) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_change_of_unopened_document_warns(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / "app/models.py"
    await initialize(client, spec, root)

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=uri(models), version=2
            ),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="")],
        )
    )
    warning = f"textDocument/didChange for {uri(models)}, which the client never opened"
    await wait_for(
        client,
        types.WINDOW_LOG_MESSAGE,
        lambda: log_contains(client, warning),
        "the warning about the unopened document",
    )

    open_document(client, models)
    await wait_for_diagnostics(
        client,
        models,
        lambda ds: "STW103" in {str(d.code) for d in ds},
        "STW103 after the document is opened",
    )
    assert not log_contains(client, "KeyError")
