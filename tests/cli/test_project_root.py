"""``steward check`` and author-migration started inside a migrations folder.

Flask-Migrate keeps alembic.ini in ``migrations/``, so users run steward
there. The models lie in the package above it, which steward must still find.
When the models found declare no table, steward must report a configuration
problem instead of drift that drops every table.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_project import (
    ALEMBIC_INI,
    ENV_PY,
    FIRST_REVISION,
    Runner,
    write_files,
)

FLASK_MIGRATE = Path(__file__).parents[1] / "server" / "workspaces" / "flask_migrate"

# A base class without any table, named as the only model module.
BASE_ONLY = """\
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
"""


@pytest.fixture
def flask_project(tmp_path: Path) -> Path:
    """Return a copy of the Flask-Migrate project (alembic.ini in migrations/)."""
    root = tmp_path / "blog_project"
    shutil.copytree(FLASK_MIGRATE, root)
    return root


@pytest.fixture
def tableless_project(tmp_path: Path) -> Path:
    """Return a project whose models setting names a module without tables."""
    root = tmp_path / "project"
    write_files(
        root,
        {
            "alembic.ini": ALEMBIC_INI,
            "pyproject.toml": '[tool.steward]\nmodels = ["app/base.py"]\n',
            "migrations/env.py": ENV_PY,
            "migrations/versions/0001_create_accounts.py": FIRST_REVISION,
            "app/__init__.py": "",
            "app/base.py": BASE_ONLY,
            "app/models.py": "",
        },
    )
    return root


def _add_post_column(project: Path, column: str) -> None:
    """Append a ``body`` column to Post, the last class of blog/models.py."""
    models = project / "blog" / "models.py"
    text = models.read_text(encoding="utf-8")
    models.write_text(f"{text}    body = {column}\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("folder", "argument"),
    [
        ("migrations", "."),
        ("migrations/versions", "."),
        (".", "migrations"),
    ],
)
def test_check_inside_migrations_finds_models(
    steward: Runner, flask_project: Path, folder: str, argument: str
) -> None:
    completed = steward("check", argument, cwd=flask_project / folder)

    assert "STW102" not in completed.stdout
    assert "STW107" not in completed.stdout
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no findings" in completed.stderr


def test_check_inside_migrations_reports_model_drift(
    steward: Runner, flask_project: Path
) -> None:
    _add_post_column(flask_project, 'db.Column(db.Text, server_default="")')

    completed = steward("check", ".", cwd=flask_project / "migrations")

    assert "STW103" in completed.stdout
    assert "blog/models.py" in completed.stdout
    assert "STW102" not in completed.stdout
    assert completed.returncode == 1


def test_author_inside_migrations_drops_nothing(
    steward: Runner, flask_project: Path
) -> None:
    _add_post_column(flask_project, "db.Column(db.Text)")
    versions = flask_project / "migrations" / "versions"
    before = set(versions.iterdir())

    completed = steward(
        "author-migration",
        "-m",
        "add body",
        "--no-round-trip",
        cwd=flask_project / "migrations",
    )

    assert completed.returncode == 0, completed.stderr
    written = [path for path in versions.iterdir() if path not in before]
    assert len(written) == 1
    revision = written[0].read_text(encoding="utf-8")
    assert "add_column" in revision
    assert "drop_table" not in revision


def test_tableless_models_hold_back_drift(
    steward: Runner, tableless_project: Path
) -> None:
    completed = steward("check", ".", cwd=tableless_project)

    assert "STW102" not in completed.stdout
    assert "STW107" not in completed.stdout
    assert completed.returncode == 2
    problems = [
        line for line in completed.stderr.splitlines() if "declare no table" in line
    ]
    assert len(problems) == 1
    assert "env.py" in problems[0]
    assert "[tool.steward] models" in problems[0]


def test_tableless_models_stop_author(steward: Runner, tableless_project: Path) -> None:
    versions = tableless_project / "migrations" / "versions"
    before = set(versions.iterdir())

    completed = steward(
        "author-migration", "-m", "sync", "--no-round-trip", cwd=tableless_project
    )

    assert completed.returncode == 2
    assert "declare no table" in completed.stderr
    assert "[tool.steward] models" in completed.stderr
    assert set(versions.iterdir()) == before
