"""``steward merge-heads`` and the STW401 code action: Alembic sees one head after."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from alembic.config import Config
from alembic.script import ScriptDirectory
from lsprotocol import types
from pytest_lsp import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from lsp_session import (  # noqa: E402
    SERVER,
    initialize,
    open_document,
    uri,
    wait_for_diagnostics,
)

from steward_lsp.engine.generate import generator_named  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[1] / "workspaces" / "multi_head_branch"
MERGE = generator_named("merge-heads")


def two_heads(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    return project.resolve()


def alembic_config(project: Path, url: str) -> Config:
    config = Config(str(project / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    return config


def steward(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "steward_lsp", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_merge_leaves_one_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = two_heads(tmp_path)
    # alembic.ini names script_location and prepend_sys_path relative to the
    # folder Alembic runs in.
    monkeypatch.chdir(project)
    config = alembic_config(project, f"sqlite:///{project / 'merged.sqlite'}")
    before = ScriptDirectory.from_config(config).get_heads()

    completed = steward(project, "merge-heads", "-m", "join branches")

    assert completed.returncode == 0, completed.stderr
    [written] = (project / "migrations" / "versions").glob("*_join_branches.py")
    script = ScriptDirectory.from_config(config)
    [head] = script.get_heads()
    merge = script.get_revision(head)
    assert merge is not None
    assert Path(merge.path) == written
    assert sorted(merge.down_revision) == sorted(before)
    # In a subprocess: env.py imports the fixture's models module, which
    # must not stay in this process's sys.modules for other tests.
    upgrade = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    check = steward(project, "check", ".", "--select", "STW401")
    assert check.returncode == 0, check.stdout


def test_cli_single_head_writes_nothing(tmp_path: Path) -> None:
    project = two_heads(tmp_path)
    assert steward(project, "merge-heads").returncode == 0
    files = sorted((project / "migrations" / "versions").iterdir())

    completed = steward(project, "merge-heads")

    assert completed.returncode == 0
    assert "nothing to merge" in completed.stderr
    assert sorted((project / "migrations" / "versions").iterdir()) == files


def test_cli_picks_only_branched_environment(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    shutil.copytree(FIXTURE, workspace / "branched")
    shutil.copytree(FIXTURE.parent / "drop_column", workspace / "linear")

    completed = steward(workspace, "merge-heads", "-m", "join branches")

    assert completed.returncode == 0, completed.stderr
    merged = list((workspace / "branched").glob("migrations/versions/*_join*.py"))
    assert len(merged) == 1
    assert list((workspace / "linear").glob("migrations/versions/*_join*.py")) == []


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    """Start the server; the test initializes it on its own workspace."""
    yield
    await lsp_client.shutdown_session()


async def test_code_action_merges_heads(client: LanguageClient, tmp_path: Path) -> None:
    project = two_heads(tmp_path)
    head_file = project / "migrations" / "versions" / "0003_create_billing_plans.py"
    await initialize(client, "visual-studio-code", project)
    open_document(client, head_file)
    found = await wait_for_diagnostics(
        client,
        head_file,
        lambda found: any(d.code == "STW401" for d in found),
        "STW401",
    )
    diagnostic = next(d for d in found if d.code == "STW401")

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(head_file)),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    [action] = [a for a in actions if isinstance(a, types.CodeAction) and a.command]
    assert action.command is not None
    assert action.command.command == MERGE.command_id
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command=action.command.command, arguments=action.command.arguments
        )
    )

    assert isinstance(result, dict), result
    assert len(result["written"]) == 1
    await wait_for_diagnostics(
        client,
        head_file,
        lambda found: not any(d.code == "STW401" for d in found),
        "STW401 gone",
    )
