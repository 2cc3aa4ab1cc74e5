"""Every fixture project with drift: the authored revision closes it in Alembic.

The fixtures under ``tests/workspaces`` are the projects the oracle test
checks the drift rules on. For each whose models drift from its chain (on
its own dialect), the generator writes a revision on a copy, and Alembic
then upgrades a fresh database to the previous heads and to the new head.
``compare_metadata`` must be empty, and the downgrade must return to the
previous heads and shape.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from author_support import REPO_ROOT, Alembic, copy_project

from steward_lsp.engine.analysis import Workspace
from steward_lsp.engine.generate import GenerateRequest
from steward_lsp.engine.generate.author import NO_DRIFT, generate
from steward_lsp.engine.generate.author_drift import DRIFT_CODES
from steward_lsp.engine.generate.output import write_files

WORKSPACES = REPO_ROOT / "tests" / "workspaces"

# Fixtures the database under test cannot run, as in the oracle test.
DIALECT_SKIPS = {
    ("schemas", "sqlite"): "SQLite has no CREATE SCHEMA",
    ("schema_not_included", "sqlite"): "SQLite has no CREATE SCHEMA",
}


def _drifted_fixtures() -> list[str]:
    names = []
    for path in sorted(WORKSPACES.iterdir()):
        if not (path / "alembic.ini").is_file():
            continue
        findings = Workspace(path).analyze().all_findings()
        if any(finding.code in DRIFT_CODES for finding in findings):
            names.append(path.name)
    return names


DRIFTED = _drifted_fixtures()


def _cases(dialect: str) -> list[object]:
    cases = []
    for name in DRIFTED:
        reason = DIALECT_SKIPS.get((name, dialect))
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        cases.append(pytest.param(name, id=name, marks=marks))
    return cases


def _close_drift(name: str, url: str, tmp_path: Path) -> None:
    project = copy_project(WORKSPACES / name, tmp_path / name, url)
    analysis = Workspace(project).analyze()
    [environment] = analysis.environments
    previous = sorted(environment.revision_graph.heads)
    request = GenerateRequest(
        project, analysis, {"message": "close drift", "no_round_trip": True}
    )

    result = generate(request)
    write_files(result.files)

    alembic = Alembic(project, url)
    if not result.files:
        # Some drift exists on one dialect only; then Alembic must agree
        # that there is none on this one.
        assert result.summary == NO_DRIFT
        alembic.upgrade()
        assert alembic.compare() == []
        return
    assert len(result.files) == 1
    outcome = alembic.run("verify", ",".join(previous) or "base")
    assert outcome["compare"] == []
    assert outcome["current"] == previous
    assert outcome["same shape"] is True


def test_fixtures_with_drift_found() -> None:
    assert len(DRIFTED) >= 20


@pytest.mark.parametrize("name", _cases("sqlite"))
def test_fixture_drift_closed_sqlite(
    name: str, tmp_path: Path, sqlite_url: str
) -> None:
    _close_drift(name, sqlite_url, tmp_path)


@pytest.mark.postgresql
@pytest.mark.parametrize("name", _cases("postgresql"))
def test_fixture_drift_closed_postgresql(
    name: str, tmp_path: Path, postgresql_url: str
) -> None:
    _close_drift(name, postgresql_url, tmp_path)
