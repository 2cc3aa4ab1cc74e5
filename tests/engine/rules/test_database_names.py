"""STW302 names an unnamed constraint as the real database names it.

Each case writes a project whose revision 0002 creates a constraint without
a name and whose downgrade drops it with ``drop_constraint(None, ...)``.
The static finding must carry the name that PostgreSQL or MariaDB gives
the constraint when Alembic runs the upgrade, and a downgrade that drops
that name must run.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from steward_lsp.engine.analysis import Workspace
from steward_lsp.engine.findings import Finding

ENV_PY = """\
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
engine = engine_from_config(
    config.get_section(config.config_ini_section, {}),
    prefix="sqlalchemy.",
    poolclass=pool.NullPool,
)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
"""

ITEM_COLUMNS = """\
sa.Column("id", sa.Integer(), primary_key=True),
sa.Column("owner_id", sa.Integer()),
sa.Column("code", sa.String(20)),
sa.Column("qty", sa.Integer()),
sa.Column("lo", sa.Integer()),
sa.Column("hi", sa.Integer()),
"""

OWNER_FK = 'op.create_foreign_key(None, "item", "owner", ["owner_id"], ["id"])'
CODE_UNIQUE = 'op.create_unique_constraint(None, "item", ["code"])'

# (upgrade of 0002, type_ of the drop, constraints added to item in 0001,
# expected name)
POSTGRESQL_CASES = {
    "foreign key": (OWNER_FK, "foreignkey", "", "item_owner_id_fkey"),
    "unique": (CODE_UNIQUE, "unique", "", "item_code_key"),
    "unique on two columns": (
        'op.create_unique_constraint(None, "item", ["code", "qty"])',
        "unique",
        "",
        "item_code_qty_key",
    ),
    "check on one column": (
        'op.create_check_constraint(None, "item", "qty > 0 AND qty < 100")',
        "check",
        "",
        "item_qty_check",
    ),
    "check on two columns": (
        'op.create_check_constraint(None, "item", "lo < hi")',
        "check",
        "",
        "item_check",
    ),
}

MARIADB_CASES = {
    "foreign key": (OWNER_FK, "foreignkey", "", "item_ibfk_1"),
    "foreign key after a numbered one": (
        OWNER_FK,
        "foreignkey",
        'sa.ForeignKeyConstraint(["lo"], ["owner.id"], name="item_ibfk_4"),',
        "item_ibfk_5",
    ),
    "foreign key after an unnamed one": (
        OWNER_FK,
        "foreignkey",
        'sa.ForeignKeyConstraint(["lo"], ["owner.id"]),',
        "item_ibfk_2",
    ),
    "unique": (CODE_UNIQUE, "unique", "", "code"),
}


def write_project(
    root: Path, url: str, upgrade: str, drop_type: str, item_extra: str
) -> Path:
    """Write the two-revision project; return the path of revision 0002."""
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "alembic.ini").write_text(
        f"[alembic]\nscript_location = migrations\nsqlalchemy.url = {url}\n",
        encoding="utf-8",
    )
    (root / "migrations" / "env.py").write_text(ENV_PY, encoding="utf-8")
    columns = textwrap.indent(ITEM_COLUMNS + item_extra, " " * 8)
    first = revision(
        "0001",
        None,
        'op.create_table("owner", sa.Column("id", sa.Integer(), primary_key=True))\n'
        f'op.create_table(\n    "item",\n{columns}\n)',
        'op.drop_table("item")\nop.drop_table("owner")',
    )
    (versions / "0001_tables.py").write_text(first, encoding="utf-8")
    second = revision(
        "0002",
        "0001",
        upgrade,
        f'op.drop_constraint(None, "item", type_="{drop_type}")',
    )
    path = versions / "0002_constraint.py"
    path.write_text(second, encoding="utf-8")
    return path


def revision(rev: str, down: str | None, upgrade: str, downgrade: str) -> str:
    return (
        f'"""revision {rev}"""\n'
        "import sqlalchemy as sa\n"
        "from alembic import op\n\n"
        f"revision = {rev!r}\n"
        f"down_revision = {down!r}\n"
        "branch_labels = None\n"
        "depends_on = None\n\n\n"
        f"def upgrade():\n{textwrap.indent(upgrade, '    ')}\n\n\n"
        f"def downgrade():\n{textwrap.indent(downgrade, '    ')}\n"
    )


def unnamed_finding(root: Path, path: Path) -> Finding:
    """Return the STW302 finding on revision 0002."""
    findings = Workspace(root).analyze().findings.get(path.resolve(), [])
    found = [f for f in findings if f.code == "STW302"]
    assert len(found) == 1, [f.message for f in findings]
    return found[0]


def alembic(root: Path, *arguments: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "alembic", *arguments],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr


def constraint_names(url: str, drop_type: str) -> list[str | None]:
    """Return the names of item's constraints of one kind, as reflected."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        inspector = sa.inspect(engine)
        if drop_type == "foreignkey":
            found = inspector.get_foreign_keys("item")
        elif drop_type == "unique":
            found = inspector.get_unique_constraints("item")
        else:
            found = inspector.get_check_constraints("item")
        return sorted(item["name"] or "" for item in found)
    finally:
        engine.dispose()


def assert_name_proved(root: Path, url: str, case: tuple[str, str, str, str]) -> None:
    """Check the finding's name against the database, then drop by that name."""
    upgrade, drop_type, item_extra, expected = case
    path = write_project(root, url, upgrade, drop_type, item_extra)

    finding = unnamed_finding(root, path)
    assert finding.data["given_name"] == expected
    assert f"names the constraint {expected!r}" in finding.message
    assert "drop_constraint(None, ...) on line" in finding.message

    alembic(root, "upgrade", "head")
    assert expected in constraint_names(url, drop_type)

    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("drop_constraint(None,", f"drop_constraint({expected!r},")
    )
    alembic(root, "downgrade", "0001")
    assert expected not in constraint_names(url, drop_type)


@pytest.mark.parametrize("case", POSTGRESQL_CASES.values(), ids=POSTGRESQL_CASES)
def test_postgresql_given_name(
    case: tuple[str, str, str, str], tmp_path: Path, postgresql_url: str
) -> None:
    assert_name_proved(tmp_path, postgresql_url, case)


@pytest.mark.parametrize("case", MARIADB_CASES.values(), ids=MARIADB_CASES)
def test_mariadb_given_name(
    case: tuple[str, str, str, str], tmp_path: Path, mariadb_url: str
) -> None:
    assert_name_proved(tmp_path, mariadb_url, case)


def test_postgresql_taken_name_not_given(tmp_path: Path, postgresql_url: str) -> None:
    # item has an unnamed unique on code already, so PostgreSQL appends a
    # number to the second one's name.
    extra = 'sa.UniqueConstraint("code"),'
    path = write_project(tmp_path, postgresql_url, CODE_UNIQUE, "unique", extra)

    finding = unnamed_finding(tmp_path, path)
    alembic(tmp_path, "upgrade", "head")

    assert "given_name" not in finding.data
    assert "name the constraint in upgrade()" in finding.message
    assert constraint_names(postgresql_url, "unique") == [
        "item_code_key",
        "item_code_key1",
    ]


def test_mariadb_taken_name_not_given(tmp_path: Path, mariadb_url: str) -> None:
    # item has an unnamed unique key on code already, which took the name
    # code, so MariaDB names the second one code_2.
    extra = 'sa.UniqueConstraint("code"),'
    path = write_project(tmp_path, mariadb_url, CODE_UNIQUE, "unique", extra)

    finding = unnamed_finding(tmp_path, path)
    alembic(tmp_path, "upgrade", "head")

    assert "given_name" not in finding.data
    assert "name the constraint in upgrade()" in finding.message
    assert constraint_names(mariadb_url, "unique") == ["code", "code_2"]


def test_sqlite_name_not_given(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    path = write_project(tmp_path / "app", url, OWNER_FK, "foreignkey", "")

    finding = unnamed_finding(tmp_path / "app", path)

    assert "given_name" not in finding.data
    assert "drop_constraint(None, ...) on line" in finding.message
