"""Projects and runners for the author-migration tests.

``copy_project`` copies a project into the test's folder with its
``sqlalchemy.url`` set to the database under test, so the static engine
reads that dialect. ``Alembic`` runs Alembic itself on the copy, through
``alembic_probe.py`` in a subprocess, and ``steward`` runs the CLI.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
PROJECTS = HERE / "author_projects"
DEFECTS = REPO_ROOT / "examples" / "defects"
PROBE = HERE / "alembic_probe.py"
DRIFT_CODES = {f"STW{number}" for number in range(101, 110)}

# The defect example's chain is broken on purpose, and these edits make
# Alembic load and run it. One of two files with the same revision id goes.
# The merge loses the revision that does not exist. PostgreSQL-only SQL runs
# on PostgreSQL only.
_DEFECT_REPAIRS = {
    "migrations/versions/6af08d4cbf35_merge_lost_branch.py": (
        "('a0289fc8eedc', '0badc0ffee00')",
        "'a0289fc8eedc'",
    ),
    "migrations/versions/719b2bc0fc89_inherit_audit_columns.py": (
        '    op.execute("ALTER TABLE audit_log',
        '    if op.get_bind().dialect.name == "postgresql":\n'
        '        op.execute("ALTER TABLE audit_log',
    ),
}
_DEFECT_DUPLICATE = "migrations/versions/a0289fc8eedc_mark_release_1_4_copy.py"


def copy_project(source: Path, destination: Path, url: str) -> Path:
    """Copy ``source`` to ``destination`` with its sqlalchemy.url set to ``url``."""
    shutil.copytree(
        source,
        destination,
        ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3", "build", "docs"),
    )
    set_url(destination / "alembic.ini", url)
    return destination


def set_url(ini: Path, url: str) -> None:
    """Replace the one ``sqlalchemy.url`` line of ``ini``."""
    text, count = re.subn(
        r"^sqlalchemy\.url\s*=.*$",
        f"sqlalchemy.url = {url}",
        ini.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    assert count == 1, f"{ini}: expected one sqlalchemy.url line"
    ini.write_text(text, encoding="utf-8")


def repaired_defects(destination: Path, url: str) -> Path:
    """Copy the defect example with a chain Alembic can run on ``url``."""
    project = copy_project(DEFECTS, destination, url)
    (project / _DEFECT_DUPLICATE).unlink()
    for relative, (old, new) in _DEFECT_REPAIRS.items():
        path = project / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{path}: {old!r} not found"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return project


@dataclass
class Alembic:
    """Alembic run on one project copy against one database."""

    project: Path
    url: str

    def run(self, *arguments: str) -> Any:
        completed = subprocess.run(
            [sys.executable, str(PROBE), self.url, *arguments],
            cwd=self.project,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        return json.loads(completed.stdout.strip().splitlines()[-1])

    def upgrade(self, target: str = "heads") -> None:
        self.run("upgrade", target)

    def downgrade(self, target: str) -> None:
        self.run("downgrade", target)

    def current(self) -> list[str]:
        heads: list[str] = self.run("current")
        return heads

    def compare(self) -> list[dict[str, Any]]:
        diffs: list[dict[str, Any]] = self.run("compare")
        return diffs

    def schema(self) -> dict[str, Any]:
        shape: dict[str, Any] = self.run("schema")
        return shape


def steward(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m steward_lsp`` with ``arguments`` in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "steward_lsp", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def written_paths(
    completed: subprocess.CompletedProcess[str], root: Path
) -> list[Path]:
    """Return the files a generator command reports as written."""
    return [
        root / line.removeprefix("wrote ")
        for line in completed.stdout.splitlines()
        if line.startswith("wrote ")
    ]


def drift_findings(project: Path, env: str | None = None) -> list[dict[str, Any]]:
    """Return the STW101-STW109 findings of ``steward check`` on ``project``."""
    completed = steward("check", ".", "--format", "json", "--no-live", cwd=project)
    assert completed.returncode in (0, 1), completed.stderr
    findings = json.loads(completed.stdout)
    return [
        f
        for f in findings
        if f["code"] in DRIFT_CODES and (env is None or env in f["path"])
    ]


def revision_id(path: Path) -> str:
    """Return the revision id that a revision file declares."""
    match = re.search(r"^revision: str = '(\w+)'", path.read_text(), re.MULTILINE)
    assert match is not None, f"{path}: no revision id"
    return match.group(1)
