"""Fixtures for tests that drive real editors (Neovim, code-server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor_support import copy_example, server_interpreter


@pytest.fixture
def server_python() -> str:
    return server_interpreter()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Return a fresh copy of the defect example."""
    return copy_example(tmp_path)
