"""The deep check in the server: runs on save where the deep setting is on."""

from __future__ import annotations

import shutil
from pathlib import Path

from lsp_session import (
    RecordingClient,
    initialize,
    open_document,
    uri,
    wait_for_diagnostics,
)
from lsprotocol import types

FIXTURES = Path(__file__).resolve().parents[1] / "workspaces"
DEEP_TIMEOUT_SECONDS = 60.0


def deep_project(tmp_path: Path, enabled: bool) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "extra_column_at_head", project)
    value = "true" if enabled else "false"
    (project / "pyproject.toml").write_text(
        f"[tool.steward]\ndeep = {value}\n", encoding="utf-8"
    )
    return project.resolve()


async def open_and_save(client: RecordingClient, spec: str, project: Path) -> Path:
    """Open models.py, wait for its static findings, then send didSave."""
    models = project / "models.py"
    await initialize(client, spec, project)
    open_document(client, models)
    await wait_for_diagnostics(client, models, lambda found: bool(found), "STW104")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri(models))
        )
    )
    return models


def from_deep_check(diagnostics: list[types.Diagnostic] | object) -> bool:
    assert isinstance(diagnostics, list | tuple)
    return any("found by the deep check" in d.message for d in diagnostics)


async def test_save_runs_deep_check(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    project = deep_project(tmp_path, enabled=True)

    models = await open_and_save(client, spec, project)

    found = await wait_for_diagnostics(
        client, models, from_deep_check, "deep STW104", DEEP_TIMEOUT_SECONDS
    )
    assert [str(d.code) for d in found] == ["STW104"]
