"""Cases where Alembic's compare_metadata is wrong and steward is right.

Each test writes a one-table project, upgrades a real database to head and
checks three things: Alembic reports the drift, steward does not, and the
database itself shows there is none. The proof creates the model's own table
under another name with ``MetaData.create_all`` and requires the catalog to
store the same thing for both tables. docs/alembic-differences.md lists each
case with the reason.
"""

from __future__ import annotations

import contextlib
import runpy
from pathlib import Path

import pytest
import sqlalchemy as sa
from known_differences import KNOWN_DIFFERENCES
from project_files import write_project
from schema_specs import ColumnSpec, SchemaSpec, TableSpec, TypeSpec
from test_oracle import alembic_findings, steward_findings

MODEL_COPY = "t0_model"


def _one_column_project(
    root: Path, url: str, column: ColumnSpec, compare_server_default: bool
) -> SchemaSpec:
    schema = SchemaSpec(
        (TableSpec("t0", (column,)),), compare_server_default=compare_server_default
    )
    write_project(root, url, schema, schema, None)
    return schema


def _create_model_copy(project: Path, url: str) -> None:
    """Create the model's table t0 as ``t0_model`` with create_all."""
    models = runpy.run_path(str(project / "models.py"))
    copy = sa.MetaData()
    models["metadata"].tables["t0"].to_metadata(copy, name=MODEL_COPY)
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        copy.create_all(conn)
    engine.dispose()


def _column_defaults(url: str, column: str) -> dict[str, object]:
    """Return the stored default of ``column`` in t0 and in the model's copy."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        defaults = {
            table: next(
                c["default"]
                for c in inspector.get_columns(table)
                if c["name"] == column
            )
            for table in ("t0", MODEL_COPY)
        }
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

    _create_model_copy(tmp_path, mariadb_url)
    defaults = _column_defaults(mariadb_url, "c0")
    assert defaults["t0"] == defaults[MODEL_COPY]
