"""Headless Neovim as the LSP client: diagnostics, code actions, a server command."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from editor_support import (
    MODEL_FILE,
    REPO,
    EditorRun,
    copy_example,
    model_lines,
    require_program,
    server_interpreter,
)

from steward_lsp.engine.generate.output import content_digest, mark_line

HERE = Path(__file__).resolve().parent
LUA_CLIENT = HERE / "nvim_client.lua"
WAIT_FOR_DIAGNOSTICS = HERE / "nvim_wait_diagnostics.lua"
REPORT_ROOTS = HERE / "nvim_client_roots.lua"
EDITORS_DOC = REPO / "docs" / "editors.md"
NVIM_TIMEOUT_SECONDS = 120


def run_neovim(nvim: str, python: str, workspace: Path, result: Path) -> dict[str, Any]:
    """Run the Lua client on the workspace's model file; return its result."""
    env = {
        **os.environ,
        "STEWARD_PYTHON": python,
        "STEWARD_ROOT": str(workspace),
        "STEWARD_RESULT": str(result),
    }
    completed = subprocess.run(
        [nvim, "--headless", "--clean", "-c", f"luafile {LUA_CLIENT}", MODEL_FILE],
        cwd=workspace,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=NVIM_TIMEOUT_SECONDS,
    )
    assert result.is_file(), (
        f"nvim wrote no result (exit {completed.returncode}):\n"
        f"{completed.stdout}\n{completed.stderr}"
    )
    outcome: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    outcome["exit_code"] = completed.returncode
    return outcome


@pytest.fixture(scope="module")
def neovim_run(tmp_path_factory: pytest.TempPathFactory) -> EditorRun:
    """Run the Lua client once; the tests below check one step each."""
    nvim = require_program("nvim")
    folder = tmp_path_factory.mktemp("neovim")
    workspace = copy_example(folder)
    original = model_lines(workspace)

    outcome = run_neovim(nvim, server_interpreter(), workspace, folder / "nvim.json")
    return EditorRun(workspace, original, outcome)


def test_neovim_ignore_action_clears_diagnostic(neovim_run: EditorRun) -> None:
    steps = neovim_run.steps

    assert neovim_run.outcome.get("error") is None, neovim_run.detail()
    assert neovim_run.outcome["exit_code"] == 0
    assert steps["diagnostics"]["diagnostics"], "no steward diagnostics"
    code = steps["code_actions"]["target_code"]
    line = steps["code_actions"]["target_line"]
    assert f"Ignore {code} on this line" in steps["code_actions"]["titles"]
    assert steps["edited"]["buffer_line"].endswith(f"# steward: ignore[{code}]")
    saved = neovim_run.saved_lines()
    assert saved[line] == steps["edited"]["buffer_line"], "edit not saved to disk"
    assert steps["after_edit"]["cleared"], neovim_run.detail()
    remaining = [(d["line"], d["code"]) for d in steps["after_edit"]["diagnostics"]]
    assert (line, code) not in remaining


def test_neovim_index_fix_edits_model(neovim_run: EditorRun) -> None:
    steps = neovim_run.steps

    assert "index_actions" in steps, neovim_run.detail()
    actions = steps["index_actions"]
    assert actions["target_code"] in {"STW201", "STW202"}
    assert actions["expected_title"] in actions["titles"]
    line = actions["target_line"]
    assert "index=True" not in neovim_run.original_lines[line]
    saved = neovim_run.saved_lines()
    assert "index=True" in saved[line], "the fix was not saved to disk"
    assert saved[line] == steps["index_edited"]["buffer_line"]
    assert steps["after_index_edit"]["cleared"], neovim_run.detail()
    remaining = [
        (d["line"], d["code"]) for d in steps["after_index_edit"]["diagnostics"]
    ]
    # The other findings of the file are republished, not cleared with it.
    assert remaining, neovim_run.detail()
    assert (line, actions["target_code"]) not in remaining


def test_neovim_model_state_command_writes_diagram(neovim_run: EditorRun) -> None:
    diagram = neovim_run.workspace / "docs" / "data-model.mmd"

    assert "model_state" in neovim_run.steps, neovim_run.detail()
    result = neovim_run.steps["model_state"]["result"]
    assert "error" not in result, result
    assert diagram.as_uri() in result["written"]
    first_line, body = diagram.read_text(encoding="utf-8").split("\n", 1)
    assert first_line == mark_line(diagram, "model-state", content_digest(body))


def documented_setup() -> str:
    """Return the first Lua block of docs/editors.md: the Neovim 0.7 setup."""
    text = EDITORS_DOC.read_text(encoding="utf-8")
    match = re.search(r"```lua\n(.*?)```", text, re.DOTALL)
    assert match, f"no Lua block in {EDITORS_DOC}"
    return match.group(1)


def run_documented_setup(
    python: str, report: Path, opened: str, cwd: Path, tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Open ``opened`` in Neovim with the documented setup, then run ``report``.

    Return the finished process and the path of the result file.
    """
    nvim = require_program("nvim")
    script = tmp_path / "init.lua"
    script.write_text(documented_setup().replace("'python3'", repr(python)), "utf-8")
    result = tmp_path / "result.json"

    # --cmd runs the setup before the file is read, as init.lua would.
    completed = subprocess.run(
        [
            nvim,
            "--headless",
            "--clean",
            "--cmd",
            f"luafile {script}",
            "-c",
            f"luafile {report}",
            opened,
        ],
        cwd=cwd,
        env={**os.environ, "STEWARD_RESULT": str(result)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=NVIM_TIMEOUT_SECONDS,
    )
    return completed, result


def test_documented_neovim_setup_applies_settings(
    workspace: Path, server_python: str, tmp_path: Path
) -> None:
    setup = documented_setup()
    assert "'python3', '-m', 'steward_lsp', 'serve'" in setup
    assert "ignore = { 'STW601' }" in setup

    completed, result = run_documented_setup(
        server_python, WAIT_FOR_DIAGNOSTICS, MODEL_FILE, workspace, tmp_path
    )
    outcome = json.loads(result.read_text(encoding="utf-8"))

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert outcome["clients"] == 1
    assert outcome["codes"], "no steward diagnostics"
    assert "STW601" not in outcome["codes"]


@pytest.mark.parametrize(
    ("files", "opened", "root"),
    [
        pytest.param(
            ["pyproject.toml", "migrations/alembic.ini", "app/models.py"],
            "migrations/env.py",
            ".",
            id="flask-migrate",
        ),
        pytest.param(["setup.py", "db/alembic.ini"], "db/env.py", ".", id="setup-py"),
        pytest.param(
            ["alembic.ini", "migrations/env.py"],
            "app/models.py",
            ".",
            id="alembic-ini-only",
        ),
        pytest.param(
            ["pyproject.toml", "service/pyproject.toml", "service/alembic.ini"],
            "service/models.py",
            "service",
            id="nearest-project",
        ),
    ],
)
def test_documented_neovim_setup_root(
    tmp_path: Path, server_python: str, files: list[str], opened: str, root: str
) -> None:
    project = tmp_path / "project"
    for name in [*files, opened]:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).touch()

    completed, result = run_documented_setup(
        server_python, REPORT_ROOTS, opened, project, tmp_path
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    roots = json.loads(result.read_text(encoding="utf-8"))["roots"]
    assert roots == [str((project / root).resolve())]
