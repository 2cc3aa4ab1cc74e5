"""The round trip on real SQLite, PostgreSQL and MariaDB databases.

Alembic runs the revisions; its ScriptDirectory gives the expected order.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from steward_lsp.engine.config import Settings
from steward_lsp.engine.discovery import discover_environments
from steward_lsp.engine.generate.output import GeneratedFile
from steward_lsp.engine.project import Environment
from steward_lsp.engine.roundtrip import (
    RoundTripError,
    RoundTripReport,
    dialect_note,
    render_report,
    run_round_trip,
)
from steward_lsp.engine.roundtrip_scratch import SCRATCH_PREFIX

REPO = Path(__file__).resolve().parents[2]
STEPS = ["upgrade", "downgrade", "upgrade again"]

ADD_PLAN = "op.add_column('accounts', sa.Column('plan', sa.String(20)))"
DROP_PLAN = "op.drop_column('accounts', 'plan')"

ALEMBIC_INI = """\
[alembic]
script_location = %(here)s/migrations
sqlalchemy.url = sqlite:///%(here)s/production.sqlite
"""

# A project env.py that must never run: it would write a marker file.
ENV_PY = """\
from pathlib import Path

Path(__file__).with_name("env-py-ran").write_text("yes")
raise RuntimeError("the project's env.py ran")
"""

CREATE_ACCOUNTS = """\
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

import sqlalchemy as sa
from alembic import op


def upgrade():
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(120), nullable=False, unique=True),
        sa.Column("fax", sa.String(32), nullable=True),
    )


def downgrade():
    op.drop_table("accounts")
"""


def revision(rev: str, down: str, upgrade: str, downgrade: str) -> str:
    """Return the text of a revision file with these bodies (lines unindented)."""
    return (
        f"revision = {rev!r}\n"
        f"down_revision = {down!r}\n"
        "branch_labels = None\n"
        "depends_on = None\n\n"
        "import sqlalchemy as sa\n"
        "from alembic import op\n\n\n"
        f"def upgrade():\n{textwrap.indent(upgrade, '    ')}\n\n\n"
        f"def downgrade():\n{textwrap.indent(downgrade, '    ')}\n"
    )


def write_project(root: Path, revisions: dict[str, str]) -> Environment:
    """Write a project with ``revisions`` (file name to text); return its env."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "alembic.ini").write_text(ALEMBIC_INI)
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(ENV_PY)
    for name, text in revisions.items():
        (versions / name).write_text(text)
    return environment_at(root, "migrations")


def accounts_then(root: Path, upgrade: str, downgrade: str) -> Environment:
    """Write a project: accounts (0001), then 0002 with these bodies."""
    second = revision("0002", "0001", upgrade, downgrade)
    return write_project(
        root, {"0001_accounts.py": CREATE_ACCOUNTS, "0002_change.py": second}
    )


def environment_at(root: Path, name: str, **settings: object) -> Environment:
    """Return the environment ``name`` discovered under ``root``."""
    found, problems = discover_environments(root, Settings(**settings))  # type: ignore[arg-type]
    by_name = {environment.name: environment for environment in found}
    assert name in by_name, (problems, list(by_name))
    return by_name[name]


def alembic_order(environment: Environment) -> list[str]:
    """Return Alembic's own order of the revisions, base first."""
    config = Config()
    config.set_main_option("script_location", str(environment.script_location))
    config.set_main_option(
        "version_locations",
        " ".join(str(folder) for folder in environment.version_locations),
    )
    config.set_main_option("path_separator", "space")
    script = ScriptDirectory.from_config(config)
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def step_table(report: RoundTripReport) -> list[tuple[str, str, bool]]:
    return [(step.revision, step.step, step.ok) for step in report.steps]


def failure(report: RoundTripReport, rev: str, step: str) -> str:
    """Return the error of the failed ``step`` of ``rev``."""
    found = [s for s in report.steps if s.revision == rev and s.step == step]
    assert found, step_table(report)
    assert not found[0].ok, step_table(report)
    assert found[0].error is not None
    return found[0].error


@pytest.fixture(scope="module")
def bundled() -> Environment:
    """The reference chain of ``migrations/`` at the repository root."""
    return environment_at(REPO, "migrations", exclude=["tests", "examples/defects"])


def test_bundled_chain_sqlite(bundled: Environment) -> None:
    report = run_round_trip(bundled)

    expected = [(rev, step, True) for rev in alembic_order(bundled) for step in STEPS]
    assert step_table(report) == expected
    assert report.passed
    assert report.database == "a temporary SQLite file"
    assert report.notes == []


def test_bundled_chain_postgresql(bundled: Environment, postgresql_url: str) -> None:
    report = run_round_trip(bundled, scratch_url=postgresql_url)

    expected = [(rev, step, True) for rev in alembic_order(bundled) for step in STEPS]
    assert step_table(report) == expected
    assert report.passed
    assert SCRATCH_PREFIX in report.database
    assert_scratch_dropped(postgresql_url, report)
    assert sa.inspect(sa.create_engine(postgresql_url)).get_table_names() == []


def test_bundled_chain_mariadb(bundled: Environment, mariadb_url: str) -> None:
    report = run_round_trip(bundled, scratch_url=mariadb_url)

    expected = [(rev, step, True) for rev in alembic_order(bundled) for step in STEPS]
    assert step_table(report) == expected
    assert report.passed
    assert SCRATCH_PREFIX in report.database
    assert_scratch_dropped(mariadb_url, report)
    assert sa.inspect(sa.create_engine(mariadb_url)).get_table_names() == []


def assert_scratch_dropped(server_url: str, report: RoundTripReport) -> None:
    """Check that the report's scratch database no longer exists on the server."""
    name = report.database.rsplit("/", 1)[1]
    assert name.startswith(SCRATCH_PREFIX)
    engine = sa.create_engine(server_url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            query = "SELECT datname FROM pg_database WHERE datname = :name"
        else:
            query = "SELECT schema_name FROM information_schema.schemata "
            query += "WHERE schema_name = :name"
        rows = connection.execute(sa.text(query), {"name": name}).all()
    engine.dispose()
    assert rows == []


@pytest.fixture
def defects(tmp_path: Path) -> Environment:
    """A copy of the defect example's chain, trimmed until Alembic can run it.

    Left out: the duplicate revision id, the merge of a missing revision with
    the two heads after it, and the PostgreSQL-only INHERIT revision.
    """
    root = tmp_path / "defects"
    shutil.copytree(REPO / "examples" / "defects", root)
    versions = root / "migrations" / "versions"
    for name in (
        "a0289fc8eedc_mark_release_1_4_copy.py",
        "6af08d4cbf35_merge_lost_branch.py",
        "a7e35c6a5aae_add_account_locale.py",
        "fa007e9ea8ef_add_receipt_issued_at.py",
        "719b2bc0fc89_inherit_audit_columns.py",
    ):
        (versions / name).unlink()
    receipt = versions / "6a5c73b51595_add_receipt_note.py"
    text = receipt.read_text()
    assert "'719b2bc0fc89'" in text
    receipt.write_text(text.replace("'719b2bc0fc89'", "'0f2189ed6378'"))
    return environment_at(root, "migrations", exclude=["cycle", "postgres"])


def test_not_null_add_fails_on_seeded_table(defects: Environment) -> None:
    report = run_round_trip(defects)

    error = failure(report, "07289875daf2", "upgrade")
    assert "NOT NULL" in error
    assert "07289875daf2_add_account_verified.py" in error
    assert "(at migrations/versions/07289875daf2_add_account_verified.py" in error
    assert not report.passed
    assert any("stopped after 07289875daf2" in note for note in report.notes)
    # SQLAlchemy puts the SQL on a line of its own; the list item keeps it.
    lines = render_report(report, "defects").splitlines()
    item = [line for line in lines if line.startswith("- `07289875daf2` upgrade:")]
    assert len(item) == 1
    assert "[SQL: ALTER TABLE accounts ADD COLUMN verified" in item[0]


def test_not_null_add_passes_unseeded(defects: Environment) -> None:
    report = run_round_trip(defects, revisions=["07289875daf2"], seed=False)

    assert step_table(report) == [("07289875daf2", step, True) for step in STEPS]


def test_defects_postgres_chain(tmp_path: Path, postgresql_url: str) -> None:
    root = tmp_path / "postgres"
    shutil.copytree(REPO / "examples" / "defects" / "postgres", root)
    environment = environment_at(root, "migrations")

    report = run_round_trip(environment, scratch_url=postgresql_url)

    expected = [(rev, s, True) for rev in alembic_order(environment) for s in STEPS]
    assert step_table(report) == expected
    assert report.notes == []
    assert_scratch_dropped(postgresql_url, report)


def test_raising_downgrade_fails_step(tmp_path: Path) -> None:
    environment = accounts_then(
        tmp_path, ADD_PLAN, "raise RuntimeError('plan cannot be removed')"
    )

    report = run_round_trip(environment)

    error = failure(report, "0002", "downgrade")
    assert error.startswith("RuntimeError: plan cannot be removed")
    assert error.endswith("(at migrations/versions/0002_change.py, line 15)")
    # The failed downgrade left the database at 0002, so no second upgrade.
    assert [s.step for s in report.steps if s.revision == "0002"] == [
        "upgrade",
        "downgrade",
    ]
    assert not report.passed
    assert not (tmp_path / "migrations" / "env-py-ran").exists()
    assert not (tmp_path / "production.sqlite").exists()


def test_empty_downgrade_leaves_column(tmp_path: Path) -> None:
    environment = accounts_then(tmp_path, ADD_PLAN, "pass")

    report = run_round_trip(environment)

    assert "column accounts.plan was left behind" in failure(
        report, "0002", "downgrade"
    )
    # Alembic itself then fails to add the column a second time.
    assert "plan" in failure(report, "0002", "upgrade again")


def test_lossy_round_trip_names_rows(tmp_path: Path) -> None:
    environment = accounts_then(
        tmp_path,
        "op.drop_column('accounts', 'fax')",
        "op.add_column('accounts', sa.Column('fax', sa.String(32)))",
    )

    report = run_round_trip(environment)

    error = failure(report, "0002", "downgrade")
    assert "table accounts: 1 of 1 rows seeded before the upgrade" in error
    assert "fax='s" in error
    assert step_table(report)[:3] == [("0001", step, True) for step in STEPS]


def test_downgrade_repeating_upgrade_fails(tmp_path: Path) -> None:
    environment = accounts_then(tmp_path, ADD_PLAN, ADD_PLAN)

    report = run_round_trip(environment)

    assert "duplicate column name: plan" in failure(report, "0002", "downgrade")


def test_slo_exceeded_fails_downgrade(tmp_path: Path) -> None:
    environment = write_project(tmp_path, {"0001_accounts.py": CREATE_ACCOUNTS})

    report = run_round_trip(environment, slo_seconds=0.0)

    error = failure(report, "0001", "downgrade")
    assert error.startswith("downgrade took ")
    assert error.endswith("over the rollback SLO of 0 s")
    assert [s.ok for s in report.steps] == [True, False, True]


def test_extra_file_runs_unwritten_revision(tmp_path: Path) -> None:
    environment = write_project(tmp_path, {"0001_accounts.py": CREATE_ACCOUNTS})
    unwritten = environment.version_locations[0] / "0002_plan.py"
    text = revision(
        "0002",
        "0001",
        ADD_PLAN,
        DROP_PLAN,
    )

    report = run_round_trip(
        environment, revisions=["0002"], extra_files=[GeneratedFile(unwritten, text)]
    )

    assert step_table(report) == [("0002", step, True) for step in STEPS]
    assert not unwritten.exists()


def test_revision_on_branch_runs_alone(tmp_path: Path) -> None:
    environment = accounts_then(tmp_path, ADD_PLAN, DROP_PLAN)
    tags = revision(
        "0003",
        "0001",
        "op.create_table('tags', sa.Column('id', sa.Integer, primary_key=True))",
        "op.drop_table('tags')",
    )
    (environment.version_locations[0] / "0003_tags.py").write_text(tags)

    report = run_round_trip(environment)

    assert report.revisions() == alembic_order(environment)
    assert report.passed, step_table(report)


def test_timeout_stops_worker(tmp_path: Path) -> None:
    environment = accounts_then(tmp_path, "import time\ntime.sleep(60)", "pass")

    report = run_round_trip(environment, timeout=5.0)

    assert "5 s timeout" in failure(report, "0002", "upgrade")
    assert "the round trip timed out after 5 s" in report.notes
    assert not report.passed


def test_graph_error_is_note(tmp_path: Path) -> None:
    environment = write_project(
        tmp_path,
        {
            "0001_accounts.py": CREATE_ACCOUNTS,
            "0002_orphan.py": revision("0002", "9999", "pass", "pass"),
        },
    )

    report = run_round_trip(environment)

    assert report.steps == []
    assert not report.passed
    assert len(report.notes) == 1
    assert "9999" in report.notes[0]


def test_sqlite_scratch_url_rejected(tmp_path: Path) -> None:
    environment = write_project(tmp_path, {"0001_accounts.py": CREATE_ACCOUNTS})

    with pytest.raises(RoundTripError, match="PostgreSQL or MySQL/MariaDB server"):
        run_round_trip(environment, scratch_url="sqlite:///elsewhere.db")


def test_postgres_scheme_rejected(tmp_path: Path) -> None:
    environment = write_project(tmp_path, {"0001_accounts.py": CREATE_ACCOUNTS})

    with pytest.raises(RoundTripError, match="write postgresql://"):
        run_round_trip(environment, scratch_url="postgres://postgres@127.0.0.1")


def test_unreachable_server_rejected(tmp_path: Path) -> None:
    environment = write_project(tmp_path, {"0001_accounts.py": CREATE_ACCOUNTS})
    # Port 9 (discard) has no database server listening on loopback.
    url = "postgresql+psycopg://postgres@127.0.0.1:9/postgres"

    with pytest.raises(RoundTripError, match="cannot create a scratch database"):
        run_round_trip(environment, scratch_url=url)


def test_missing_interpreter_rejected(tmp_path: Path) -> None:
    environment = write_project(tmp_path, {"0001_accounts.py": CREATE_ACCOUNTS})
    environment.settings.python = str(tmp_path / "no-such-python")

    with pytest.raises(RoundTripError, match="python setting"):
        run_round_trip(environment)


def test_dialect_mismatch_noted(tmp_path: Path) -> None:
    environment = write_project(tmp_path, {"0001_accounts.py": CREATE_ACCOUNTS})
    environment.dialect = "postgresql"

    report = run_round_trip(environment)

    assert report.passed
    assert report.notes == [
        "the project targets postgresql but this run used sqlite, so behaviour "
        "that differs between them was not tested, and a step can fail on "
        "sqlite alone; set the scratch_url setting or STEWARD_SCRATCH_URL to a "
        "postgresql server to test on postgresql"
    ]


@pytest.mark.parametrize(
    ("option", "sources"),
    [
        (None, "the scratch_url setting and STEWARD_SCRATCH_URL"),
        ("--scratch-url", "--scratch-url, the scratch_url setting and "),
    ],
    ids=["deep-check", "round-trip"],
)
def test_sqlite_note_names_command_sources(
    tmp_path: Path, option: str | None, sources: str
) -> None:
    environment = write_project(tmp_path, {"0001_accounts.py": CREATE_ACCOUNTS})
    environment.dialect = "sqlite"

    note = dialect_note(environment, "postgresql://127.0.0.1/postgres", option=option)

    assert note is not None
    assert f"; leave out {sources}" in note
    if option is None:
        assert "--scratch-url" not in note


@pytest.mark.parametrize(
    ("project", "url"),
    [
        ("mariadb", "mysql+pymysql://root@127.0.0.1:3306/"),
        ("mysql", "mariadb+pymysql://root@127.0.0.1:3306/"),
    ],
)
def test_mysql_family_not_mismatch(tmp_path: Path, project: str, url: str) -> None:
    environment = write_project(tmp_path, {"0001_accounts.py": CREATE_ACCOUNTS})
    environment.settings.dialect = project

    assert dialect_note(environment, url) is None


def test_dialect_setting_overrides_url(tmp_path: Path) -> None:
    environment = write_project(tmp_path, {"0001_accounts.py": CREATE_ACCOUNTS})
    environment.settings.dialect = "mysql"

    report = run_round_trip(environment)

    [note] = report.notes
    assert note.startswith("the project targets mysql but this run used sqlite")


def test_render_report_lists_failures(tmp_path: Path) -> None:
    environment = accounts_then(tmp_path, "pass", "raise RuntimeError('no way back')")
    report = run_round_trip(environment)

    text = render_report(report, "Round trip of the test chain")

    lines = text.splitlines()
    assert lines[0] == "# Round trip of the test chain"
    assert "**Result: failed.**" in lines
    assert any(line.startswith("| `0002` | downgrade | ") for line in lines)
    assert lines[-1].startswith("- `0002` downgrade: RuntimeError: no way back")


@pytest.mark.parametrize(
    "workspace",
    ["merge_revisions", "depends_on_branches", "version_locations_multiple"],
)
def test_graph_layouts_pass(workspace: str) -> None:
    environment = environment_at(
        REPO / "tests" / "workspaces" / workspace, "migrations"
    )

    report = run_round_trip(environment)

    expected = [(rev, s, True) for rev in alembic_order(environment) for s in STEPS]
    assert step_table(report) == expected


def test_revision_imports_project_module(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "plans.py").write_text("DEFAULT_PLAN = 'free'\n")
    upgrade = (
        "from app.plans import DEFAULT_PLAN\n"
        "op.add_column('accounts', sa.Column('plan', sa.String(20), "
        "nullable=False, server_default=DEFAULT_PLAN))"
    )
    environment = accounts_then(tmp_path, upgrade, DROP_PLAN)

    report = run_round_trip(environment)

    assert report.passed, report.failures()


def test_revision_reads_sibling_file(tmp_path: Path) -> None:
    upgrade = (
        "from pathlib import Path\n"
        "op.execute(Path(__file__).with_name('0002_plan.sql').read_text())"
    )
    environment = accounts_then(tmp_path, upgrade, DROP_PLAN)
    sql = "ALTER TABLE accounts ADD COLUMN plan VARCHAR(20)"
    (environment.version_locations[0] / "0002_plan.sql").write_text(sql)

    report = run_round_trip(environment)

    assert report.passed, report.failures()


def test_data_migration_ids_clear_seed(tmp_path: Path) -> None:
    upgrade = (
        "table = sa.table('accounts', sa.column('id'), sa.column('email'))\n"
        "op.bulk_insert(table, [{'id': 1, 'email': 'admin@example.com'}])"
    )
    downgrade = "op.execute(\"DELETE FROM accounts WHERE email = 'admin@example.com'\")"
    environment = accounts_then(tmp_path, upgrade, downgrade)

    report = run_round_trip(environment)

    assert report.passed, report.failures()


def test_later_foreign_key_holds(tmp_path: Path, postgresql_url: str) -> None:
    # PostgreSQL checks the existing rows when the foreign key is added, which
    # SQLite does not.
    orders = revision(
        "0002",
        "0001",
        "op.create_table('orders', sa.Column('id', sa.Integer, primary_key=True), "
        "sa.Column('account_id', sa.Integer, nullable=False))",
        "op.drop_table('orders')",
    )
    foreign_key = revision(
        "0003",
        "0002",
        "op.create_foreign_key("
        "'fk_orders_account', 'orders', 'accounts', ['account_id'], ['id'])",
        "op.drop_constraint('fk_orders_account', 'orders', type_='foreignkey')",
    )
    environment = write_project(
        tmp_path,
        {
            "0001_accounts.py": CREATE_ACCOUNTS,
            "0002_orders.py": orders,
            "0003_fk.py": foreign_key,
        },
    )

    report = run_round_trip(environment, scratch_url=postgresql_url)

    assert report.passed, report.failures()
    assert not [note for note in report.notes if "could not seed" in note]


BACKFILL = """\
import sqlalchemy as sa


def backfill(connection):
    connection.execute(sa.text("UPDATE accounts SET plan = 'free' WHERE plan IS NULL"))
"""


def test_backfill_hook_runs(tmp_path: Path) -> None:
    environment = accounts_then(tmp_path, ADD_PLAN, DROP_PLAN)
    seeds = environment.script_location / "seeds"
    seeds.mkdir()
    (seeds / "0002_seed.py").write_text(BACKFILL)
    not_null = revision(
        "0003",
        "0002",
        "with op.batch_alter_table('accounts') as batch:\n"
        "    batch.alter_column('plan', existing_type=sa.String(20), nullable=False)",
        "with op.batch_alter_table('accounts') as batch:\n"
        "    batch.alter_column('plan', existing_type=sa.String(20), nullable=True)",
    )
    (environment.version_locations[0] / "0003_not_null.py").write_text(not_null)

    report = run_round_trip(environment)

    assert ("0002", "backfill", True) in step_table(report)
    # Without the backfill the seeded row's NULL plan would fail 0003.
    assert report.passed, report.failures()


def test_failing_backfill_hook_fails(tmp_path: Path) -> None:
    environment = accounts_then(tmp_path, ADD_PLAN, DROP_PLAN)
    hook = GeneratedFile(
        environment.script_location / "seeds" / "0002_seed.py",
        "def backfill(connection):\n    raise ValueError('fill in the plan')\n",
    )

    report = run_round_trip(environment, extra_files=[hook])

    error = failure(report, "0002", "backfill")
    assert (
        error
        == "ValueError: fill in the plan (at migrations/seeds/0002_seed.py, line 2)"
    )
    assert not hook.path.exists()


def test_python_setting_runs_worker(tmp_path: Path) -> None:
    environment = write_project(tmp_path / "project", {"0001_a.py": CREATE_ACCOUNTS})
    marker = tmp_path / "wrapper-ran"
    wrapper = tmp_path / "python"
    wrapper.write_text(f'#!/bin/sh\ntouch "{marker}"\nexec "{sys.executable}" "$@"\n')
    wrapper.chmod(0o755)
    environment.settings.python = str(wrapper)

    report = run_round_trip(environment)

    assert report.passed, report.notes
    assert marker.exists()


def test_worker_crash_is_note(tmp_path: Path) -> None:
    environment = write_project(tmp_path / "project", {"0001_a.py": CREATE_ACCOUNTS})
    wrapper = tmp_path / "python"
    wrapper.write_text("#!/bin/sh\necho 'No module named sqlalchemy' >&2\nexit 3\n")
    wrapper.chmod(0o755)
    environment.settings.python = str(wrapper)

    report = run_round_trip(environment)

    assert not report.passed
    assert report.steps == []
    assert "exited with status 3" in report.notes[0]
    assert "No module named sqlalchemy" in report.notes[0]


def test_mariadb_rename_loses_not_null(tmp_path: Path, mariadb_url: str) -> None:
    # Without existing_nullable, MySQL's CHANGE COLUMN makes the column NULL.
    environment = accounts_then(
        tmp_path,
        "op.alter_column('accounts', 'email', new_column_name='login', "
        "existing_type=sa.String(120))",
        "op.alter_column('accounts', 'login', new_column_name='email', "
        "existing_type=sa.String(120))",
    )

    report = run_round_trip(environment, scratch_url=mariadb_url)

    assert failure(report, "0002", "downgrade") == (
        "column accounts.email nullable is True, was False before the upgrade"
    )


def test_database_url_names_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@production.invalid/app")
    check = (
        "import os\n"
        "url = op.get_bind().engine.url.render_as_string(hide_password=False)\n"
        "assert os.environ['DATABASE_URL'] == url, os.environ['DATABASE_URL']"
    )
    environment = accounts_then(tmp_path, check, "pass")

    report = run_round_trip(environment)

    assert report.passed, report.failures()
