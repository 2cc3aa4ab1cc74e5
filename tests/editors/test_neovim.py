"""Headless Neovim as the LSP client: diagnostics, then the ignore code action."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from editor_support import MODEL_FILE, REPO, require_program

HERE = Path(__file__).resolve().parent
LUA_CLIENT = HERE / "nvim_client.lua"
WAIT_FOR_DIAGNOSTICS = HERE / "nvim_wait_diagnostics.lua"
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


def test_neovim_ignore_action_clears_diagnostic(
    workspace: Path, server_python: str, tmp_path: Path
) -> None:
    nvim = require_program("nvim")

    outcome = run_neovim(nvim, server_python, workspace, tmp_path / "nvim.json")
    steps = {step["name"]: step for step in outcome["steps"]}

    assert outcome.get("error") is None, json.dumps(outcome, indent=2)
    assert outcome["exit_code"] == 0
    assert steps["diagnostics"]["diagnostics"], "no steward diagnostics"
    code = steps["code_actions"]["target_code"]
    line = steps["code_actions"]["target_line"]
    assert f"Ignore {code} on this line" in steps["code_actions"]["titles"]
    assert steps["edited"]["buffer_line"].endswith(f"# steward: ignore[{code}]")
    saved = (workspace / MODEL_FILE).read_text(encoding="utf-8").splitlines()
    assert saved[line] == steps["edited"]["buffer_line"], "edit not saved to disk"
    assert steps["after_edit"]["cleared"], json.dumps(outcome["steps"], indent=2)
    remaining = [(d["line"], d["code"]) for d in steps["after_edit"]["diagnostics"]]
    assert (line, code) not in remaining


def documented_setup() -> str:
    """Return the first Lua block of docs/editors.md: the Neovim 0.7 setup."""
    text = EDITORS_DOC.read_text(encoding="utf-8")
    match = re.search(r"```lua\n(.*?)```", text, re.DOTALL)
    assert match, f"no Lua block in {EDITORS_DOC}"
    return match.group(1)


def test_documented_neovim_setup_applies_settings(
    workspace: Path, server_python: str, tmp_path: Path
) -> None:
    nvim = require_program("nvim")
    setup = documented_setup()
    assert "'python3', '-m', 'steward_lsp', 'serve'" in setup
    assert "ignore = { 'STW601' }" in setup
    script = tmp_path / "init.lua"
    script.write_text(setup.replace("'python3'", repr(server_python)), "utf-8")
    result = tmp_path / "codes.json"

    # --cmd runs the setup before the file is read, as init.lua would.
    completed = subprocess.run(
        [
            nvim,
            "--headless",
            "--clean",
            "--cmd",
            f"luafile {script}",
            "-c",
            f"luafile {WAIT_FOR_DIAGNOSTICS}",
            MODEL_FILE,
        ],
        cwd=workspace,
        env={**os.environ, "STEWARD_RESULT": str(result)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=NVIM_TIMEOUT_SECONDS,
    )
    outcome = json.loads(result.read_text(encoding="utf-8"))

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert outcome["clients"] == 1
    assert outcome["codes"], "no steward diagnostics"
    assert "STW601" not in outcome["codes"]
