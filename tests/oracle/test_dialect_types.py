"""Dialect types and project TypeDecorators: steward's STW105 vs Alembic.

Each project under ``type_projects`` upgrades a real database to head, and
Alembic's ``compare_metadata`` runs in a subprocess (``alembic_probe.py``)
as the oracle. ``steward check`` runs as a subprocess too. Each project has
columns whose model type is spelled differently from the head type but
stores the same thing (``postgresql.JSONB`` against
``JSONB(astext_type=Text())``, a TypeDecorator against its ``impl``), and
columns with a real type drift, marked in the models. Both tools must name
the same drifted columns, except where Alembic misses a drift, which
docs/alembic-differences.md lists.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from author_support import Alembic, copy_project, steward

PROJECTS = Path(__file__).resolve().parent / "type_projects"

# The columns each project declares with a type drift (comments in models.py).
DRIFTED = {
    "sqlite_type_decorators": {
        ("api_keys", "old_token"),
        ("api_keys", "short_code"),
        ("api_keys", "issuer_id"),
    },
    "postgresql_dialect_types": {
        ("events", "headers"),
        ("events", "extra"),
        ("events", "span_id"),
        ("events", "ranks"),
    },
    "mariadb_dialect_types": {
        ("articles", "legacy_title"),
        ("articles", "tag"),
        ("articles", "summary"),
    },
}

# Drift Alembic does not report: MariaDB leaves a column's character set and
# collation out of the reflected type when they are the table's defaults.
ALEMBIC_MISSES = {
    "mariadb_dialect_types": {
        ("articles", "legacy_title"),
        ("articles", "tag"),
    },
}

_COLUMN_MESSAGE = re.compile(r"^column (\w+)\.(\w+):")


def _steward_check(project: Path) -> list[dict[str, object]]:
    completed = steward("check", ".", "--format", "json", "--no-live", cwd=project)
    assert completed.returncode in (0, 1), completed.stderr
    findings: list[dict[str, object]] = json.loads(completed.stdout)
    return findings


def _type_drift(findings: list[dict[str, object]]) -> set[tuple[str, str]]:
    drifted = set()
    for finding in findings:
        if finding["code"] != "STW105":
            continue
        match = _COLUMN_MESSAGE.match(str(finding["message"]))
        assert match is not None, f"STW105 names no column: {finding['message']}"
        drifted.add((match.group(1), match.group(2)))
    return drifted


def _run_project(name: str, url: str, tmp_path: Path) -> None:
    project = copy_project(PROJECTS / name, tmp_path / name, url)
    alembic = Alembic(project, url)
    alembic.upgrade()
    diffs = alembic.compare()
    findings = _steward_check(project)

    other = [d["text"] for d in diffs if d["kind"] != "modify_type"]
    assert other == [], f"{name}: Alembic reports more than types"
    by_alembic = {(d["table"], d["column"]) for d in diffs}
    by_steward = _type_drift(findings)
    misses = ALEMBIC_MISSES.get(name, set())
    assert by_steward == by_alembic | misses, (
        f"{name}: Alembic reports {sorted(by_alembic)}, "
        f"steward reports {sorted(by_steward)}"
    )
    assert by_steward == DRIFTED[name]
    assert not by_alembic & misses, f"{name}: Alembic now reports {misses}"

    drift_codes = {f["code"] for f in findings if str(f["code"]) != "STW105"}
    assert drift_codes <= {"STW100"}, f"{name}: unexpected findings {drift_codes}"
    picked = [
        f
        for f in findings
        if f["code"] == "STW100"
        and "PortableGuid.load_dialect_impl()" in str(f["message"])
    ]
    assert len(picked) == 1, f"{name}: expected one STW100 for PortableGuid"


def test_type_decorators_sqlite(sqlite_url: str, tmp_path: Path) -> None:
    _run_project("sqlite_type_decorators", sqlite_url, tmp_path)


@pytest.mark.postgresql
def test_type_decorators_postgresql(postgresql_url: str, tmp_path: Path) -> None:
    _run_project("sqlite_type_decorators", postgresql_url, tmp_path)


@pytest.mark.mariadb
def test_type_decorators_mariadb(mariadb_url: str, tmp_path: Path) -> None:
    _run_project("sqlite_type_decorators", mariadb_url, tmp_path)


@pytest.mark.postgresql
def test_postgresql_dialect_types(postgresql_url: str, tmp_path: Path) -> None:
    _run_project("postgresql_dialect_types", postgresql_url, tmp_path)


@pytest.mark.mariadb
def test_mysql_dialect_types(mariadb_url: str, tmp_path: Path) -> None:
    _run_project("mariadb_dialect_types", mariadb_url, tmp_path)


# Creates the model's ``articles`` table as ``articles_model`` with
# create_all, in the project folder, so its own coltypes module imports.
_CREATE_MODEL_COPY = """
import sys
import sqlalchemy as sa
import models
copy = sa.MetaData()
models.Base.metadata.tables["articles"].to_metadata(copy, name="articles_model")
engine = sa.create_engine(sys.argv[1])
copy.create_all(engine)
engine.dispose()
"""

_CHARACTER_SETS = """
SELECT table_name, column_name, character_set_name, collation_name
FROM information_schema.columns
WHERE table_schema = DATABASE() AND column_name IN ('legacy_title', 'tag')
"""


@pytest.mark.mariadb
def test_mariadb_charset_drift_alembic_misses(mariadb_url: str, tmp_path: Path) -> None:
    name = "mariadb_dialect_types"
    project = copy_project(PROJECTS / name, tmp_path / name, mariadb_url)
    alembic = Alembic(project, mariadb_url)
    alembic.upgrade()
    subprocess.run(
        [sys.executable, "-c", _CREATE_MODEL_COPY, mariadb_url],
        cwd=project,
        check=True,
        timeout=120,
    )
    engine = sa.create_engine(mariadb_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(_CHARACTER_SETS)).all()
    engine.dispose()
    stored = {(row[0], row[1]): (row[2], row[3]) for row in rows}

    assert stored[("articles", "legacy_title")][0] == "utf8mb4"
    assert stored[("articles_model", "legacy_title")][0] == "latin1"
    assert stored[("articles", "tag")][1] == "utf8mb4_general_ci"
    assert stored[("articles_model", "tag")][1] == "utf8mb4_bin"
    columns = {d["column"] for d in alembic.compare() if d["table"] == "articles"}
    assert "legacy_title" not in columns
    assert "tag" not in columns
    drifted = _type_drift(_steward_check(project))
    assert ("articles", "legacy_title") in drifted
    assert ("articles", "tag") in drifted
