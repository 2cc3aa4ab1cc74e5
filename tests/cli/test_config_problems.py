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


def test_invalid_toml_stops_check(steward: Runner, backend_project: Path) -> None:
    pyproject = backend_project / "pyproject.toml"
    pyproject.write_text(
        '[tool.steward]\nexclude = ["backend/tests"]\n[tool.steward\n',
        encoding="utf-8",
    )

    completed = steward("check", ".", cwd=backend_project)

    assert completed.returncode == 2
    assert completed.stdout == ""
    errors = _error_lines(completed.stderr)
    assert len(errors) == 1, completed.stderr
    assert f"{pyproject}:3:" in errors[0]
    assert "invalid TOML" in errors[0]
    assert "default settings" not in completed.stderr


def test_each_setting_error_on_own_line(steward: Runner, backend_project: Path) -> None:
    (backend_project / "pyproject.toml").write_text(
        '[tool.steward]\nbogus_key = 1\nallowed_heads = "two"\n', encoding="utf-8"
    )

    completed = steward("check", ".", cwd=backend_project)

    assert completed.returncode == 2
    errors = _error_lines(completed.stderr)
    assert len(errors) == 2, completed.stderr
    assert "unknown setting 'bogus_key'" in errors[0]
    assert "allowed_heads" not in errors[0]
    assert "'allowed_heads' must be an integer" in errors[1]
    assert "fix the 2 configuration errors above" in completed.stderr


PLACEHOLDER_INI = """\
[alembic]
script_location = migrations
sqlalchemy.url = driver://user:pass@localhost/dbname
"""

# A partial index on an existing table: STW306 on PostgreSQL, where
# CREATE INDEX without CONCURRENTLY blocks writes.
INDEX_REVISION = '''\
"""index accounts"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_accounts_positive", "accounts", ["id"], postgresql_where=sa.text("id > 0")
    )


def downgrade():
    op.drop_index("ix_accounts_positive", table_name="accounts")
'''


@pytest.fixture
def placeholder_project(tmp_path: Path) -> Path:
    """Return a project whose alembic.ini has Alembic's placeholder URL."""
    root = tmp_path / "project"
    write_files(
        root,
        {
            "alembic.ini": PLACEHOLDER_INI,
            "migrations/env.py": ENV_PY,
            "migrations/versions/0001_create_accounts.py": FIRST_REVISION,
            "migrations/versions/0002_index_accounts.py": INDEX_REVISION,
            "app/__init__.py": "",
            "app/models.py": MODELS_PY,
        },
    )
    return root


def test_unknown_dialect_gives_one_note(
    steward: Runner, placeholder_project: Path
) -> None:
    completed = steward("check", ".", cwd=placeholder_project)

    notes = [
        line
        for line in completed.stderr.splitlines()
        if line.startswith("steward: note")
    ]
    assert len(notes) == 1, completed.stderr
    assert "dialect of environment 'migrations' is unknown" in notes[0]
    assert "STW306" in notes[0]
    assert "likely 'postgresql'" in notes[0]
    assert 'dialect = "postgresql"' in notes[0]
    assert "STW306" not in completed.stdout
    assert _error_lines(completed.stderr) == []


@pytest.mark.parametrize("value", ["postgresql", "PostgreSQL+psycopg"])
def test_dialect_setting_enables_stw306(
    steward: Runner, placeholder_project: Path, value: str
) -> None:
    (placeholder_project / "pyproject.toml").write_text(
        f'[tool.steward]\ndialect = "{value}"\n', encoding="utf-8"
    )

    completed = steward("check", ".", cwd=placeholder_project)

    assert "steward: note" not in completed.stderr
    assert _error_lines(completed.stderr) == []
    assert "STW306" in completed.stdout


@pytest.mark.parametrize(
    ("value", "advice"),
    [("postgres", 'write "postgresql"'), ("db2", "write one of them")],
    ids=["postgres-alias", "unsupported"],
)
def test_invalid_dialect_is_an_error(
    steward: Runner, placeholder_project: Path, value: str, advice: str
) -> None:
    pyproject = placeholder_project / "pyproject.toml"
    pyproject.write_text(
        f'[tool.steward]\ndialect = "{value}"\nignore = ["STW601"]\n', encoding="utf-8"
    )

    completed = steward("check", ".", cwd=placeholder_project)

    assert completed.returncode == 2
    errors = _error_lines(completed.stderr)
    assert len(errors) == 1, completed.stderr
    assert str(pyproject) in errors[0]
    assert f"'dialect' is {value!r}" in errors[0]
    assert "postgresql, mysql, mariadb, sqlite, mssql, oracle" in errors[0]
    assert advice in errors[0]
    assert "the other settings apply" in errors[0]
    assert "fix the 1 configuration error above" in completed.stderr


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('ignore = ["STW999"]', "setting 'ignore': 'STW999' matches no rule code"),
        ('select = ["STW3", "XYZ"]', "setting 'select': 'XYZ' matches no rule code"),
        (
            'per_file_ignores = { "x" = ["STW9"] }',
            "setting 'per_file_ignores' for 'x': 'STW9' matches no rule code",
        ),
        (
            'per_file_ignores = { "x" = "STW303" }',
            "maps 'x' to the string 'STW303', where a list is expected; "
            'write ["STW303"]',
        ),
        ('ignore = ["STW301", 302]', "'ignore' must be a list of strings"),
    ],
    ids=["ignore", "select", "per-file-code", "per-file-string", "not-strings"],
)
def test_invalid_rule_codes_are_errors(
    steward: Runner, backend_project: Path, table: str, expected: str
) -> None:
    pyproject = backend_project / "pyproject.toml"
    pyproject.write_text(f"[tool.steward]\n{table}\n", encoding="utf-8")

    completed = steward("check", ".", cwd=backend_project)

    assert completed.returncode == 2
    errors = _error_lines(completed.stderr)
    assert len(errors) == 1, completed.stderr
    assert str(pyproject) in errors[0]
    assert expected in errors[0]


def test_rule_prefixes_are_accepted(steward: Runner, backend_project: Path) -> None:
    (backend_project / "pyproject.toml").write_text(
        '[tool.steward]\nselect = ["stw3", "STW1"]\nignore = ["STW60"]\n'
        'per_file_ignores = { "migrations/*" = ["STW301", " "] }\n',
        encoding="utf-8",
    )

    completed = steward("check", ".", cwd=backend_project)

    assert completed.returncode == 0, completed.stderr
    assert _error_lines(completed.stderr) == []
