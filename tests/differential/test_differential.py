"""Differential test: generated projects, steward's static drift vs Alembic.

Each example is a random schema written twice, as a models module and as a
``create_table`` revision, and then one random edit made on one side only:
in the models, or in a second revision. The project is written to disk,
upgraded to head on a fresh database, and compared with Alembic's
``compare_metadata``. The oracle suite's runners map Alembic's diffs to
STW codes per table and subject, and those must equal the static engine's
STW101-STW109 findings for the same project.

``STEWARD_DIFFERENTIAL_EXAMPLES`` sets the examples per dialect
(:data:`run_seed.DEFAULT_EXAMPLES` by default). The seed rotates with the
commit under test and is printed at the end of the run, and
``STEWARD_DIFFERENTIAL_SEED`` replays it (see ``run_seed.py``). Failing
examples are also saved in Hypothesis's database under ``.hypothesis/`` in
the repository and replayed first by the next run in that checkout,
whatever its seed.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, example, note
from hypothesis import strategies as st
from known_differences import without_known_differences
from project_files import write_project
from run_seed import examples_per_dialect, run_seed, seeded_given
from schema_specs import (
    ColumnSpec,
    Edit,
    IndexSpec,
    SchemaSpec,
    TableSpec,
    TypeSpec,
    UniqueSpec,
)
from strategies import edits, schema_specs
from test_oracle import (
    _assert_same_columns,
    _assert_same_findings,
    alembic_findings,
    steward_findings,
)

pytestmark = pytest.mark.filterwarnings(
    # Alembic warns that it skips expression indexes it cannot compare.
    "ignore:autogenerate skipping:UserWarning",
)

EXAMPLES = examples_per_dialect()
SEED, SEED_SOURCE = run_seed()


@st.composite
def cases(draw: st.DrawFn, dialect: str) -> tuple[SchemaSpec, Edit, str]:
    """Return a schema, an edit of it and the side (model or revision) it is on."""
    schema = draw(schema_specs(dialect))
    edit = draw(edits(schema, dialect))
    side = draw(st.sampled_from(["model", "revision"]))
    return schema, edit, side


def _unique_added_at_head(name: str | None) -> tuple[SchemaSpec, Edit, str]:
    """Return a case whose second revision adds a unique constraint ``name``.

    On MySQL and MariaDB Alembic reports the constraint, which the model
    lacks, as an extra unique index.
    """
    column = ColumnSpec("c0", TypeSpec("String", length=10), nullable=False)
    before = TableSpec("t0", (column,))
    unique = UniqueSpec(name, ("c0",))
    after = TableSpec("t0", (column,), uniques=(unique,))
    schema = SchemaSpec((before,))
    return schema, Edit("add_unique", before, after, unique=unique), "revision"


def _table_dropped_with_unique() -> tuple[SchemaSpec, Edit, str]:
    """Return a case whose models drop a table with an unnamed unique constraint.

    On MySQL and MariaDB Alembic lists that constraint, named after its
    column, as an index of the removed table.
    """
    column = ColumnSpec("c0", TypeSpec("String", length=10), nullable=False)
    dropped = TableSpec("t1", (column,), uniques=(UniqueSpec(None, ("c0",)),))
    schema = SchemaSpec((TableSpec("t0", (column,)), dropped))
    return schema, Edit("drop_table", dropped, dropped), "model"


def _decimal_precision_changed() -> tuple[SchemaSpec, Edit, str]:
    """Return a case whose models widen a DECIMAL with an integer default.

    MariaDB stores the default as 0.0, so Alembic also reports the default,
    one of its known wrong reports.
    """
    column = ColumnSpec(
        "c0",
        TypeSpec("Numeric", precision=4, scale=1),
        nullable=False,
        server_default='sa.text("0")',
    )
    wider = ColumnSpec(
        "c0",
        TypeSpec("Numeric", precision=6, scale=1),
        nullable=False,
        server_default='sa.text("0")',
    )
    before = TableSpec("t0", (column,))
    after = TableSpec("t0", (wider,))
    schema = SchemaSpec((before,), compare_server_default=True)
    edit = Edit("alter_type", before, after, column=column, new_column=wider)
    return schema, edit, "model"


def _unique_flag_beside_unique_index() -> tuple[SchemaSpec, Edit, str]:
    """Return a case whose models add unique=True beside a unique index.

    On MySQL and MariaDB the head's unique index on the column serves as
    the model's unnamed unique constraint, so Alembic reports nothing.
    """
    column = ColumnSpec("c0", TypeSpec("String", length=10), nullable=False)
    index = IndexSpec("ix_t0_n0", ("c0",), unique=True)
    before = TableSpec("t0", (column,), indexes=(index,))
    flagged = replace(column, flag="unique")
    after = replace(before, columns=(flagged,))
    edit = Edit("add_flag", before, after, column=column, new_column=flagged)
    return SchemaSpec((before,)), edit, "model"


def _reset_postgresql(url: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _reset_mariadb(url: str) -> None:
    name = sa.make_url(url).database
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP DATABASE `{name}`"))
        conn.execute(sa.text(f"CREATE DATABASE `{name}`"))
    engine.dispose()


def run_case(
    case: tuple[SchemaSpec, Edit, str], dialect: str, url: str | None = None
) -> None:
    """Write the case's project, run both engines on it and compare them.

    ``url`` None means a new SQLite file inside the project.
    """
    schema, edit, side = case
    models = edit.apply(schema) if side == "model" else schema
    revision_edit = edit if side == "revision" else None
    with tempfile.TemporaryDirectory(prefix="steward_diff_") as folder:
        project = Path(folder)
        database_url = url or f"sqlite:///{project / 'scratch.sqlite'}"
        write_project(project, database_url, models, schema, revision_edit)
        for path in sorted(project.rglob("*.py")):
            note(f"--- {path.relative_to(project)}\n{path.read_text()}")
        # alembic.ini names paths relative to the project folder.
        with contextlib.chdir(project):
            oracle = alembic_findings(project, database_url)
            static = steward_findings(project)
    note(f"run seed {SEED} ({SEED_SOURCE}): STEWARD_DIFFERENTIAL_SEED={SEED}")
    label = f"{edit.kind} on the {side} side, {dialect}"
    codes = sorted({code for found in oracle.findings.values() for code, _ in found})
    event(f"Alembic reports {', '.join(codes) or 'no drift'}")
    assert static.environments == 1, f"{label}: expected one Alembic environment"
    _assert_same_columns(
        f"{label}, models", oracle.model_columns, static.model_columns, set()
    )
    _assert_same_columns(
        f"{label}, head", oracle.database_columns, static.head_columns, set()
    )
    head = edit.apply(schema) if side == "revision" else schema
    expected = without_known_differences(oracle.findings, models, head, dialect)
    _assert_same_findings(label, expected, static.findings)


def _given(dialect: str) -> Callable[[Callable[..., None]], Any]:
    return seeded_given(
        EXAMPLES,
        # One database serves every example of a test, reset in between.
        [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        case=cases(dialect),
    )


@_given("sqlite")
def test_differential_sqlite(case: tuple[SchemaSpec, Edit, str]) -> None:
    run_case(case, "sqlite")


@pytest.mark.postgresql
@_given("postgresql")
def test_differential_postgresql(
    postgresql_url: str, case: tuple[SchemaSpec, Edit, str]
) -> None:
    _reset_postgresql(postgresql_url)
    run_case(case, "postgresql", postgresql_url)


@pytest.mark.mariadb
@_given("mariadb")
@example(case=_unique_added_at_head("uq_t0_c0"))
@example(case=_unique_added_at_head(None))
@example(case=_table_dropped_with_unique())
@example(case=_decimal_precision_changed())
@example(case=_unique_flag_beside_unique_index())
def test_differential_mariadb(
    mariadb_url: str, case: tuple[SchemaSpec, Edit, str]
) -> None:
    _reset_mariadb(mariadb_url)
    run_case(case, "mariadb", mariadb_url)
