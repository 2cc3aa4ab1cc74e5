"""Cases where Alembic's compare_metadata and steward differ, or must agree.

Each test upgrades a real database to head with a small project and checks
what Alembic reports, what steward reports, and what the database shows.
The proof mostly creates the model's own table under another name with
``MetaData.create_all`` and compares the two tables in the catalog or by
inserting rows. docs/alembic-differences.md lists each case with the reason.
"""

from __future__ import annotations

import contextlib
import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from author_support import Alembic
from known_differences import KNOWN_DIFFERENCES
from project_files import write_project
from schema_specs import ColumnSpec, SchemaSpec, TableSpec, TypeSpec
from test_oracle import (
    DRIFT_CODES,
    TableFindings,
    _copy_fixture,
    alembic_findings,
    steward_findings,
)

from steward_lsp.engine.analysis import Workspace
from steward_lsp.engine.findings import Finding


def _one_column_project(
    root: Path, url: str, column: ColumnSpec, compare_server_default: bool
) -> SchemaSpec:
    schema = SchemaSpec(
        (TableSpec("t0", (column,)),), compare_server_default=compare_server_default
    )
    write_project(root, url, schema, schema, None)
    return schema


def _model_metadata(project: Path) -> sa.MetaData:
    """Import the project's models module and return its MetaData."""
    models = runpy.run_path(str(project / "models.py"))
    if "metadata" in models:
        metadata: sa.MetaData = models["metadata"]
        return metadata
    base_metadata: sa.MetaData = models["Base"].metadata
    return base_metadata


def _create_model_copy(project: Path, url: str, table: str) -> str:
    """Create the model's ``table`` under another name with create_all.

    Its indexes and enum types get the prefix ``m_``, as their names are
    per schema on PostgreSQL. Return the copy's name.
    """
    copy = sa.MetaData()
    name = f"{table}_model"
    copied = _model_metadata(project).tables[table].to_metadata(copy, name=name)
    for index in copied.indexes:
        index.name = f"m_{index.name}"
    # A native enum type is per schema on PostgreSQL too.
    for column in copied.columns:
        if isinstance(column.type, sa.Enum) and column.type.name:
            column.type.name = f"m_{column.type.name}"
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        copy.create_all(conn)
    engine.dispose()
    return name


def _column_defaults(url: str, tables: list[str], column: str) -> list[object]:
    """Return the stored default of ``column`` in each of ``tables``."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        defaults = [
            next(c["default"] for c in inspector.get_columns(t) if c["name"] == column)
            for t in tables
        ]
    engine.dispose()
    return defaults


MARIADB_DEFAULTS = [
    pytest.param(
        ColumnSpec(
            "c0",
            TypeSpec("Numeric", precision=6, scale=2),
            nullable=False,
            server_default='sa.text("0")',
        ),
        id="decimal-integer-default",
    ),
    pytest.param(
        ColumnSpec(
            "c0", TypeSpec("Boolean"), nullable=False, server_default="sa.true()"
        ),
        id="boolean-true",
    ),
    pytest.param(
        ColumnSpec(
            "c0", TypeSpec("Boolean"), nullable=False, server_default="sa.false()"
        ),
        id="boolean-false",
    ),
    pytest.param(
        ColumnSpec(
            "c0", TypeSpec("Boolean"), nullable=False, server_default='sa.text("true")'
        ),
        id="boolean-text-true",
    ),
    pytest.param(
        ColumnSpec(
            "c0", TypeSpec("DateTime"), nullable=False, server_default="sa.func.now()"
        ),
        id="datetime-now",
    ),
]


@pytest.mark.mariadb
@pytest.mark.parametrize("column", MARIADB_DEFAULTS)
def test_mariadb_default_no_drift(
    column: ColumnSpec, mariadb_url: str, tmp_path: Path
) -> None:
    listed = [
        known.title
        for known in KNOWN_DIFFERENCES
        if "mariadb" in known.dialects and known.matches(column, column)
    ]
    assert listed, "the case must be one the differential test forgives"
    _one_column_project(tmp_path, mariadb_url, column, compare_server_default=True)

    with contextlib.chdir(tmp_path):
        oracle = alembic_findings(tmp_path, mariadb_url)
        static = steward_findings(tmp_path)
    assert ("STW109", "c0") in oracle.findings.get("t0", set())
    assert static.findings == {}

    copy = _create_model_copy(tmp_path, mariadb_url, "t0")
    head_default, model_default = _column_defaults(mariadb_url, ["t0", copy], "c0")
    assert head_default == model_default


def _default_row_values(url: str, tables: list[str], column: str) -> list[object]:
    """Insert a row of defaults into each of ``tables``; return ``column``'s values."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    values = []
    with engine.begin() as conn:
        for table in tables:
            conn.execute(sa.text(f"INSERT INTO {table} DEFAULT VALUES"))
            query = sa.text(f"SELECT {column} FROM {table}")
            values.append(conn.execute(query).scalar_one())
    engine.dispose()
    return values


def test_sqlite_boolean_default_spelling(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'scratch.sqlite'}"
    head_column = ColumnSpec(
        "c0", TypeSpec("Boolean"), nullable=False, server_default="sa.true()"
    )
    model_column = ColumnSpec(
        "c0", TypeSpec("Boolean"), nullable=False, server_default='sa.text("true")'
    )
    listed = [
        known.title
        for known in KNOWN_DIFFERENCES
        if "sqlite" in known.dialects and known.matches(model_column, head_column)
    ]
    assert listed, "the case must be one the differential test forgives"
    head = SchemaSpec((TableSpec("t0", (head_column,)),), compare_server_default=True)
    models = SchemaSpec(
        (TableSpec("t0", (model_column,)),), compare_server_default=True
    )
    write_project(tmp_path, url, models, head, None)

    with contextlib.chdir(tmp_path):
        oracle = alembic_findings(tmp_path, url)
        static = steward_findings(tmp_path)
    assert ("STW109", "c0") in oracle.findings.get("t0", set())
    assert static.findings == {}

    copy = _create_model_copy(tmp_path, url, "t0")
    head_default, model_default = _column_defaults(url, ["t0", copy], "c0")
    # The catalog contains two spellings, and both give a row the value 1.
    assert head_default != model_default
    assert _default_row_values(url, ["t0", copy], "c0") == [1, 1]


# -- fixture projects --------------------------------------------------------

DIALECT_URLS = {
    "sqlite": "sqlite_url",
    "postgresql": "postgresql_url",
    "mariadb": "mariadb_url",
}
DIALECTS = [
    pytest.param("sqlite"),
    pytest.param("postgresql", marks=pytest.mark.postgresql),
]


def _run_fixture(
    name: str, dialect: str, request: pytest.FixtureRequest, tmp_path: Path
) -> tuple[Path, str, TableFindings, list[Finding]]:
    """Upgrade fixture ``name`` to head on ``dialect`` and run both engines.

    Return the project copy, its URL, Alembic's findings and every drift
    finding of steward, those autogenerate never makes included.
    """
    url: str = request.getfixturevalue(DIALECT_URLS[dialect])
    project = _copy_fixture(name, url, tmp_path)
    with contextlib.chdir(project):
        oracle = alembic_findings(project, url)
        result = Workspace(project).analyze()
    assert result.problems == []
    drift = [f for f in result.all_findings() if f.code in DRIFT_CODES]
    return project, url, oracle.findings, drift


def _scalar(url: str, sql: str, **params: object) -> object:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        value = conn.execute(sa.text(sql), params).scalar_one()
    engine.dispose()
    return value


def _index_sql(url: str, dialect: str, index: str) -> str:
    """Return the index's definition as the database's catalog stores it."""
    if dialect == "sqlite":
        sql = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
    else:
        sql = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
    return str(_scalar(url, sql, name=index))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_partial_index_predicate_change(
    dialect: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    project, url, oracle, drift = _run_fixture(
        "diff_partial_index_predicate", dialect, request, tmp_path
    )
    assert oracle == {}
    assert [f.code for f in drift] == ["STW107"]
    predicate = drift[0].data["predicate"]
    assert predicate == {"model": "state = 'waiting'", "head": "state = 'queued'"}

    head_sql = _index_sql(url, dialect, "ix_jobs_waiting")
    copy = _create_model_copy(project, url, "jobs")
    model_sql = _index_sql(url, dialect, "m_ix_jobs_waiting")
    assert "'queued'" in head_sql
    assert "'waiting'" in model_sql
    assert copy in model_sql


@pytest.mark.parametrize("dialect", DIALECTS)
def test_unique_on_primary_key_no_drift(
    dialect: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    _project, url, oracle, drift = _run_fixture(
        "diff_unique_primary_key", dialect, request, tmp_path
    )
    assert oracle == {"anchors": {("STW108", "unique (id)")}}
    assert drift == []

    # The primary key at head already rejects a second row with the same id.
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    insert = sa.text("INSERT INTO anchors (id, tx_hash) VALUES (1, :tx_hash)")
    with engine.begin() as conn:
        conn.execute(insert, {"tx_hash": "0xaa"})
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(insert, {"tx_hash": "0xbb"})
    engine.dispose()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_python_default_change_no_drift(
    dialect: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    project, url, oracle, drift = _run_fixture(
        "diff_python_default_changed", dialect, request, tmp_path
    )
    assert oracle == {}
    assert drift == []

    # Neither the head nor the model's own DDL stores a default.
    copy = _create_model_copy(project, url, "receipts")
    for column in ("attempts", "touched_at"):
        assert _column_defaults(url, ["receipts", copy], column) == [None, None]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(
    "index", ["ix_documents_sealed_desc", "ix_documents_title_lower"]
)
def test_desc_expression_index_no_phantom(
    dialect: str, index: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    project, url, oracle, drift = _run_fixture(
        "diff_desc_expression_indexes", dialect, request, tmp_path
    )
    assert oracle == {}
    assert drift == []

    # The catalog stores one definition for the head's index and the model's.
    copy = _create_model_copy(project, url, "documents")
    head_sql = _index_sql(url, dialect, index)
    model_sql = _index_sql(url, dialect, f"m_{index}")
    renamed = model_sql.replace(f"m_{index}", index).replace(copy, "documents")
    assert _normalized(renamed) == _normalized(head_sql)


def _normalized(sql: str) -> str:
    """Return ``sql`` without quotes and case, as SQLite keeps the text as typed."""
    return " ".join(sql.replace('"', "").lower().split())


# Alembic's wrong report per dialect: on MariaDB it does not see that
# func.now() is stored as current_timestamp().
EQUIVALENT_DEFAULT_REPORTS: dict[str, TableFindings] = {
    "sqlite": {},
    "postgresql": {},
    "mariadb": {"notarizations": {("STW109", "created_at")}},
}


@pytest.mark.parametrize(
    "dialect", [*DIALECTS, pytest.param("mariadb", marks=pytest.mark.mariadb)]
)
def test_equivalent_server_defaults_no_drift(
    dialect: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    project, url, oracle, drift = _run_fixture(
        "diff_equivalent_server_defaults", dialect, request, tmp_path
    )
    assert oracle == EQUIVALENT_DEFAULT_REPORTS[dialect]
    assert drift == []

    copy = _create_model_copy(project, url, "notarizations")
    # The server evaluates both stored timestamp defaults in one statement.
    for column in ("created_at", "updated_at"):
        head_default, model_default = _column_defaults(
            url, ["notarizations", copy], column
        )
        same = _scalar(url, f"SELECT ({head_default}) = ({model_default})")
        assert same in (True, 1), f"{column}: {head_default} != {model_default}"
    # A row inserted with defaults gets the same attempts on both tables.
    attempts = []
    for table in ("notarizations", copy):
        engine = sa.create_engine(url, poolclass=sa.NullPool)
        with engine.begin() as conn:
            conn.execute(sa.text(f"INSERT INTO {table} (id) VALUES (1)"))
            attempts.append(
                conn.execute(sa.text(f"SELECT attempts FROM {table}")).scalar_one()
            )
        engine.dispose()
    assert attempts == [0, 0]


# The enum findings per dialect. On SQLite a native enum is a VARCHAR, so
# only its length differs, which Alembic reports as well.
ENUM_FINDINGS = {
    "sqlite": [("channel", (), ("post",))],
    "postgresql": [("state", ("revoked",), ()), ("channel", (), ("post",))],
}


def _accepts(url: str, table: str, values: dict[str, str]) -> bool:
    """Return whether ``table`` accepts a row with ``values``."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    columns = ", ".join(values)
    placeholders = ", ".join(f":{name}" for name in values)
    insert = sa.text(f"INSERT INTO {table} (id, {columns}) VALUES (1, {placeholders})")
    try:
        with engine.connect() as conn:
            conn.execute(insert, values)
            conn.rollback()
    except (sa.exc.IntegrityError, sa.exc.DataError):
        return False
    finally:
        engine.dispose()
    return True


@pytest.mark.parametrize("dialect", DIALECTS)
def test_enum_member_change_found(
    dialect: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    project, url, oracle, drift = _run_fixture(
        "diff_enum_members", dialect, request, tmp_path
    )
    enum_findings = [f for f in drift if f.data.get("alembic") is False]
    found = [
        (f.data["column"], tuple(f.data["added"]), tuple(f.data["removed"]))
        for f in enum_findings
    ]
    assert found == ENUM_FINDINGS[dialect]
    assert {f.code for f in enum_findings} == {"STW105"}
    alembic_columns = {subject for _, subject in oracle.get("certificates", set())}
    assert "channel" not in alembic_columns

    # The head and the model's own table accept different members.
    copy = _create_model_copy(project, url, "certificates")
    revoked = {"state": "revoked", "channel": "sms"}
    post = {"state": "draft", "channel": "post"}
    assert _accepts(url, "certificates", post)
    assert not _accepts(url, copy, post)
    if dialect == "postgresql":
        assert not _accepts(url, "certificates", revoked)
        assert _accepts(url, copy, revoked)


def _alter_fails(url: str, statement: str) -> bool:
    """Return whether ``statement`` fails; roll it back either way."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(statement))
            conn.rollback()
    except sa.exc.ProgrammingError:
        return True
    finally:
        engine.dispose()
    return False


def _timestamp_after_alter(url: str, using: str | None) -> object:
    """Return a stored naive midnight after the ALTER, run in Tokyo time."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    clause = f" USING {using}" if using else ""
    with engine.connect() as conn:
        conn.execute(sa.text("SET TIME ZONE 'Asia/Tokyo'"))
        conn.execute(
            sa.text(
                "INSERT INTO seals (id, sealed_at, attempts) "
                "VALUES (1, '2026-01-01 00:00:00', '3')"
            )
        )
        conn.execute(
            sa.text(
                "ALTER TABLE seals ALTER COLUMN sealed_at "
                f"TYPE TIMESTAMP WITH TIME ZONE{clause}"
            )
        )
        conn.execute(sa.text("SET TIME ZONE 'UTC'"))
        value = conn.execute(sa.text("SELECT sealed_at::text FROM seals")).scalar_one()
        conn.rollback()
    engine.dispose()
    return value


@pytest.mark.postgresql
def test_type_change_using_clause(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    _project, url, oracle, drift = _run_fixture(
        "diff_type_change_using", "postgresql", request, tmp_path
    )
    assert oracle == {"seals": {("STW105", "sealed_at"), ("STW105", "attempts")}}
    using = {f.data["column"]: f.data.get("using") for f in drift}
    assert using == {
        "sealed_at": "sealed_at AT TIME ZONE 'UTC'",
        "attempts": "attempts::INTEGER",
    }

    # Without USING PostgreSQL rejects the text-to-integer change.
    alter = "ALTER TABLE seals ALTER COLUMN attempts TYPE INTEGER"
    assert _alter_fails(url, alter)
    assert not _alter_fails(url, f"{alter} USING {using['attempts']}")
    # Without USING the naive value is read in the session's time zone.
    assert _timestamp_after_alter(url, None) == "2025-12-31 15:00:00+00"
    assert _timestamp_after_alter(url, using["sealed_at"]) == "2026-01-01 00:00:00+00"


# -- renames ---------------------------------------------------------------

RENAME_DIALECTS = [
    *DIALECTS,
    pytest.param("mariadb", marks=pytest.mark.mariadb),
]


def _command(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m`` with ``arguments`` in ``project``."""
    return subprocess.run(
        [sys.executable, "-m", *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _alembic_check(project: Path) -> str:
    """Run ``alembic check`` and return its output; it must find changes."""
    completed = _command(project, "alembic", "check")
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0, output
    assert "New upgrade operations detected" in output
    return output


def _steward_check(project: Path) -> list[dict[str, object]]:
    """Run ``steward check`` and return its findings; it must find some."""
    completed = _command(
        project, "steward_lsp", "check", "--no-live", "--format", "json"
    )
    assert completed.returncode == 1, completed.stderr
    findings: list[dict[str, object]] = json.loads(completed.stdout)
    return findings


def _author(project: Path) -> str:
    """Run ``steward author-migration`` and return the revision it wrote."""
    completed = _command(
        project,
        "steward_lsp",
        "author-migration",
        "-m",
        "rename",
        "--no-round-trip",
    )
    assert completed.returncode == 0, completed.stderr
    [written] = [
        line.removeprefix("wrote ")
        for line in completed.stdout.splitlines()
        if line.startswith("wrote ")
    ]
    return (project / written).read_text()


def _names(url: str, table: str) -> tuple[set[str], set[str]]:
    """Return the index names and unique constraint names of ``table``."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        indexes = {str(i["name"]) for i in inspector.get_indexes(table)}
        uniques = {str(u["name"]) for u in inspector.get_unique_constraints(table)}
    engine.dispose()
    return indexes, uniques


OLD_INDEXES = {"ix_documents_owner_id", "ix_documents_title"}
NEW_INDEXES = {"ix_documents_owner_id_created_at", "ix_documents_title"}

# What Alembic reports for the fixture whose names predate its naming
# convention. On MariaDB the unique constraint at head is a unique index.
CONVENTION_REPORTS: dict[str, TableFindings] = {
    "sqlite": {
        "documents": {
            ("STW107", "index ix_documents_owner_id"),
            ("STW107", "index ix_documents_owner_id_created_at"),
            ("STW108", "unique (digest)"),
        }
    },
}
CONVENTION_REPORTS["postgresql"] = CONVENTION_REPORTS["sqlite"]
CONVENTION_REPORTS["mariadb"] = {
    "documents": {
        ("STW107", "index ix_documents_owner_id"),
        ("STW107", "index ix_documents_owner_id_created_at"),
        ("STW107", "index documents_digest_key"),
        ("STW108", "unique (digest)"),
    }
}

# The statements each dialect renames with; SQLite has none.
RENAME_STATEMENTS = {
    "postgresql": [
        "ALTER INDEX ix_documents_owner_id RENAME TO ix_documents_owner_id_created_at",
        "ALTER TABLE documents RENAME CONSTRAINT documents_digest_key TO "
        "uq_documents_digest",
    ],
    "mariadb": [
        "ALTER TABLE documents RENAME INDEX ix_documents_owner_id TO "
        "ix_documents_owner_id_created_at",
        "ALTER TABLE documents RENAME INDEX documents_digest_key TO "
        "uq_documents_digest",
    ],
}


@pytest.mark.parametrize("dialect", RENAME_DIALECTS)
def test_naming_convention_names_renamed(
    dialect: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    project, url, oracle, drift = _run_fixture(
        "diff_naming_convention_added", dialect, request, tmp_path
    )
    # Alembic drops and creates the index and the unique constraint again.
    assert oracle == CONVENTION_REPORTS[dialect]
    alembic_output = _alembic_check(project)
    assert "remove_index" in alembic_output
    assert "add_index" in alembic_output
    # steward reports one rename of each, with the statement that runs it.
    renames = {(f.code, f.data["renamed_from"]): f.data for f in drift}
    assert sorted(renames) == [
        ("STW107", "ix_documents_owner_id"),
        ("STW108", "documents_digest_key"),
    ]
    statements = [data["rename_sql"] for data in renames.values()]
    assert statements == RENAME_STATEMENTS.get(dialect, [None, None])
    checked = _steward_check(project)
    assert [f["code"] for f in checked] == ["STW107", "STW108"]
    for finding in checked:
        assert "differ only by the models' naming convention" in str(finding["message"])

    revision = _author(project)
    upgrade, downgrade = revision.split("def downgrade")
    for statement in RENAME_STATEMENTS.get(dialect, []):
        assert f"op.execute({statement!r})" in upgrade
    if dialect != "sqlite":
        assert downgrade.count("op.execute(") == 2
    if dialect == "sqlite":
        # SQLite renames neither, so the index is dropped and created again.
        assert "drop_index('ix_documents_owner_id')" in upgrade
        assert "create_index(" in upgrade
    else:
        assert "drop_index" not in upgrade
        assert "drop_constraint" not in upgrade

    alembic = Alembic(project, url)
    alembic.upgrade()
    assert alembic.compare() == []
    indexes, uniques = _names(url, "documents")
    assert NEW_INDEXES <= indexes
    assert "uq_documents_digest" in uniques | indexes
    alembic.downgrade("0001")
    indexes, uniques = _names(url, "documents")
    assert OLD_INDEXES <= indexes
    assert "ix_documents_owner_id_created_at" not in indexes
    assert "documents_digest_key" in uniques | indexes
    assert "uq_documents_digest" not in uniques | indexes


def _memos(url: str, column: str) -> list[tuple[int, str | None]]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(f"SELECT id, {column} FROM receipts ORDER BY id")
        ).all()
    engine.dispose()
    return [(row[0], row[1]) for row in rows]


@pytest.mark.parametrize("dialect", RENAME_DIALECTS)
def test_column_rename_keeps_rows(
    dialect: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    project, url, oracle, drift = _run_fixture(
        "diff_column_renamed", dialect, request, tmp_path
    )
    # Alembic removes memo, with its rows, and adds an empty note.
    assert oracle == {"receipts": {("STW103", "note"), ("STW104", "memo")}}
    alembic_output = _alembic_check(project)
    assert "remove_column" in alembic_output
    assert "add_column" in alembic_output
    # steward reports one probable rename on the new column.
    [finding] = drift
    assert finding.code == "STW103"
    assert finding.data["column"] == "note"
    assert finding.data["renamed_from"] == "memo"
    fix = "op.alter_column('receipts', 'memo', new_column_name='note')"
    assert finding.data["fix"] == fix
    [checked] = _steward_check(project)
    assert checked["code"] == "STW103"
    assert "probably a rename" in str(checked["message"])

    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO receipts (id, amount, memo) VALUES "
                "(1, 9.50, 'first'), (2, 12.00, NULL), (3, 0.99, 'third')"
            )
        )
    engine.dispose()
    rows = [(1, "first"), (2, None), (3, "third")]

    revision = _author(project)
    upgrade = revision.split("def downgrade")[0]
    assert "new_column_name='note'" in upgrade
    assert "op.drop_column(" not in upgrade
    alembic = Alembic(project, url)
    alembic.upgrade()
    assert alembic.compare() == []
    assert _memos(url, "note") == rows
    alembic.downgrade("0001")
    assert _memos(url, "memo") == rows
