"""Helpers for tests that drive real editors (Neovim, code-server).

An editor test needs programs that ``.ci/editors`` installs. When one is
missing, the test fails if the ``CI`` environment variable is set, so CI never
passes by skipping, and is skipped with the reason otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
# The bundled defect example: every static rule fires in it at least once.
EXAMPLE_WORKSPACE = REPO / "examples" / "defects"
MODEL_FILE = os.environ.get("STEWARD_EDITOR_FILE", "notary_defects/models.py")
# The folder of the steward-lsp wheel inside the packaged extension.
BUNDLED = "extension/bundled/"


def require(description: str, found: object) -> None:
    """Fail under CI, skip elsewhere, when ``found`` is falsy."""
    if found:
        return

    reason = f"{description} is not installed; bash .ci/editors installs it"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so editor tests must run)")
    pytest.skip(reason)


def require_program(name: str, env_var: str | None = None) -> str:
    """Return the path of program ``name`` (or of ``$env_var``), or skip/fail."""
    path = os.environ.get(env_var) if env_var else None
    if path is None:
        path = shutil.which(name)
    elif not Path(path).is_file():
        path = None
    require(f"{name} ({env_var or 'PATH'})", path)
    assert path is not None
    return path


def server_interpreter() -> str:
    """Return the interpreter that runs the server: ``$STEWARD_PYTHON`` or ours."""
    configured = os.environ.get("STEWARD_PYTHON")
    # abspath, not resolve: a venv's python is a symlink that must stay one.
    return os.path.abspath(configured) if configured else sys.executable


def vsix_path() -> Path:
    """Return the packaged extension: ``$STEWARD_VSIX`` or build/steward-lsp.vsix."""
    vsix = Path(os.environ.get("STEWARD_VSIX", REPO / "build" / "steward-lsp.vsix"))
    require(f"the packaged extension {vsix}", vsix.is_file())
    return vsix


def bundled_wheel(vsix: Path) -> tuple[str, bytes]:
    """Return the file name and content of the one wheel in ``vsix``."""
    with zipfile.ZipFile(vsix) as archive:
        wheels = [
            name
            for name in archive.namelist()
            if name.startswith(BUNDLED) and name.endswith(".whl")
        ]
        assert len(wheels) == 1, wheels
        return wheels[0].removeprefix(BUNDLED), archive.read(wheels[0])


def copy_example(folder: Path) -> Path:
    """Copy the defect example to ``folder``/workspace and return the copy.

    Editors save files that a code action changed, so each run gets its own
    copy and the committed example stays as it is.
    """
    target = folder / "workspace"
    shutil.copytree(EXAMPLE_WORKSPACE, target)
    return target


@dataclass(frozen=True)
class EditorRun:
    """One scripted editor session on a copy of the defect example.

    ``outcome`` is the result file the script wrote, with its ``steps``
    (each with a ``name``) and ``exit_code``; ``original_lines`` are the
    model file's lines before the session.
    """

    workspace: Path
    original_lines: list[str]
    outcome: dict[str, Any]

    @property
    def steps(self) -> dict[str, dict[str, Any]]:
        return {step["name"]: step for step in self.outcome["steps"]}

    def saved_lines(self) -> list[str]:
        return model_lines(self.workspace)

    def detail(self) -> str:
        return json.dumps(self.outcome, indent=2)[:6000]


def model_lines(workspace: Path) -> list[str]:
    return (workspace / MODEL_FILE).read_text(encoding="utf-8").splitlines()
