"""workspace/executeCommand with bad arguments: a clear error, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsp_session import RecordingClient, initialize
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
