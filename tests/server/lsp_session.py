"""Helpers for end-to-end tests: a pytest-lsp client driving the real server.

The server runs as ``python -m steward_lsp.server`` over stdio. Tests wait
for notifications with a deadline instead of sleeping.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Union

import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from steward_lsp.engine.analysis import Workspace
from steward_lsp.engine.findings import Finding

WORKSPACES = Path(__file__).parent / "workspaces"
CLIENTS = ["visual-studio-code", "neovim@v0.7.0"]
TIMEOUT_SECONDS = 10.0


def _client_converter() -> Any:
    # lsprotocol 2025.0.0 decodes any code action result with a "command" key
    # as a Command, dropping the edit of a CodeAction that also has a
    # command. Editors decide by the type of "command" (a string in Command).
    converter = default_converter()

    def structure_action(value: Any, _: type) -> types.Command | types.CodeAction:
        if isinstance(value.get("command"), str):
            return converter.structure(value, types.Command)
        return converter.structure(value, types.CodeAction)

    converter.register_structure_hook(
        Union[types.Command, types.CodeAction],  # noqa: UP007 - the hook's key
        structure_action,
    )
    return converter


class RecordingClient(LanguageClient):
    """A test client that also keeps every publish and registration."""

    def __init__(self) -> None:
        super().__init__(converter_factory=_client_converter)
        self.publishes: list[types.PublishDiagnosticsParams] = []
        self.registrations: list[types.Registration] = []
        self.refreshes: list[str] = []
        """The method of each refresh request the server sent, in order."""
        self.refreshed = asyncio.Event()


def _publish_diagnostics(
    client: RecordingClient, params: types.PublishDiagnosticsParams
) -> None:
    client.publishes.append(params)
    client.diagnostics[params.uri] = params.diagnostics


def _register_capability(
    client: RecordingClient, params: types.RegistrationParams
) -> None:
    client.registrations.extend(params.registrations)


def _record_refresh(method: str) -> Callable[[RecordingClient, None], None]:
    def record(client: RecordingClient, params: None) -> None:
        client.refreshes.append(method)
        client.refreshed.set()

    return record


def make_client() -> RecordingClient:
    """Return a test client with pytest-lsp's handlers plus recording ones."""
    client = RecordingClient()
    features = {
        **DEFAULT_CLIENT_FEATURES,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _publish_diagnostics,
        types.CLIENT_REGISTER_CAPABILITY: _register_capability,
        types.WORKSPACE_DIAGNOSTIC_REFRESH: _record_refresh(
            types.WORKSPACE_DIAGNOSTIC_REFRESH
        ),
        types.WORKSPACE_CODE_LENS_REFRESH: _record_refresh(
            types.WORKSPACE_CODE_LENS_REFRESH
        ),
    }
    register_lsp_features(client, features)
    return client


SERVER = pytest_lsp.ClientServerConfig(
    server_command=[sys.executable, "-m", "steward_lsp.server"],
    client_factory=make_client,
    server_env={**os.environ, "STEWARD_LOG_LEVEL": "DEBUG"},
)


def copy_workspace(name: str, destination: Path) -> Path:
    """Copy the fixture workspace ``name`` to ``destination`` and return it."""
    target = destination / name
    shutil.copytree(WORKSPACES / name, target)
    return target.resolve()


def uri(path: Path) -> str:
    """Return the file URI of ``path``."""
    return from_fs_path(str(path))


def supports_configuration(spec: str) -> bool:
    """Tell whether the client of ``spec`` supports workspace/configuration."""
    workspace = client_capabilities(spec).workspace
    return bool(workspace and workspace.configuration)


def pull_capabilities(spec: str) -> types.ClientCapabilities:
    """Return the capabilities of ``spec`` with pull diagnostics and refresh.

    VS Code 1.65, the latest profile pytest-lsp 1.0.1 has, predates pull
    diagnostics, which LSP 3.17 added and vscode-languageclient 11 (the
    extension's client library) uses.
    """
    capabilities = client_capabilities(spec)
    text_document = capabilities.text_document or types.TextDocumentClientCapabilities()
    text_document.diagnostic = types.DiagnosticClientCapabilities(
        dynamic_registration=True, related_document_support=False
    )
    workspace = capabilities.workspace or types.WorkspaceClientCapabilities()
    workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
        refresh_support=True
    )
    capabilities.text_document = text_document
    capabilities.workspace = workspace
    return capabilities


async def initialize(
    client: LanguageClient,
    spec: str,
    root: Path,
    settings: dict[str, Any] | None = None,
    capabilities: types.ClientCapabilities | None = None,
) -> types.InitializeResult:
    """Initialize a session on ``root`` as the client ``spec`` would.

    Settings go through ``workspace/configuration`` when the client supports
    it and through ``initializationOptions`` otherwise. ``capabilities``
    replaces those of ``spec``.
    """
    options = None
    if settings is not None:
        if supports_configuration(spec):
            client.set_configuration(settings, section="steward")
        else:
            options = {"steward": settings}

    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities or client_capabilities(spec),
            client_info=types.ClientInfo(name=spec, version="test"),
            root_uri=uri(root),
            workspace_folders=[types.WorkspaceFolder(uri=uri(root), name=root.name)],
            initialization_options=options,
        )
    )


async def wait_for(
    client: LanguageClient,
    method: str,
    condition: Callable[[], bool],
    description: str,
    timeout: float = TIMEOUT_SECONDS,
) -> None:
    """Wait for notifications of ``method`` until ``condition()`` holds.

    The check and the wait run without an await in between, so no
    notification can slip past.
    """

    async def wait() -> None:
        while not condition():
            await client.wait_for_notification(method)

    try:
        await asyncio.wait_for(wait(), timeout)
    except TimeoutError:
        raise AssertionError(
            f"timed out after {timeout}s waiting for {description}"
        ) from None


async def wait_for_refresh(
    client: RecordingClient,
    method: str,
    count: int,
    timeout: float = TIMEOUT_SECONDS,
) -> None:
    """Wait until the server has sent the refresh request ``method`` ``count`` times.

    The count is checked and the event cleared without an await in between,
    so no request can slip past.
    """

    async def wait() -> None:
        while client.refreshes.count(method) < count:
            client.refreshed.clear()
            await client.refreshed.wait()

    try:
        await asyncio.wait_for(wait(), timeout)
    except TimeoutError:
        raise AssertionError(
            f"timed out after {timeout}s waiting for {method} number {count}; "
            f"refreshes so far: {client.refreshes}"
        ) from None


def diagnostics(client: LanguageClient, path: Path) -> Sequence[types.Diagnostic]:
    """Return the diagnostics the client holds for ``path``."""
    return client.diagnostics.get(uri(path), [])


def codes(client: LanguageClient, path: Path) -> set[str]:
    """Return the codes of the diagnostics the client holds for ``path``."""
    return {str(d.code) for d in diagnostics(client, path)}


async def wait_for_diagnostics(
    client: LanguageClient,
    path: Path,
    condition: Callable[[Sequence[types.Diagnostic]], bool],
    description: str,
    timeout: float = TIMEOUT_SECONDS,
) -> Sequence[types.Diagnostic]:
    """Wait until the diagnostics of ``path`` satisfy ``condition``."""
    await wait_for(
        client,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
        lambda: (
            uri(path) in client.diagnostics and condition(diagnostics(client, path))
        ),
        f"{description} in {path.name}",
        timeout,
    )
    return diagnostics(client, path)


def indexing_finished(client: LanguageClient) -> bool:
    """Tell whether the server has ended its indexing progress."""
    return any(
        isinstance(report, types.WorkDoneProgressEnd)
        for reports in client.progress_reports.values()
        for report in reports
    )


async def wait_for_indexing(client: LanguageClient) -> None:
    """Wait until the server reports the end of its indexing progress."""
    await wait_for(
        client, types.PROGRESS, lambda: indexing_finished(client), "indexing"
    )


def log_contains(client: LanguageClient, text: str) -> bool:
    """Tell whether a window/logMessage so far contains ``text``."""
    return any(text in message.message for message in client.log_messages)


def open_document(client: LanguageClient, path: Path, text: str | None = None) -> str:
    """Send didOpen for ``path`` with its text on disk or ``text``."""
    document_uri = uri(path)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=document_uri,
                language_id="python",
                version=1,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    return document_uri


def change_document(
    client: LanguageClient, path: Path, version: int, text: str
) -> None:
    """Send didChange replacing the whole buffer of ``path`` with ``text``."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=uri(path), version=version
            ),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def apply_edit(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Apply single-line ``edits`` (UTF-16 columns) to ``text``."""
    lines = text.splitlines(keepends=True)
    for edit in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        assert edit.range.start.line == edit.range.end.line, "expected a one-line edit"
        line = lines[edit.range.start.line]
        start = utf16_to_index(line, edit.range.start.character)
        end = utf16_to_index(line, edit.range.end.character)
        lines[edit.range.start.line] = line[:start] + edit.new_text + line[end:]
    return "".join(lines)


def utf16_length(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def utf16_to_index(line: str, units: int) -> int:
    """Return the string index at UTF-16 column ``units`` of ``line``."""
    count = 0
    for index, char in enumerate(line):
        if count >= units:
            return index
        count += utf16_length(char)
    return len(line)


def engine_findings(
    root: Path,
    path: Path,
    buffers: dict[Path, str] | None = None,
    settings: dict[str, object] | None = None,
) -> list[Finding]:
    """Return what the engine, run in this process, finds in ``path``."""
    workspace = Workspace(root, settings)
    for buffer_path, text in (buffers or {}).items():
        workspace.set_document(buffer_path, text)
    return workspace.analyze().findings.get(path.resolve(), [])


def line_of(text: str, fragment: str) -> int:
    """Return the 0-based number of the one line of ``text`` with ``fragment``."""
    numbers = [n for n, line in enumerate(text.splitlines()) if fragment in line]
    assert len(numbers) == 1, f"{fragment!r} is on lines {numbers}, expected one"
    return numbers[0]


def missing_columns(found: Sequence[types.Diagnostic], text: str) -> set[str]:
    """Return the columns on whose lines of ``text`` STW103 is reported."""
    lines = text.splitlines()
    names = set()
    for diagnostic in found:
        if diagnostic.code == "STW103":
            names.add(lines[diagnostic.range.start.line].split(":")[0].strip())
    return names


def with_line_after(text: str, anchor: str, new_line: str) -> str:
    """Return ``text`` with ``new_line`` inserted after the first ``anchor``."""
    head, tail = text.split(anchor, 1)
    return f"{head}{anchor}{new_line}{tail}"


def codes_on_line(found: Sequence[types.Diagnostic], line: int) -> set[str]:
    """Return the codes of the diagnostics that start on ``line``."""
    return {str(d.code) for d in found if d.range.start.line == line}
