"""Headless Neovim as the LSP client: diagnostics, then the ignore code action."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from editor_support import MODEL_FILE, require_program

LUA_CLIENT = Path(__file__).resolve().parent / "nvim_client.lua"
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
