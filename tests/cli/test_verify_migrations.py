"""``steward verify-migrations`` as a subprocess, on real scratch databases."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from cli_project import FIRST_REVISION, Runner, write_files

from steward_lsp.engine.generate.output import MARK

REPORTS = Path("docs") / "migrations"

# A NOT NULL column without a server default: fine on an empty table, an
# error on the seeded one.
NOT_NULL_REVISION = '''\
"""add account plan"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("accounts", sa.Column("plan", sa.String(20), nullable=False))


def downgrade():
    op.drop_column("accounts", "plan")
'''


# A downgrade that leaves the accounts table behind, so its step fails.
KEEP_ACCOUNTS_REVISION = FIRST_REVISION.replace('op.drop_table("accounts")', "pass")

STEP_SECONDS = re.compile(r"^(\| `0001` \| [^|]+ \| )\d+\.\d+", re.MULTILINE)


def report_text(root: Path, rev: str) -> str:
    return (root / REPORTS / f"{rev}-test-report.md").read_text(encoding="utf-8")


def rewrite_step_seconds(root: Path, rev: str) -> None:
    """Replace every time in the steps table of ``rev``'s report with 9.999."""
    path = root / REPORTS / f"{rev}-test-report.md"
    text = path.read_text(encoding="utf-8")
    rewritten, count = STEP_SECONDS.subn(r"\g<1>9.999", text)
    assert count == 3, text
    path.write_text(rewritten, encoding="utf-8")


def test_verify_writes_report(steward: Runner, clean_project: Path) -> None:
    result = steward("verify-migrations", cwd=clean_project)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "wrote docs/migrations/0001-test-report.md",
        "wrote docs/migrations/verify-report.md",
    ]
    assert "1 revision(s): 1 passed, 0 failed" in result.stderr
    text = report_text(clean_project, "0001")
    assert MARK in text.splitlines()[0]
    assert "# Round trip of revision 0001: create accounts" in text
    assert "**Result: passed.**" in text
    assert "| `0001` | downgrade | " in text
    # alembic.ini names a PostgreSQL database that this run must not touch.
    mismatch = "the project targets postgresql but this run used sqlite"
    assert mismatch in text
    assert "set the scratch_url setting or STEWARD_SCRATCH_URL" in text
    assert mismatch in result.stderr


def test_verify_scratch_url_variable(
    steward: Runner, clean_project: Path, postgresql_url: str
) -> None:
    variable = {"STEWARD_SCRATCH_URL": postgresql_url}

    result = steward("verify-migrations", cwd=clean_project, env=variable)

    assert result.returncode == 0, result.stderr
    text = report_text(clean_project, "0001")
    assert "Round trip on postgresql+psycopg://127.0.0.1:5432/steward_scratch_" in text
    assert "the project targets" not in text
    assert "the project targets" not in result.stderr
    assert_no_scratch_left(postgresql_url, text)


def test_verify_failure_exits_1(steward: Runner, clean_project: Path) -> None:
    write_files(clean_project, {"migrations/versions/0002_plan.py": NOT_NULL_REVISION})

    result = steward("verify-migrations", cwd=clean_project)

    assert result.returncode == 1, result.stderr
    assert "2 revision(s): 1 passed, 1 failed (0002: upgrade failed:" in result.stderr
    text = report_text(clean_project, "0002")
    assert "**Result: failed.**" in text
    assert "NOT NULL" in text
    assert "**Result: passed.**" in report_text(clean_project, "0001")
    [finding] = [line for line in result.stdout.splitlines() if "STW308" in line]
    assert finding.startswith("migrations/versions/0002_plan.py:5:1: STW308 ")
    assert "the upgrade of revision 0002 failed" in finding


def test_verify_summary_lists_revisions(steward: Runner, clean_project: Path) -> None:
    write_files(clean_project, {"migrations/versions/0002_plan.py": NOT_NULL_REVISION})

    steward("verify-migrations", cwd=clean_project)

    text = (clean_project / REPORTS / "verify-report.md").read_text(encoding="utf-8")
    assert MARK in text.splitlines()[0]
    outcome = "**Result: failed.** 2 revision(s): 1 passed, 1 failed (0002: upgrade"
    assert outcome in text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == 2
    assert rows[0].startswith("| `0001` | passed | ")
    assert "| create accounts | [0001-test-report.md](0001-test-report.md) |" in rows[0]
    # The upgrade failed, so the revision has no downgrade time.
    assert rows[1].startswith("| `0002` | failed | - | add account plan | ")


def test_verify_one_revision_keeps_summary(
    steward: Runner, clean_project: Path
) -> None:
    steward("verify-migrations", cwd=clean_project)
    summary = clean_project / REPORTS / "verify-report.md"
    before = summary.read_text(encoding="utf-8")

    result = steward("verify-migrations", "--revision", "0001", cwd=clean_project)

    assert result.returncode == 0, result.stderr
    assert "verify-report.md" not in result.stdout
    assert summary.read_text(encoding="utf-8") == before


def test_verify_no_seed_passes(steward: Runner, clean_project: Path) -> None:
    write_files(clean_project, {"migrations/versions/0002_plan.py": NOT_NULL_REVISION})

    result = steward(
        "verify-migrations", "--revision", "0002", "--no-seed", cwd=clean_project
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["wrote docs/migrations/0002-test-report.md"]
    assert not (clean_project / REPORTS / "0001-test-report.md").exists()
    text = report_text(clean_project, "0002")
    assert "for each revision, upgrade, downgrade" in text
    assert "timed on tables that hold no seeded rows" in text


def test_verify_cycle_exits_2(steward: Runner, clean_project: Path) -> None:
    cyclic = FIRST_REVISION.replace("down_revision = None", 'down_revision = "0002"')
    second = NOT_NULL_REVISION.replace("nullable=False", "nullable=True")
    write_files(
        clean_project,
        {
            "migrations/versions/0001_create_accounts.py": cyclic,
            "migrations/versions/0002_plan.py": second,
        },
    )

    result = steward("verify-migrations", cwd=clean_project)

    assert result.returncode == 2, result.stderr
    assert "Alembic cannot load a revision chain" in result.stderr
    assert "STW404" in result.stderr
    assert not (clean_project / REPORTS).exists()


def test_verify_unknown_revision_exits_2(steward: Runner, clean_project: Path) -> None:
    result = steward("verify-migrations", "--revision", "beef", cwd=clean_project)

    assert result.returncode == 2
    assert "no revision 'beef' in migrations" in result.stderr
    assert not (clean_project / REPORTS).exists()


def test_verify_invalid_timeout_exits_2(steward: Runner, clean_project: Path) -> None:
    result = steward("verify-migrations", "--timeout", "0", cwd=clean_project)

    assert result.returncode == 2
    assert "invalid timeout 0.0" in result.stderr
    assert not (clean_project / REPORTS).exists()


def test_verify_refuses_unmarked_report(steward: Runner, clean_project: Path) -> None:
    mine = clean_project / REPORTS / "0001-test-report.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("# my own notes\n", encoding="utf-8")

    result = steward("verify-migrations", cwd=clean_project)

    assert result.returncode == 2
    assert "steward did not write it" in result.stderr
    assert mine.read_text(encoding="utf-8") == "# my own notes\n"


def test_verify_rollback_slo_setting(steward: Runner, clean_project: Path) -> None:
    write_files(
        clean_project, {"pyproject.toml": "[tool.steward]\nrollback_slo = 0.001\n"}
    )

    result = steward("verify-migrations", cwd=clean_project)

    assert result.returncode == 1, result.stderr
    assert "over the rollback SLO of 0.001 s" in result.stderr
    assert "Rollback SLO: 0.001 s," in report_text(clean_project, "0001")


def test_check_ignores_step_times(steward: Runner, clean_project: Path) -> None:
    assert steward("verify-migrations", cwd=clean_project).returncode == 0
    rewrite_step_seconds(clean_project, "0001")
    before = report_text(clean_project, "0001")

    result = steward("verify-migrations", "--check", cwd=clean_project)

    assert result.returncode == 0, result.stderr
    assert "out of date" not in result.stderr
    assert report_text(clean_project, "0001") == before


def test_check_reports_changed_result(steward: Runner, clean_project: Path) -> None:
    assert steward("verify-migrations", cwd=clean_project).returncode == 0
    write_files(
        clean_project,
        {"migrations/versions/0001_create_accounts.py": KEEP_ACCOUNTS_REVISION},
    )

    result = steward("verify-migrations", "--check", cwd=clean_project)

    assert result.returncode == 1, result.stderr
    assert "docs/migrations/0001-test-report.md is out of date" in result.stderr
    assert "**Result: passed.**" in report_text(clean_project, "0001")


def test_check_ignores_slo_time(steward: Runner, clean_project: Path) -> None:
    write_files(
        clean_project, {"pyproject.toml": "[tool.steward]\nrollback_slo = 0.001\n"}
    )
    assert steward("verify-migrations", cwd=clean_project).returncode == 1
    path = clean_project / REPORTS / "0001-test-report.md"
    text = path.read_text(encoding="utf-8")
    slo_time = re.compile(r"downgrade took \d+\.\d s, over")
    assert slo_time.search(text), text
    path.write_text(slo_time.sub("downgrade took 4.2 s, over", text), encoding="utf-8")

    result = steward("verify-migrations", "--check", cwd=clean_project)

    # The downgrade still misses the SLO, so the check fails, but the report
    # with its other time is current.
    assert result.returncode == 1, result.stderr
    assert "out of date" not in result.stderr


def test_check_ignores_scratch_name(
    steward: Runner, clean_project: Path, postgresql_url: str
) -> None:
    options = ("verify-migrations", "--scratch-url", postgresql_url)
    assert steward(*options, cwd=clean_project).returncode == 0
    first = report_text(clean_project, "0001")

    result = steward(*options, "--check", cwd=clean_project)

    assert result.returncode == 0, result.stderr
    assert "out of date" not in result.stderr
    assert report_text(clean_project, "0001") == first
    assert_no_scratch_left(postgresql_url, first)


def test_verify_postgresql_scratch_url(
    steward: Runner, clean_project: Path, postgresql_url: str
) -> None:
    write_files(clean_project, {"migrations/versions/0002_plan.py": NOT_NULL_REVISION})

    result = steward(
        "verify-migrations", "--scratch-url", postgresql_url, cwd=clean_project
    )

    assert result.returncode == 1, result.stderr
    text = report_text(clean_project, "0002")
    assert "NotNullViolation" in text
    assert_no_scratch_left(postgresql_url, text)


def test_verify_mariadb_scratch_setting(
    steward: Runner, clean_project: Path, mariadb_url: str
) -> None:
    setting = f'[tool.steward]\nscratch_url = "{mariadb_url}"\n'
    write_files(clean_project, {"pyproject.toml": setting})

    result = steward("verify-migrations", cwd=clean_project)

    assert result.returncode == 0, result.stderr
    text = report_text(clean_project, "0001")
    assert "mysql+pymysql://127.0.0.1:3306/steward_scratch_" in text
    assert "root" not in text
    assert_no_scratch_left(mariadb_url, text)


def assert_no_scratch_left(server_url: str, report: str) -> None:
    """Check that the scratch database named in ``report`` was dropped."""
    start = report.index("steward_scratch_")
    name = report[start : start + len("steward_scratch_") + 12]
    engine = sa.create_engine(server_url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        names = set(
            sa.inspect(connection).get_schema_names()
            if engine.dialect.name != "postgresql"
            else connection.execute(sa.text("SELECT datname FROM pg_database"))
            .scalars()
            .all()
        )
    engine.dispose()
    assert name not in names


def test_repository_reports_are_current(steward: Runner) -> None:
    """The bundled chain's round-trip reports in docs/ match a fresh run."""
    repository = Path(__file__).resolve().parents[2]

    checked = steward("verify-migrations", "--check", ".", cwd=repository)

    assert checked.returncode == 0, checked.stderr


def test_verify_missing_driver_exits_2(steward: Runner, clean_project: Path) -> None:
    url = "postgresql+pg8000://reader:hunter2-secret@127.0.0.1:9/"

    result = steward("verify-migrations", "--scratch-url", url, cwd=clean_project)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "driver module 'pg8000' is not installed" in result.stderr
    assert "pip install 'pg8000'" in result.stderr
    assert "hunter2-secret" not in result.stderr
    assert not (clean_project / REPORTS).exists()


def test_verify_missing_driver_names_installed_one(
    steward: Runner, clean_project: Path
) -> None:
    url = "mysql://root@127.0.0.1:9/"

    result = steward("verify-migrations", "--scratch-url", url, cwd=clean_project)

    assert result.returncode == 2, result.stderr
    assert "driver module 'MySQLdb' is not installed" in result.stderr
    assert "write it as mysql+pymysql://... instead" in result.stderr
