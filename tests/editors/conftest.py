"""Fixtures for tests that drive real editors (Neovim, code-server)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from editor_support import EXAMPLE_WORKSPACE


@pytest.fixture
def server_python() -> str:
    """Return the interpreter that runs the server: ``$STEWARD_PYTHON`` or ours."""
    configured = os.environ.get("STEWARD_PYTHON")
    # abspath, not resolve: a venv's python is a symlink that must stay one.
    return os.path.abspath(configured) if configured else sys.executable


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Return a fresh copy of the defect example.

    Editors save files that a code action changed, so each test gets its own
    copy and the committed example stays as it is.
    """
    target = tmp_path / "workspace"
    shutil.copytree(EXAMPLE_WORKSPACE, target)
    return target
