"""Server start, indexing progress and the start banner, for each editor."""

from __future__ import annotations

from pathlib import Path

from lsp_session import (
    RecordingClient,
    codes,
    copy_workspace,
    initialize,
    uri,
    wait_for,
    wait_for_diagnostics,
    wait_for_indexing,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

MODELS = Path("app/models.py")


async def test_initialize_reports_server_info(
    client: LanguageClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)

    result = await initialize(client, spec, root)

    assert result.server_info is not None
    assert result.server_info.name == "steward"
    assert result.capabilities.code_action_provider is not None


async def test_indexing_reports_progress(
    client: LanguageClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    await initialize(client, spec, root)

    await wait_for_indexing(client)

    reports = [r for values in client.progress_reports.values() for r in values]
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)


async def test_start_banner_names_client(
    client: LanguageClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    await initialize(client, spec, root)

    await wait_for(
        client,
        types.WINDOW_LOG_MESSAGE,
        lambda: any("starting on Python" in m.message for m in client.log_messages),
        "the start banner",
    )

    banner = next(
        m.message for m in client.log_messages if "starting on Python" in m.message
    )
    assert spec in banner


async def test_workspace_folder_change(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    first = copy_workspace("notary", tmp_path / "first")
    second = copy_workspace("notary", tmp_path / "second")
    await initialize(client, spec, first)
    await wait_for_indexing(client)
    assert "STW103" in codes(client, first / MODELS)

    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[types.WorkspaceFolder(uri=uri(second), name="second")],
                removed=[types.WorkspaceFolder(uri=uri(first), name="first")],
            )
        )
    )

    await wait_for_diagnostics(
        client,
        second / MODELS,
        lambda ds: "STW103" in {str(d.code) for d in ds},
        "STW103 in the added folder",
    )
    assert codes(client, first / MODELS) == set()
