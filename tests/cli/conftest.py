"""Fixtures of the CLI tests: projects on disk and a runner for steward."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_project import (
    ALEMBIC_INI,
    BROKEN_REVISION,
    ENV_PY,
    FIRST_REVISION,
    MODELS_PY,
    Runner,
    write_files,
)


@pytest.fixture
def clean_project(tmp_path: Path) -> Path:
    """Return a project whose model and migration chain agree."""
    root = tmp_path / "project"
    write_files(
        root,
        {
            "alembic.ini": ALEMBIC_INI,
            "migrations/env.py": ENV_PY,
            "migrations/versions/0001_create_accounts.py": FIRST_REVISION,
            "app/__init__.py": "",
            "app/models.py": MODELS_PY,
        },
    )
    return root


@pytest.fixture
def broken_project(clean_project: Path) -> Path:
    """Return the clean project plus a revision with a syntax error."""
    write_files(clean_project, {"migrations/versions/0002_broken.py": BROKEN_REVISION})
    return clean_project


@pytest.fixture
def steward() -> Runner:
    """Return a function that runs ``python -m steward_lsp`` in a folder."""

    def run(
        *args: str, cwd: Path, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "steward_lsp", *args],
            cwd=cwd,
            env=None if env is None else {**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run
