"""The QuantumNotary reference: clean under steward, and a reversible chain.

The chain in migrations/ is run for real with Alembic: upgrade to head,
downgrade to base and upgrade again, with Alembic's ``compare_metadata``
against the models empty at head, and every revision's downgrade restoring
exactly the schema its upgrade started from.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_ROOT = REPO_ROOT / "examples" / "quantumnotary"


def test_steward_check_repository_clean() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "steward_lsp", "check", ".", "--format", "json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == []


@pytest.fixture
def reference_metadata(monkeypatch: pytest.MonkeyPatch) -> sa.MetaData:
    """Import the reference models the way env.py does and return their metadata."""
    monkeypatch.syspath_prepend(str(MODELS_ROOT))
    from quantumnotary.models import Base

    return Base.metadata


def _alembic_config(url: str, monkeypatch: pytest.MonkeyPatch) -> Config:
    # alembic.ini prepends "." and "examples/quantumnotary" to sys.path, which
    # are relative to the folder Alembic runs in: the repository root.
    monkeypatch.chdir(REPO_ROOT)
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    return config


def _drift(url: str, metadata: sa.MetaData) -> list[Any]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "compare_server_default": True},
        )
        return compare_metadata(context, metadata)


def _snapshot(url: str) -> dict[str, object]:
    """Return the reflected shape of every table except alembic_version."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    inspector = sa.inspect(engine)
    # The get_multi_* calls reflect all tables in one query per kind, which
    # keeps this affordable on PostgreSQL when called for every revision.
    columns = inspector.get_multi_columns()
    primary_keys = inspector.get_multi_pk_constraint()
    indexes = inspector.get_multi_indexes()
    uniques = inspector.get_multi_unique_constraints()
    foreign_keys = inspector.get_multi_foreign_keys()
    checks = inspector.get_multi_check_constraints()
    engine.dispose()

    shape: dict[str, object] = {}
    for key in sorted(columns, key=lambda k: (k[0] or "", k[1])):
        if key[1] == "alembic_version":
            continue
        shape[key[1]] = {
            "columns": sorted(
                (
                    c["name"],
                    str(c["type"]),
                    c["nullable"],
                    c.get("default"),
                    c.get("comment"),
                )
                for c in columns[key]
            ),
            "primary_key": primary_keys[key],
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in indexes[key]
            ),
            "uniques": sorted(
                (u["name"], tuple(u["column_names"])) for u in uniques[key]
            ),
            "foreign_keys": sorted(
                (fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"])
                for fk in foreign_keys[key]
            ),
            "checks": sorted((ck["name"], ck["sqltext"]) for ck in checks[key]),
        }
    return shape


def _revisions_base_to_head(config: Config) -> list[str]:
    script = ScriptDirectory.from_config(config)
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Yield an empty scratch database of each backend the reference supports."""
    yield request.getfixturevalue(f"{request.param}_url")


def test_chain_round_trip_no_drift(
    database_url: str,
    reference_metadata: sa.MetaData,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = _alembic_config(database_url, monkeypatch)

    command.upgrade(config, "head")
    assert _drift(database_url, reference_metadata) == []

    command.downgrade(config, "base")
    assert _snapshot(database_url) == {}

    command.upgrade(config, "head")
    assert _drift(database_url, reference_metadata) == []


def test_each_downgrade_restores_schema(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _alembic_config(database_url, monkeypatch)
    revisions = _revisions_base_to_head(config)
    assert len(revisions) >= 6

    for revision in revisions:
        before = _snapshot(database_url)
        command.upgrade(config, revision)
        after_upgrade = _snapshot(database_url)
        assert after_upgrade != before, f"upgrade to {revision} changed nothing"

        command.downgrade(config, "-1")
        assert _snapshot(database_url) == before, f"downgrade of {revision}"

        command.upgrade(config, revision)


def test_chain_single_linear_history(monkeypatch: pytest.MonkeyPatch) -> None:
    config = _alembic_config("sqlite://", monkeypatch)
    script = ScriptDirectory.from_config(config)

    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1
