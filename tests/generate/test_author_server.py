"""``steward.authorMigration`` over stdio: the server authors the revision.

The client is VS Code's profile, which supports work-done progress, so the
command must report ``$/progress`` while it runs.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_lsp
from author_support import PROJECTS, Alembic, copy_project, revision_id
from lsprotocol import types
from pygls.uris import to_fs_path
from pytest_lsp import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from lsp_session import SERVER, initialize, uri  # noqa: E402

from steward_lsp.engine.generate import generator_named  # noqa: E402

CLIENT = "visual-studio-code"
AUTHOR = generator_named("author-migration")


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    """Start the server; the test initializes it on its own workspace."""
    yield
    await lsp_client.shutdown_session()


async def _execute(client: LanguageClient, arguments: dict[str, object]) -> dict:
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=AUTHOR.command_id, arguments=[arguments])
    )
    assert isinstance(result, dict), result
    return result


async def test_command_writes_revision(
    client: LanguageClient, tmp_path: Path, sqlite_url: str
) -> None:
    root = copy_project(PROJECTS / "shop", tmp_path / "shop", sqlite_url)
    alembic = Alembic(root, sqlite_url)
    alembic.upgrade()
    await initialize(client, CLIENT, root)
    models = root / "shop" / "models.py"

    result = await _execute(
        client, {"uri": uri(models), "message": "from editor", "no_round_trip": True}
    )

    assert "error" not in result, result
    assert result["failed"] is False
    [written] = [Path(to_fs_path(item)) for item in result["written"]]
    assert written.parent == root / "migrations" / "versions"
    assert written.name.endswith("_from_editor.py")
    alembic.upgrade()
    assert alembic.current() == [revision_id(written)]
    assert alembic.compare() == []
    titles = [
        report.title
        for reports in client.progress_reports.values()
        for report in reports
        if isinstance(report, types.WorkDoneProgressBegin)
    ]
    assert f"steward: {AUTHOR.title}" in titles


async def test_command_reports_generate_error(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = copy_project(PROJECTS / "shop", tmp_path / "shop", "sqlite:///shop.db")
    await initialize(client, CLIENT, root)

    result = await _execute(client, {"message": "   ", "no_round_trip": True})

    assert result == {
        "error": "steward author-migration: a revision message is required: "
        "pass -m MESSAGE"
    }
    assert sorted(p.name for p in (root / "migrations" / "versions").iterdir()) == [
        "1f0c8e2a9b3d_create_accounts.py"
    ]
