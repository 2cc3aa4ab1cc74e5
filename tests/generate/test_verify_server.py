"""``steward.verifyMigrations`` over stdio: the command writes the reports."""

from __future__ import annotations

import asyncio
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

ALEMBIC_INI = "[alembic]\nscript_location = migrations\n"

REVISION = '''\
"""create accounts"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("accounts", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    {downgrade}
'''


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


async def open_project(client: LanguageClient, root: Path, downgrade: str) -> None:
    """Write a one-revision project with ``downgrade`` and open it as the folder."""
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "alembic.ini").write_text(ALEMBIC_INI)
    (root / "migrations" / "env.py").write_text("raise RuntimeError('env.py ran')\n")
    (versions / "0001_accounts.py").write_text(REVISION.format(downgrade=downgrade))
    folder_uri = from_fs_path(str(root))
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=folder_uri,
            workspace_folders=[types.WorkspaceFolder(uri=folder_uri, name=root.name)],
        )
    )


async def test_command_writes_report(client: LanguageClient, tmp_path: Path) -> None:
    root = tmp_path / "project"
    await open_project(client, root, 'op.drop_table("accounts")')

    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="steward.verifyMigrations", arguments=[{"timeout": 120}]
        )
    )

    report = root / "docs" / "migrations" / "0001-test-report.md"
    summary = root / "docs" / "migrations" / "verify-report.md"
    assert result["written"] == [from_fs_path(str(report)), from_fs_path(str(summary))]
    assert result["summary"] == "1 revision(s): 1 passed, 0 failed"
    assert result["failed"] is False
    assert "**Result: passed.**" in report.read_text(encoding="utf-8")


async def test_command_reports_failure(client: LanguageClient, tmp_path: Path) -> None:
    root = tmp_path / "project"
    await open_project(client, root, "raise RuntimeError('no way back')")

    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="steward.verifyMigrations", arguments=[{}])
    )

    assert result["failed"] is True
    assert "0001: downgrade failed: RuntimeError: no way back" in result["summary"]
    report = root / "docs" / "migrations" / "0001-test-report.md"
    assert "**Result: failed.**" in report.read_text(encoding="utf-8")


async def test_command_invalid_timeout(client: LanguageClient, tmp_path: Path) -> None:
    root = tmp_path / "project"
    await open_project(client, root, 'op.drop_table("accounts")')

    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="steward.verifyMigrations", arguments=[{"timeout": "soon"}]
        )
    )

    assert "invalid timeout 'soon'" in result["error"]
    assert not (root / "docs").exists()


async def test_failed_step_is_diagnostic(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    await open_project(client, root, "raise RuntimeError('no way back')")
    revision_uri = from_fs_path(
        str(root / "migrations" / "versions" / "0001_accounts.py")
    )

    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="steward.verifyMigrations", arguments=[{}])
    )

    def failed_steps() -> list[types.Diagnostic]:
        found = client.diagnostics.get(revision_uri, [])
        return [d for d in found if d.code == "STW308"]

    async def wait() -> None:
        while not failed_steps():
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    await asyncio.wait_for(wait(), 30)
    [diagnostic] = failed_steps()
    assert diagnostic.range.start.line == 4
    assert "the downgrade of revision 0001 failed" in diagnostic.message
    assert "no way back" in diagnostic.message
