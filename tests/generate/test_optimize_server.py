"""``steward.optimizeDb`` over stdio: the command writes the report and the DDL."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import (
    ClientServerConfig,
    LanguageClient,
    client_capabilities,
    make_test_lsp_client,
)

PROJECT = Path(__file__).parent / "optimize_project"


def _make_client() -> LanguageClient:
    """Return a test client that accepts the server's watcher registration."""
    client = make_test_lsp_client()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        return None

    return client


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "steward_lsp.server"],
        client_factory=_make_client,
    )
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    """Start the language server over stdio."""
    yield
    await lsp_client.shutdown_session()


async def test_command_writes_report_and_sql(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = tmp_path / "ledger_project"
    shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns("__pycache__"))
    database = tmp_path / "missing.sqlite"
    folder_uri = from_fs_path(str(root))
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=folder_uri,
            workspace_folders=[types.WorkspaceFolder(uri=folder_uri, name=root.name)],
        )
    )

    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="steward.optimizeDb",
            arguments=[{"database_url": f"sqlite:///{database}"}],
        )
    )

    report = root / "docs" / "db-optimization.md"
    assert result["written"] == [
        from_fs_path(str(report)),
        from_fs_path(str(root / "docs" / "sql-samples.sql")),
    ]
    assert "4 missing and 1 redundant" in result["summary"]
    assert any("no EXPLAIN plans" in note for note in result["notes"])
    assert "| notarizations | tx_hash | ledger id, query |" in report.read_text(
        encoding="utf-8"
    )
    assert not database.exists()


async def test_command_uses_environment_of_uri(
    client: LanguageClient, tmp_path: Path
) -> None:
    """A palette command in a workspace of several environments takes the file's."""
    root = tmp_path / "defects"
    defects = Path(__file__).parents[2] / "examples" / "defects"
    shutil.copytree(defects, root, ignore=shutil.ignore_patterns("__pycache__"))
    folder_uri = from_fs_path(str(root))
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=folder_uri,
            workspace_folders=[types.WorkspaceFolder(uri=folder_uri, name=root.name)],
        )
    )
    [revision] = sorted((root / "postgres" / "migrations" / "versions").glob("*.py"))[
        :1
    ]

    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="steward.optimizeDb",
            arguments=[{"uri": from_fs_path(str(revision))}],
        )
    )

    assert "error" not in result, result
    report = root / "docs" / "db-optimization.md"
    assert from_fs_path(str(report)) in result["written"]
    assert "Environment `postgres/migrations`" in report.read_text(encoding="utf-8")
