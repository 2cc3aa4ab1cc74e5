"""Pull and push diagnostics over stdio, chosen by the client's capabilities."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest_lsp
from lsp_session import (
    SERVER,
    RecordingClient,
    change_document,
    codes_on_line,
    copy_workspace,
    engine_findings,
    initialize,
    line_of,
    missing_columns,
    open_document,
    pull_capabilities,
    uri,
    wait_for_diagnostics,
    wait_for_indexing,
    wait_for_refresh,
    with_line_after,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

VSCODE = "visual-studio-code"
NEOVIM = "neovim@v0.7.0"
MODELS = Path("app/models.py")
ANCHORS_REVISION = Path("migrations/versions/0002_create_anchors.py")
NEW_COLUMN = "    summary: Mapped[str | None] = mapped_column(Text)\n"
DIAGNOSTIC_REFRESH = types.WORKSPACE_DIAGNOSTIC_REFRESH
CODE_LENS_REFRESH = types.WORKSPACE_CODE_LENS_REFRESH

DocumentReport = (
    types.RelatedFullDocumentDiagnosticReport
    | types.RelatedUnchangedDocumentDiagnosticReport
)


@pytest_lsp.fixture(config=SERVER)
async def session(lsp_client: LanguageClient) -> AsyncIterator[None]:
    """Start the server, which each test initializes with its own capabilities."""
    yield
    await lsp_client.shutdown_session()


async def _pull(
    client: RecordingClient, path: Path, previous_result_id: str | None = None
) -> DocumentReport:
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri(path)),
            identifier="steward",
            previous_result_id=previous_result_id,
        )
    )
    assert isinstance(
        report,
        types.RelatedFullDocumentDiagnosticReport
        | types.RelatedUnchangedDocumentDiagnosticReport,
    ), f"unexpected report {report!r}"
    return report


def _positions(found: Sequence[types.Diagnostic]) -> set[tuple[str, int]]:
    return {(str(d.code), d.range.start.line) for d in found}


def _engine_positions(
    root: Path, path: Path, buffers: dict[Path, str] | None = None
) -> set[tuple[str, int]]:
    return {
        (f.code, f.location.span.start_line)
        for f in engine_findings(root, path, buffers)
    }


def _with_new_column(text: str) -> str:
    return with_line_after(text, "String(200))\n", NEW_COLUMN)


async def test_pull_client_pulls_and_refreshes(
    session: RecordingClient, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    revision = root / ANCHORS_REVISION
    text = models.read_text(encoding="utf-8")
    result = await initialize(
        session, VSCODE, root, capabilities=pull_capabilities(VSCODE)
    )
    provider = result.capabilities.diagnostic_provider
    assert isinstance(provider, types.DiagnosticOptions)
    assert provider.identifier == "steward"
    assert provider.inter_file_dependencies is True
    assert provider.workspace_diagnostics is True
    await wait_for_indexing(session)
    open_document(session, models)

    first = await _pull(session, models)
    assert isinstance(first, types.RelatedFullDocumentDiagnosticReport)
    assert first.result_id
    assert "STW103" in codes_on_line(first.items, line_of(text, "reviewer_note"))
    assert _positions(first.items) == _engine_positions(root, models)

    again = await _pull(session, models, first.result_id)
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    assert again.result_id == first.result_id

    workspace = await session.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(identifier="steward", previous_result_ids=[])
    )
    by_uri = {item.uri: item for item in workspace.items}
    revision_report = by_uri[uri(revision)]
    assert isinstance(revision_report, types.WorkspaceFullDocumentDiagnosticReport)
    assert _positions(revision_report.items) == _engine_positions(root, revision)

    diagnostic_refreshes = session.refreshes.count(DIAGNOSTIC_REFRESH)
    added = _with_new_column(text)
    change_document(session, models, 2, added)
    # The pull is sent at once, before any refresh, and the server responds
    # after it has analysed the edit.
    changed = await _pull(session, models, first.result_id)
    assert isinstance(changed, types.RelatedFullDocumentDiagnosticReport)
    assert changed.result_id != first.result_id
    assert missing_columns(changed.items, added) == {"summary", "reviewer_note"}
    assert _positions(changed.items) == _engine_positions(root, models, {models: added})

    await wait_for_refresh(session, DIAGNOSTIC_REFRESH, diagnostic_refreshes + 1)
    await wait_for_refresh(session, CODE_LENS_REFRESH, 1)
    assert session.publishes == []


async def test_push_client_gets_publishes_only(
    session: RecordingClient, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    text = models.read_text(encoding="utf-8")
    await initialize(session, NEOVIM, root)
    open_document(session, models)
    await wait_for_diagnostics(
        session,
        models,
        lambda ds: "STW103" in codes_on_line(ds, line_of(text, "reviewer_note")),
        "STW103 on the reviewer_note column",
    )

    added = _with_new_column(text)
    change_document(session, models, 2, added)
    found = await wait_for_diagnostics(
        session,
        models,
        lambda ds: missing_columns(ds, added) == {"summary", "reviewer_note"},
        "STW103 on the summary and the moved reviewer_note columns",
    )

    assert _positions(found) == _engine_positions(root, models, {models: added})
    assert session.refreshes == []


async def test_removed_folder_pulls_empty(
    session: RecordingClient, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    await initialize(session, VSCODE, root, capabilities=pull_capabilities(VSCODE))
    await wait_for_indexing(session)
    first = await session.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    previous = [
        types.PreviousResultId(uri=item.uri, value=item.result_id)
        for item in first.items
        if item.result_id is not None
    ]
    assert uri(models) in {item.uri for item in previous}
    refreshes = session.refreshes.count(DIAGNOSTIC_REFRESH)

    session.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[],
                removed=[types.WorkspaceFolder(uri=uri(root), name=root.name)],
            )
        )
    )
    await wait_for_refresh(session, DIAGNOSTIC_REFRESH, refreshes + 1)

    after = await session.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=previous)
    )
    by_uri = {item.uri: item for item in after.items}
    report = by_uri[uri(models)]
    assert isinstance(report, types.WorkspaceFullDocumentDiagnosticReport)
    assert list(report.items) == []
    document = await _pull(session, models)
    assert isinstance(document, types.RelatedFullDocumentDiagnosticReport)
    assert list(document.items) == []
