"""workspace/executeCommand with bad arguments: a clear error, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsp_session import (
    RecordingClient,
    initialize,
    open_document,
    uri,
    wait_for_diagnostics,
)
from lsprotocol import types

FIXTURES = Path(__file__).resolve().parents[1] / "workspaces"

BAD_ARGUMENTS = [
    (["not an object"], "must be one object of options"),
    ([{"unknown_option": 1}], "unknown option 'unknown_option'"),
    ([{"check": True}], "unknown option 'check'"),
    ([{"output_dir": 5}], "invalid output_dir 5"),
    ([{"uri": 7}], "invalid uri 7"),
    ([{"uri": "file:///etc/passwd"}], "is not inside an open workspace folder"),
    ([{"output_dir": "/etc"}], "is outside the workspace"),
]


@pytest.mark.parametrize(("arguments", "expected"), BAD_ARGUMENTS)
async def test_bad_arguments_rejected(
    client: RecordingClient,
    spec: str,
    tmp_path: Path,
    arguments: list[object],
    expected: str,
) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "extra_column_at_head", project)
    await initialize(client, spec, project)

    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="steward.modelState", arguments=arguments)
    )

    assert isinstance(result, dict), result
    assert expected in result["error"]
    assert not (project / "docs").exists()
    assert not Path("/etc/data-model.mmd").exists()


async def test_drift_offers_author_migration(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "extra_column_at_head", project)
    models = project / "models.py"
    await initialize(client, spec, project)
    open_document(client, models)
    found = await wait_for_diagnostics(
        client, models, lambda found: any(d.code == "STW104" for d in found), "STW104"
    )
    diagnostic = next(d for d in found if d.code == "STW104")

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(models)),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )

    assert actions is not None
    commands = [a.command for a in actions if isinstance(a, types.CodeAction)]
    authored = [c for c in commands if c and c.command == "steward.authorMigration"]
    assert len(authored) == 1
    assert list(authored[0].arguments or ()) == [{"uri": uri(models)}]


async def test_invalid_toml_names_toml_error(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "extra_column_at_head", project)
    pyproject = project / "pyproject.toml"
    pyproject.write_text("[tool.steward\n", encoding="utf-8")
    await initialize(client, spec, project)

    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="steward.modelState", arguments=[])
    )

    assert isinstance(result, dict), result
    assert f"{pyproject}:1:" in result["error"]
    assert "invalid TOML" in result["error"]
    assert "no Alembic environment" not in result["error"]
    assert not (project / "docs").exists()
