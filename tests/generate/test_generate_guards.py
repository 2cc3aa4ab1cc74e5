"""What the generators refuse: unreadable models and chains Alembic cannot load."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "workspaces"


def steward(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "steward_lsp", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def copy(source: Path, tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(source, project)
    return project


@pytest.mark.parametrize("command", ["model-state", "document-state", "optimize-db"])
def test_unparsed_model_keeps_documents(command: str, tmp_path: Path) -> None:
    project = copy(FIXTURES / "extra_column_at_head", tmp_path)
    assert steward(project, command).returncode in (0, 1)
    written = {p: p.read_bytes() for p in (project / "docs").rglob("*")}
    models = project / "models.py"
    models.write_text(models.read_text() + "\n    oops = mapped_column(\n")

    completed = steward(project, command)

    assert completed.returncode == 2
    assert "models.py:" in completed.stderr
    assert "STW001" in completed.stderr
    assert {p: p.read_bytes() for p in (project / "docs").rglob("*")} == written


def test_merge_refuses_broken_chain(tmp_path: Path) -> None:
    project = copy(REPO / "examples" / "defects", tmp_path)
    versions = project / "migrations" / "versions"
    before = sorted(versions.iterdir())

    completed = steward(project, "merge-heads", "--env", "migrations")

    assert completed.returncode == 2
    assert "STW402" in completed.stderr or "STW403" in completed.stderr
    assert sorted(versions.iterdir()) == before


def test_merge_refuses_cycle(tmp_path: Path) -> None:
    project = copy(REPO / "examples" / "defects" / "cycle", tmp_path)

    completed = steward(project, "merge-heads")

    assert completed.returncode == 2
    assert "STW404" in completed.stderr


def test_check_reports_file_it_would_refuse(tmp_path: Path) -> None:
    project = copy(FIXTURES / "extra_column_at_head", tmp_path)
    own = project / "docs" / "data-model.mmd"
    own.parent.mkdir()
    own.write_text("erDiagram\n", encoding="utf-8")

    completed = steward(project, "model-state", "--check")

    assert completed.returncode == 2
    assert "steward did not write it" in completed.stderr
    assert own.read_text(encoding="utf-8") == "erDiagram\n"


def test_check_names_missing_files(tmp_path: Path) -> None:
    project = copy(FIXTURES / "extra_column_at_head", tmp_path)

    completed = steward(project, "model-state", "--check")

    assert completed.returncode == 1
    assert "docs/data-model.mmd does not exist yet" in completed.stderr


@pytest.mark.parametrize(
    "command",
    [["model-state"], ["optimize-db"], ["author-migration", "-m", "change"]],
    ids=["model-state", "optimize-db", "author-migration"],
)
def test_invalid_toml_stops_generator(command: list[str], tmp_path: Path) -> None:
    project = copy(FIXTURES / "extra_column_at_head", tmp_path)
    pyproject = project / "pyproject.toml"
    pyproject.write_text("[tool.steward\n", encoding="utf-8")

    completed = steward(project, *command)

    assert completed.returncode == 2
    errors = [
        line
        for line in completed.stderr.splitlines()
        if line.startswith("steward: error")
    ]
    assert len(errors) == 1, completed.stderr
    assert f"{pyproject}:1:" in errors[0]
    assert "invalid TOML" in errors[0]
    assert "no Alembic environment" not in completed.stderr
    assert "steward: warning" not in completed.stderr
    assert not (project / "docs").exists()
