"""``steward check`` run as a subprocess: exit statuses, filters, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cli_project import BROKEN_COLUMN, BROKEN_LINE, Runner, write_files

from steward_lsp import __version__

BROKEN_PATH = "migrations/versions/0002_broken.py"


def test_clean_project_exits_zero(clean_project: Path, steward: Runner) -> None:
    result = steward("check", cwd=clean_project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "no findings" in result.stderr


def test_findings_exit_one(broken_project: Path, steward: Runner) -> None:
    result = steward("check", ".", cwd=broken_project)

    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{BROKEN_PATH}:{BROKEN_LINE}:{BROKEN_COLUMN}: STW001 ")
    assert "0002_broken.py" in lines[0]
    assert "1 error" in result.stderr


def test_paths_relative_to_current_folder(
    broken_project: Path, steward: Runner
) -> None:
    result = steward("check", "project", cwd=broken_project.parent)

    assert result.returncode == 1
    assert result.stdout.startswith(f"project/{BROKEN_PATH}:{BROKEN_LINE}:")


def test_information_findings_exit_zero(clean_project: Path, steward: Runner) -> None:
    # ix_accounts_region is a prefix of ix_accounts_region_city: STW204, which
    # is information only, on a model and chain that otherwise agree.
    models = (clean_project / "app/models.py").read_text()
    models = models.replace(
        "    id: Mapped[int] = mapped_column(primary_key=True)\n",
        "    __table_args__ = (\n"
        '        Index("ix_accounts_region", "region"),\n'
        '        Index("ix_accounts_region_city", "region", "city"),\n'
        "    )\n\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    region: Mapped[str | None] = mapped_column(String(20))\n"
        "    city: Mapped[str | None] = mapped_column(String(40))\n",
    )
    models = "from sqlalchemy import Index, String\n" + models
    revision = '''\
        """add region and city"""
        import sqlalchemy as sa
        from alembic import op

        revision = "0002"
        down_revision = "0001"


        def upgrade():
            op.add_column("accounts", sa.Column("region", sa.String(20)))
            op.add_column("accounts", sa.Column("city", sa.String(40)))
            with op.get_context().autocommit_block():
                op.create_index(
                    "ix_accounts_region", "accounts", ["region"],
                    postgresql_concurrently=True,
                )
                op.create_index(
                    "ix_accounts_region_city", "accounts", ["region", "city"],
                    postgresql_concurrently=True,
                )


        def downgrade():
            op.drop_index("ix_accounts_region_city", table_name="accounts")
            op.drop_index("ix_accounts_region", table_name="accounts")
            op.drop_column("accounts", "city")
            op.drop_column("accounts", "region")
        '''
    # SQLite, so that PostgreSQL's lock warning (STW306) on create_index
    # does not apply.
    ini = "[alembic]\nscript_location = migrations\nsqlalchemy.url = sqlite://\n"
    write_files(
        clean_project,
        {
            "alembic.ini": ini,
            "app/models.py": models,
            "migrations/versions/0002_region.py": revision,
        },
    )
    result = steward("check", cwd=clean_project)

    codes = {line.split(" ")[1] for line in result.stdout.splitlines()}
    assert codes == {"STW204"}, result.stdout
    assert result.returncode == 0


def test_select_and_ignore(broken_project: Path, steward: Runner) -> None:
    selected = steward("check", "--select", "STW0", cwd=broken_project)
    ignored = steward("check", "--ignore", "stw001", cwd=broken_project)

    assert selected.returncode == 1
    assert " STW001 " in selected.stdout
    assert ignored.returncode == 0
    assert ignored.stdout == ""


def test_unknown_rule_code_is_usage_error(clean_project: Path, steward: Runner) -> None:
    result = steward("check", "--select", "STW999", cwd=clean_project)

    assert result.returncode == 2
    assert "'STW999' matches no rule code" in result.stderr


def test_file_argument_reports_that_file(broken_project: Path, steward: Runner) -> None:
    write_files(
        broken_project,
        {"migrations/versions/0003_also_broken.py": "revision = (\n"},
    )
    everything = steward("check", cwd=broken_project)
    one_file = steward("check", BROKEN_PATH, cwd=broken_project)

    assert len(everything.stdout.splitlines()) == 2
    assert one_file.returncode == 1
    assert one_file.stdout.splitlines() == [
        line for line in everything.stdout.splitlines() if line.startswith(BROKEN_PATH)
    ]


def test_file_in_excluded_project(broken_project: Path, steward: Runner) -> None:
    outer = broken_project.parent
    write_files(outer, {"pyproject.toml": '[tool.steward]\nexclude = ["project"]\n'})
    result = steward("check", f"project/{BROKEN_PATH}", cwd=outer)

    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(f"project/{BROKEN_PATH}:{BROKEN_LINE}:")


def test_missing_path_is_usage_error(clean_project: Path, steward: Runner) -> None:
    result = steward("check", "nowhere", cwd=clean_project)

    assert result.returncode == 2
    assert "nowhere: no such file or folder" in result.stderr


def test_no_environment_is_configuration_error(tmp_path: Path, steward: Runner) -> None:
    (tmp_path / "app.py").write_text("print('hello')\n")
    result = steward("check", cwd=tmp_path)

    assert result.returncode == 2
    assert "no Alembic environment found" in result.stderr
    assert "alembic.ini" in result.stderr


def test_missing_script_location_folder(clean_project: Path, steward: Runner) -> None:
    ini = clean_project / "alembic.ini"
    ini.write_text(ini.read_text().replace("= migrations", "= db/migrations"))
    result = steward("check", cwd=clean_project)

    assert result.returncode == 2
    assert "alembic.ini [alembic]: script_location = 'db/migrations'" in result.stderr
    assert "does not exist" in result.stderr
    assert "fix the 1 configuration error above" in result.stderr


def test_missing_alembic_ini_in_flask_layout(
    clean_project: Path, steward: Runner
) -> None:
    # Without alembic.ini nothing marks migrations/ as an Alembic folder.
    (clean_project / "alembic.ini").unlink()
    result = steward("check", cwd=clean_project)

    assert result.returncode == 2
    assert "no Alembic environment found" in result.stderr


def test_invalid_steward_settings(clean_project: Path, steward: Runner) -> None:
    write_files(
        clean_project, {"pyproject.toml": "[tool.steward]\nallowed-heads = 'x'\n"}
    )
    result = steward("check", cwd=clean_project)

    assert result.returncode == 2
    assert "pyproject.toml" in result.stderr
    assert "'allowed-heads' must be an integer" in result.stderr


def test_unknown_steward_setting(clean_project: Path, steward: Runner) -> None:
    write_files(clean_project, {"pyproject.toml": "[tool.steward]\nmodles = []\n"})
    result = steward("check", cwd=clean_project)

    assert result.returncode == 2
    assert "unknown setting 'modles'" in result.stderr


def test_non_utf8_model_file(clean_project: Path, steward: Runner) -> None:
    models = clean_project / "app/models.py"
    models.write_bytes(models.read_bytes() + b"# caf\xe9\n")
    result = steward("check", cwd=clean_project)

    assert result.returncode == 1
    assert result.stdout.startswith("app/models.py:1:1: STW001 ")
    assert "UTF-8" in result.stdout


def test_syntax_error_in_model_file(clean_project: Path, steward: Runner) -> None:
    models = clean_project / "app/models.py"
    models.write_text(models.read_text() + "\n\nclass Broken(:\n    pass\n")
    result = steward("check", cwd=clean_project)

    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("app/models.py:14:")
    assert " STW001 models.py: Python syntax error" in first
    # Newer syntax fails on an older Python: the message names the parser.
    python = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    assert f"as parsed by {python}" in first
    assert "run steward with that Python" in first


def test_output_file(broken_project: Path, steward: Runner) -> None:
    result = steward(
        "check", "--format", "json", "--output-file", "report.json", cwd=broken_project
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert '"code": "STW001"' in (broken_project / "report.json").read_text()


def test_credentials_never_printed(broken_project: Path, steward: Runner) -> None:
    result = steward("-v", "check", "--format", "sarif", cwd=broken_project)

    assert "secret" not in result.stdout
    assert "secret" not in result.stderr


def test_version(tmp_path: Path, steward: Runner) -> None:
    result = steward("--version", cwd=tmp_path)

    assert result.returncode == 0
    assert result.stdout.strip() == f"steward {__version__}"


def test_no_command_prints_help(tmp_path: Path, steward: Runner) -> None:
    result = steward(cwd=tmp_path)

    assert result.returncode == 2
    assert "check" in result.stderr
    assert "serve" in result.stderr


def test_serve_accepts_stdio(tmp_path: Path, steward: Runner) -> None:
    result = steward("serve", "--help", cwd=tmp_path)

    assert result.returncode == 0
    assert "--stdio" in result.stdout


def _lsp_message(payload: dict[str, object]) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_serve_answers_initialize(clean_project: Path) -> None:
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "processId": None,
                "rootUri": clean_project.as_uri(),
                "capabilities": {},
            },
        },
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    result = subprocess.run(
        [sys.executable, "-m", "steward_lsp", "serve", "--stdio"],
        input=b"".join(_lsp_message(message) for message in messages),
        capture_output=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b'"id": 1' in result.stdout or b'"id":1' in result.stdout
    assert b"capabilities" in result.stdout


def test_file_argument_from_subfolder(broken_project: Path, steward: Runner) -> None:
    # The current folder holds no project marker, so the file's project is
    # found above it.
    app = broken_project / "app"

    result = steward("check", "models.py", cwd=app)

    assert result.returncode == 0, result.stderr
    assert "no Alembic environment" not in result.stderr


def test_folder_argument_reports_its_files(
    broken_project: Path, steward: Runner
) -> None:
    result = steward("check", "migrations/versions", cwd=broken_project)

    assert result.returncode == 1, result.stderr
    assert "0002_broken.py" in result.stdout
    assert "no Alembic environment" not in result.stderr


def test_broken_middle_revision_keeps_graph(tmp_path: Path, steward: Runner) -> None:
    repository = Path(__file__).resolve().parents[2]
    project = tmp_path / "quantumnotary"
    archive = subprocess.run(
        ["git", "archive", "HEAD", "pyproject.toml", "alembic.ini", "migrations"]
        + ["examples/quantumnotary"],
        cwd=repository,
        capture_output=True,
        check=True,
    )
    project.mkdir()
    subprocess.run(["tar", "x"], cwd=project, input=archive.stdout, check=True)
    middle = next(project.glob("migrations/versions/*_create_notarizations.py"))
    text = middle.read_text(encoding="utf-8")
    cases = {
        "syntax error": text.replace("def upgrade() -> None:", "def upgrade( -> None:"),
        "not UTF-8": text + "# caf\xe9\n",
    }
    for case, broken in cases.items():
        encoding = "latin-1" if case == "not UTF-8" else "utf-8"
        middle.write_bytes(broken.encode(encoding))

        result = steward("check", ".", cwd=project)

        lines = result.stdout.splitlines()
        # One STW001 on the file, which states that drift is held back, and no false
        # second head, missing parent or uncertain table.
        assert [line.split()[1] for line in lines] == ["STW001"], (case, lines)
        assert middle.name in lines[0], case
