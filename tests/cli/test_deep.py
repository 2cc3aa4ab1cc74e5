"""``steward check --deep``: the project's migrations and env.py on a scratch database.

The fixture projects of the oracle suite are copied and checked with and
without the deep engine: on each, the deep drift findings must name the same
codes on the same lines as the static ones. Failing, hanging and
misdirected revisions show that the deep engine reports the file at fault,
times out cleanly and reaches no database but its scratch one.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WORKSPACES = REPO / "tests" / "workspaces"

AGREEING_FIXTURES = [
    "extra_column_at_head",
    "boolean_type_drift",
    "composite_index_columns",
    "core_table",
    "index_removed_from_model",
    "dropped_table",
]

HANGING_REVISION = '''\
"""hang"""
import time

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    time.sleep(60)


def downgrade():
    pass
'''

RAISING_REVISION = '''\
"""raise"""
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    raise RuntimeError("backfill source is missing")


def downgrade():
    pass
'''


def copy_fixture(name: str, tmp_path: Path) -> Path:
    project = tmp_path / name
    shutil.copytree(WORKSPACES / name, project)
    return project


def check(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "steward_lsp", "check", ".", "--format", "json", *args],
        cwd=project,
        env=None if env is None else {**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def drift(completed: subprocess.CompletedProcess[str]) -> list[tuple[str, str, int]]:
    findings = json.loads(completed.stdout)
    return sorted(
        (f["code"], f["path"], f["line"])
        for f in findings
        if f["code"].startswith("STW10")
    )


@pytest.mark.parametrize("name", AGREEING_FIXTURES)
def test_deep_agrees_with_static(name: str, tmp_path: Path) -> None:
    project = copy_fixture(name, tmp_path)

    static = check(project)
    deep = check(project, "--deep")

    assert deep.returncode in (0, 1), deep.stderr
    assert drift(deep) == drift(static)
    deep_messages = [f["message"] for f in json.loads(deep.stdout)]
    if drift(static):
        assert any("found by the deep check" in m for m in deep_messages)


@pytest.mark.parametrize(
    "name, phrase",
    [
        pytest.param("diff_column_renamed", "probably a rename", id="column"),
        pytest.param(
            "diff_naming_convention_added",
            "differ only by the models' naming convention",
            id="convention",
        ),
    ],
)
def test_deep_keeps_rename_findings(name: str, phrase: str, tmp_path: Path) -> None:
    project = copy_fixture(name, tmp_path)

    static = check(project)
    deep = check(project, "--deep")

    assert deep.returncode == 1, deep.stderr
    assert drift(deep) == drift(static)
    deep_messages = [f["message"] for f in json.loads(deep.stdout)]
    assert deep_messages
    for message in deep_messages:
        assert phrase in message
        assert "confirmed by the deep check" in message


def declare_dialect(project: Path, dialect: str) -> None:
    """Write ``dialect`` into the project's [tool.steward] settings."""
    settings = f'[tool.steward]\ndialect = "{dialect}"\n'
    (project / "pyproject.toml").write_text(settings, encoding="utf-8")


def postgresql_project(name: str, tmp_path: Path) -> Path:
    """Copy fixture ``name`` with its revisions declared to be for PostgreSQL."""
    project = copy_fixture(name, tmp_path)
    declare_dialect(project, "postgresql")
    return project


def server_url(database_url: str) -> str:
    """Return the URL of the server of ``database_url``, for STEWARD_SCRATCH_URL."""
    return database_url.rsplit("/", 1)[0] + "/"


def check_on_mariadb(
    project: Path, mariadb_url: str
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """Run steward check on a MySQL project, then with --deep on MariaDB."""
    declare_dialect(project, "mysql")
    static = check(project)
    deep = check(
        project, "--deep", env={"STEWARD_SCRATCH_URL": server_url(mariadb_url)}
    )
    assert "STW112" not in deep.stdout
    assert "this run used sqlite" not in deep.stderr
    return static, deep


# Drift that compare_metadata does not compare: members of a CHECK-backed
# enum and an index predicate on SQLite, and also the native enum type on
# PostgreSQL. Each entry is the static findings' (line, phrase).
ALEMBIC_BLIND = {
    "diff_enum_members": {
        "sqlite": [(18, "the model removes 'post'")],
        "postgresql": [
            (14, "the model adds 'revoked'"),
            (18, "the model removes 'post'"),
        ],
    },
    "diff_partial_index_predicate": {
        "sqlite": [(12, "model says WHERE state = 'waiting'")],
        "postgresql": [(12, "model says WHERE state = 'waiting'")],
    },
}


def assert_keeps_blind_findings(
    name: str,
    dialect: str,
    static: subprocess.CompletedProcess[str],
    deep: subprocess.CompletedProcess[str],
) -> None:
    assert deep.returncode == 1, deep.stderr
    assert "STW112" not in deep.stdout
    assert drift(deep) == drift(static)
    blind = [
        (f["line"], f["message"])
        for f in json.loads(deep.stdout)
        if "autogenerate does not compare" in f["message"]
    ]
    expected = ALEMBIC_BLIND[name][dialect]
    assert [line for line, _ in blind] == [line for line, _ in expected]
    for (_, message), (_, phrase) in zip(blind, expected, strict=True):
        assert phrase in message
    assert "not confirmed on the database" not in deep.stderr


@pytest.mark.parametrize("name", sorted(ALEMBIC_BLIND))
def test_deep_keeps_findings_alembic_misses(name: str, tmp_path: Path) -> None:
    project = copy_fixture(name, tmp_path)

    static = check(project)
    deep = check(project, "--deep")

    assert_keeps_blind_findings(name, "sqlite", static, deep)


@pytest.mark.parametrize("name", sorted(ALEMBIC_BLIND))
def test_deep_keeps_findings_alembic_misses_postgresql(
    name: str, tmp_path: Path, postgresql_url: str
) -> None:
    project = postgresql_project(name, tmp_path)
    scratch = {"STEWARD_SCRATCH_URL": server_url(postgresql_url) + "postgres"}

    static = check(project)
    deep = check(project, "--deep", env=scratch)

    assert "this run used sqlite" not in deep.stderr
    assert_keeps_blind_findings(name, "postgresql", static, deep)


def test_deep_keeps_using_clause_postgresql(
    tmp_path: Path, postgresql_url: str
) -> None:
    project = postgresql_project("diff_type_change_using", tmp_path)
    scratch = {"STEWARD_SCRATCH_URL": server_url(postgresql_url) + "postgres"}

    deep = check(project, "--deep", env=scratch)

    assert "STW112" not in deep.stdout, deep.stdout
    messages = [f["message"] for f in json.loads(deep.stdout) if f["code"] == "STW105"]
    assert len(messages) == 2, messages
    timestamp = "postgresql_using=\"sealed_at AT TIME ZONE 'UTC'\""
    assert any(timestamp in m for m in messages), messages
    assert any("postgresql_using='attempts::INTEGER'" in m for m in messages)


def test_deep_unique_primary_key_no_drift(tmp_path: Path) -> None:
    project = copy_fixture("diff_unique_primary_key", tmp_path)

    static = check(project)
    deep = check(project, "--deep")

    assert "STW112" not in deep.stdout
    assert drift(static) == []
    assert drift(deep) == []
    assert "missed by the static engine" not in deep.stderr


def test_deep_unique_primary_key_postgresql(
    tmp_path: Path, postgresql_url: str
) -> None:
    project = postgresql_project("diff_unique_primary_key", tmp_path)
    scratch = {"STEWARD_SCRATCH_URL": server_url(postgresql_url) + "postgres"}

    deep = check(project, "--deep", env=scratch)

    assert "STW112" not in deep.stdout
    assert "this run used sqlite" not in deep.stderr
    assert drift(deep) == []


# Columns whose default MariaDB stores under another spelling than the model
# renders (0.00 for 0, 1 for true, current_timestamp() for now()), and one
# string default, '0.00' against the revision's '0', that does differ.
SPELLED_DEFAULT_COLUMNS = """\
    fee: Mapped[Decimal] = mapped_column(Numeric(6, 2), server_default=text("0"))
    sealed: Mapped[bool] = mapped_column(server_default=true())
    label: Mapped[str] = mapped_column(String(10), server_default="0.00")
"""
SPELLED_DEFAULT_REVISION = """\
        sa.Column(
            "fee", sa.Numeric(6, 2), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("sealed", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("label", sa.String(10), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id"),
"""
LABEL_LINE = 23


def test_deep_default_spellings_mariadb(tmp_path: Path, mariadb_url: str) -> None:
    project = copy_fixture("diff_equivalent_server_defaults", tmp_path)
    models = project / "models.py"
    text = models.read_text(encoding="utf-8").replace(
        "from sqlalchemy import func, text",
        "from decimal import Decimal\n\n"
        "from sqlalchemy import Numeric, String, func, text, true",
    )
    models.write_text(text + SPELLED_DEFAULT_COLUMNS, encoding="utf-8")
    [revision] = (project / "migrations" / "versions").glob("*.py")
    revision.write_text(
        revision.read_text(encoding="utf-8").replace(
            '        sa.PrimaryKeyConstraint("id"),\n', SPELLED_DEFAULT_REVISION
        ),
        encoding="utf-8",
    )

    static, deep = check_on_mariadb(project, mariadb_url)

    assert drift(static) == [("STW109", "models.py", LABEL_LINE)]
    assert drift(deep) == drift(static)
    [label] = [f for f in json.loads(deep.stdout) if f["code"] == "STW109"]
    assert "'0' at head, 0.00 in the model" in label["message"]
    assert "missed by the static engine" not in deep.stderr


def test_deep_charset_change_mariadb(tmp_path: Path, mariadb_url: str) -> None:
    project = tmp_path / "mariadb_dialect_types"
    shutil.copytree(REPO / "tests" / "oracle" / "type_projects" / project.name, project)

    static, deep = check_on_mariadb(project, mariadb_url)

    # legacy_title and tag change only a character set or collation that
    # MariaDB does not show at head, and summary is a type change both report.
    assert drift(deep) == drift(static)
    lines = {f["line"]: f["message"] for f in json.loads(deep.stdout)}
    assert "CHARACTER SET latin1" in lines[23]
    assert "COLLATE utf8mb4_bin" in lines[26]
    assert "found by the deep check" in lines[31]


def test_deep_raising_revision_reported(tmp_path: Path) -> None:
    project = copy_fixture("extra_column_at_head", tmp_path)
    revision = project / "migrations" / "versions" / "0003_raise.py"
    revision.write_text(RAISING_REVISION, encoding="utf-8")

    completed = check(project, "--deep")

    findings = [f for f in json.loads(completed.stdout) if f["code"] == "STW112"]
    assert len(findings) == 1, completed.stdout + completed.stderr
    assert findings[0]["path"].endswith("0003_raise.py")
    assert findings[0]["line"] == 9
    assert "backfill source is missing" in findings[0]["message"]
    assert completed.returncode == 1


def test_deep_hanging_revision_times_out(tmp_path: Path) -> None:
    project = copy_fixture("extra_column_at_head", tmp_path)
    revision = project / "migrations" / "versions" / "0003_hang.py"
    revision.write_text(HANGING_REVISION, encoding="utf-8")

    completed = check(project, "--deep", "--deep-timeout", "8")

    findings = [f for f in json.loads(completed.stdout) if f["code"] == "STW112"]
    assert len(findings) == 1, completed.stdout + completed.stderr
    assert "timed out after 8 s while running revision 0003" in findings[0]["message"]
    assert findings[0]["path"].endswith("0003_hang.py")


def test_deep_reaches_only_scratch_database(tmp_path: Path) -> None:
    project = copy_fixture("extra_column_at_head", tmp_path)
    forbidden = tmp_path / "production.sqlite"
    env_py = project / "migrations" / "env.py"
    text = env_py.read_text(encoding="utf-8")
    env_py.write_text(
        text.replace(
            "config.get_section(config.config_ini_section, {}),",
            f'{{"sqlalchemy.url": "sqlite:///{forbidden}"}},',
        ),
        encoding="utf-8",
    )

    completed = check(project, "--deep")

    assert completed.returncode == 1, completed.stderr
    assert not forbidden.exists()
    assert not (project / "extra_column_at_head.sqlite").exists()
    assert ("STW104", "models.py", 9) in drift(completed)


def test_deep_postgresql_env_on_sqlite(tmp_path: Path) -> None:
    project = tmp_path / "defects"
    shutil.copytree(REPO / "examples" / "defects" / "postgres", project)

    completed = check(project, "--deep")

    # The check runs on SQLite, where the ALTER COLUMN ... TYPE of revision
    # 5c5182ac705d fails, and both the warning and the finding name the cause.
    assert completed.returncode == 1, completed.stderr
    mismatch = "the project targets postgresql but this run used sqlite"
    assert mismatch in completed.stderr
    assert "set the scratch_url setting or STEWARD_SCRATCH_URL" in completed.stderr
    [failure] = [f for f in json.loads(completed.stdout) if f["code"] == "STW112"]
    assert failure["path"].endswith("5c5182ac705d_index_evidence_tx_hash.py")
    assert mismatch in failure["message"]


def test_deep_skips_unloadable_graph(tmp_path: Path) -> None:
    project = copy_fixture("boolean_type_drift", tmp_path)
    [first] = sorted((project / "migrations" / "versions").glob("*.py"))
    text = first.read_text(encoding="utf-8")
    first.write_text(
        text.replace("down_revision = None", 'down_revision = "0badc0ffee00"'),
        encoding="utf-8",
    )

    completed = check(project, "--deep")

    assert completed.returncode == 1, completed.stderr
    codes = {f["code"] for f in json.loads(completed.stdout)}
    assert "STW402" in codes
    assert "STW112" not in codes
    assert "deep check of migrations skipped" in completed.stderr
    assert "KeyError" not in completed.stdout + completed.stderr


def test_deep_sqlite_env_on_server(tmp_path: Path, postgresql_url: str) -> None:
    project = tmp_path / "project"
    shutil.copytree(WORKSPACES / "extra_column_at_head", project)
    server = postgresql_url.rsplit("/", 1)[0] + "/postgres"

    completed = check(project, "--deep", env={"STEWARD_SCRATCH_URL": server})

    assert completed.returncode in (0, 1), completed.stderr
    assert "the project targets sqlite but this run used postgresql" in (
        completed.stderr
    )
    assert (
        "leave out the scratch_url setting and STEWARD_SCRATCH_URL, whichever "
        "chose the server" in completed.stderr
    )
    # steward check has no --scratch-url option.
    assert "--scratch-url" not in completed.stderr


def test_deep_scratch_url_variable(tmp_path: Path, postgresql_url: str) -> None:
    project = tmp_path / "defects"
    shutil.copytree(REPO / "examples" / "defects" / "postgres", project)
    server = postgresql_url.rsplit("/", 1)[0] + "/postgres"

    completed = check(project, "--deep", env={"STEWARD_SCRATCH_URL": server})

    assert completed.returncode in (0, 1), completed.stderr
    assert "the project targets" not in completed.stderr
    codes = [f["code"] for f in json.loads(completed.stdout)]
    assert "STW112" not in codes


def test_deep_on_postgresql_scratch(tmp_path: Path, postgresql_url: str) -> None:
    project = copy_fixture("boolean_type_drift", tmp_path)
    server = postgresql_url.rsplit("/", 1)[0] + "/postgres"
    pyproject = project / "pyproject.toml"
    settings = f'[tool.steward]\nscratch_url = "{server}"\n'
    pyproject.write_text(settings, encoding="utf-8")

    static = check(project)
    deep = check(project, "--deep")

    assert deep.returncode in (0, 1), deep.stderr
    assert drift(deep) == drift(static)


@pytest.mark.parametrize("seconds", ["0", "-1"])
def test_deep_timeout_must_be_positive(seconds: str, tmp_path: Path) -> None:
    project = copy_fixture("extra_column_at_head", tmp_path)

    completed = check(project, "--deep", "--deep-timeout", seconds)

    assert completed.returncode == 2
    assert "--deep-timeout" in completed.stderr
    assert completed.stdout == ""


def test_empty_select_is_usage_error(tmp_path: Path) -> None:
    project = copy_fixture("extra_column_at_head", tmp_path)

    completed = check(project, "--select", ",")

    assert completed.returncode == 2
    assert "names no rule code" in completed.stderr


def test_text_report_keeps_one_line_per_finding(tmp_path: Path) -> None:
    from steward_lsp.engine import report
    from steward_lsp.engine.findings import Finding
    from steward_lsp.engine.schema import Location, Span

    finding = Finding(
        "STW112",
        "the deep check failed: OperationalError: near ALTER\n[SQL: ALTER TABLE t]",
        Location(tmp_path / "r.py", Span(0, 0, 0, 0)),
    )

    text = report.render([finding], "text", tmp_path, [])

    assert text == (
        "r.py:1:1: STW112 the deep check failed: OperationalError: near ALTER "
        "[SQL: ALTER TABLE t]\n"
    )


PID_WRITING_REVISION = '''\
"""hang after telling who runs it"""
import os
import time

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with open({pid_file!r}, "w") as stream:
        stream.write(str(os.getpid()))
    time.sleep(60)


def downgrade():
    pass
'''


@pytest.mark.parametrize(
    ("signal_number", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)]
)
def test_interrupted_check_stops_worker(
    signal_number: int, status: int, tmp_path: Path
) -> None:
    project = copy_fixture("extra_column_at_head", tmp_path)
    pid_file = tmp_path / "worker.pid"
    revision = project / "migrations" / "versions" / "0003_hang.py"
    revision.write_text(
        PID_WRITING_REVISION.format(pid_file=str(pid_file)), encoding="utf-8"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "steward_lsp", "check", ".", "--deep"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the worker never started the revision"
        time.sleep(0.2)
    worker = int(pid_file.read_text())

    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == status, stderr
    assert "Traceback" not in stderr
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    # A killed child of another process stays a zombie until reaped; its
    # /proc status then says so.
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


EXITING_REVISION = '''\
"""leave the process"""
import os

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    os._exit(3)


def downgrade():
    pass
'''


def test_deep_exiting_revision_reported(tmp_path: Path) -> None:
    project = copy_fixture("extra_column_at_head", tmp_path)
    revision = project / "migrations" / "versions" / "0003_exit.py"
    revision.write_text(EXITING_REVISION, encoding="utf-8")

    completed = check(project, "--deep")

    findings = [f for f in json.loads(completed.stdout) if f["code"] == "STW112"]
    assert len(findings) == 1, completed.stdout + completed.stderr
    assert findings[0]["path"].endswith("0003_exit.py")
    assert "in revision 0003" in findings[0]["message"]
    assert "exited with status 3" in findings[0]["message"]
    assert completed.returncode == 1


# An application module that creates its async engine when imported, as
# FastAPI projects do; env.py imports it through the models.
ASYNC_ENGINE_AT_IMPORT = """\
from sqlalchemy.ext.asyncio import create_async_engine

engine = create_async_engine("postgresql+asyncpg://app@localhost/app", pool_size=5)
"""

# A "python" setting that runs the worker where aiosqlite cannot be imported:
# None in sys.modules makes `import aiosqlite` raise ImportError.
WITHOUT_AIOSQLITE = """\
#!/bin/sh
exec {python} -c "import runpy, sys; sys.modules['aiosqlite'] = None; \\
sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')" "$@"
"""


def async_engine_project(tmp_path: Path) -> Path:
    project = copy_fixture("extra_column_at_head", tmp_path)
    (project / "app_db.py").write_text(ASYNC_ENGINE_AT_IMPORT, encoding="utf-8")
    models = project / "models.py"
    models.write_text(
        "import app_db  # noqa: F401\n" + models.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    return project


def test_deep_async_engine_uses_aiosqlite(tmp_path: Path) -> None:
    pytest.importorskip("aiosqlite")
    project = async_engine_project(tmp_path)

    static = check(project)
    deep = check(project, "--deep")

    codes = [f["code"] for f in json.loads(deep.stdout)]
    assert "STW112" not in codes, deep.stdout
    assert deep.returncode == 1, deep.stderr
    assert drift(deep) == drift(static)
    messages = [f["message"] for f in json.loads(deep.stdout)]
    assert any("found by the deep check" in m for m in messages)


def test_deep_async_engine_without_aiosqlite(tmp_path: Path) -> None:
    project = async_engine_project(tmp_path)
    wrapper = tmp_path / "python-without-aiosqlite"
    wrapper.write_text(WITHOUT_AIOSQLITE.format(python=sys.executable))
    wrapper.chmod(0o755)
    (project / "pyproject.toml").write_text(
        f'[tool.steward]\npython = "{wrapper}"\n', encoding="utf-8"
    )

    completed = check(project, "--deep")

    findings = [f for f in json.loads(completed.stdout) if f["code"] == "STW112"]
    assert len(findings) == 1, completed.stdout + completed.stderr
    assert findings[0]["path"].endswith("app_db.py")
    assert "async driver aiosqlite" in findings[0]["message"]
    assert "pip install aiosqlite" in findings[0]["message"]
    assert "scratch_url" in findings[0]["message"]
    assert "pysqlite" not in findings[0]["message"]


def test_deep_postgresql_revisions_without_url(tmp_path: Path) -> None:
    project = copy_fixture("extra_column_at_head", tmp_path)
    ini_file = project / "alembic.ini"
    ini_file.write_text(
        ini_file.read_text(encoding="utf-8").replace(
            "sqlite:///extra_column_at_head.sqlite",
            "driver://user:pass@localhost/dbname",
        ),
        encoding="utf-8",
    )
    revision = project / "migrations" / "versions" / "0002_add_legacy_code.py"
    revision.write_text(
        "from sqlalchemy.dialects import postgresql  # noqa: F401\n"
        + revision.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    (project / "migrations" / "versions" / "0003_raise.py").write_text(
        RAISING_REVISION, encoding="utf-8"
    )

    completed = check(project, "--deep")

    warnings = [
        line
        for line in completed.stderr.splitlines()
        if "the revisions use postgresql options" in line
    ]
    assert len(warnings) == 1, completed.stderr
    assert "scratch_url" in warnings[0]
    assert "STEWARD_SCRATCH_URL" in warnings[0]
    findings = [f for f in json.loads(completed.stdout) if f["code"] == "STW112"]
    assert len(findings) == 1, completed.stdout
    assert "the revisions use postgresql options" in findings[0]["message"]
