"""Configuration mistakes: each gives one message naming the file and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_project import (
    ALEMBIC_INI,
    ENV_PY,
    FIRST_REVISION,
    MODELS_PY,
    Runner,
    write_files,
)


@pytest.fixture
def backend_project(tmp_path: Path) -> Path:
    """Return a project whose models are importable through prepend_sys_path."""
    root = tmp_path / "project"
    write_files(
        root,
        {
            "alembic.ini": ALEMBIC_INI + "prepend_sys_path = backend\n",
            "migrations/env.py": ENV_PY,
            "migrations/script.py.mako": "",
            "migrations/versions/0001_create_accounts.py": FIRST_REVISION,
            "backend/app/__init__.py": "",
            "backend/app/models.py": MODELS_PY,
        },
    )
    return root


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("steward: error")]


def test_backend_project_is_clean(steward: Runner, backend_project: Path) -> None:
    completed = steward("check", ".", cwd=backend_project)

    assert completed.returncode == 0, completed.stderr
    assert _error_lines(completed.stderr) == []


@pytest.mark.parametrize(
    ("ini_text", "expected"),
    [
        (None, "alembic.ini: missing"),
        (
            "script_location = migrations\nprepend_sys_path = backend\n",
            "alembic.ini:1: the file has no section header",
        ),
        (
            "[alembic]\nscript_location = nope\nprepend_sys_path = backend\n",
            "script_location = 'nope' names a folder that does not exist",
        ),
        ("[alembic\nscript_location = migrations\n", "no section header"),
    ],
    ids=["missing", "no-header", "missing-folder", "broken-header"],
)
def test_alembic_ini_mistake_gives_one_error(
    steward: Runner, backend_project: Path, ini_text: str | None, expected: str
) -> None:
    ini_file = backend_project / "alembic.ini"
    if ini_text is None:
        ini_file.unlink()
    else:
        ini_file.write_text(ini_text, encoding="utf-8")

    completed = steward("check", ".", cwd=backend_project)

    assert completed.returncode == 2
    errors = _error_lines(completed.stderr)
    assert len(errors) == 1, completed.stderr
    assert str(ini_file) in errors[0]
    assert expected in errors[0]
    assert "fix the 1 configuration error above" in completed.stderr
