"""Oracle test: static drift findings match Alembic's compare_metadata.

For every fixture project under ``tests/workspaces`` the migrations run for
real on a fresh database (SQLite always, PostgreSQL too), then the project's
own env.py runs once more with a migration function that calls
``alembic.autogenerate.compare_metadata`` on the context env.py configured.
That way the comparison uses exactly the options env.py passes to
``context.configure`` (``compare_type``, ``compare_server_default``,
``include_schemas``, ``render_as_batch``...) and the models env.py imports.
Each case runs on a temporary copy of the fixture whose ``sqlalchemy.url``
names the database under test, so the static engine reads the same dialect.

There are three checks, in this order. The static model schema must have
the tables and columns of the metadata env.py imports, which tests the model
parser. The static head must have the tables and columns of the database
reflected after ``upgrade heads``, which tests the replay. Last, each
Alembic diff is mapped to the steward code it corresponds to, with its
column, index or constraint, and per table these must equal the
STW101-STW109 findings of the static engine, which tests the rules.
"""

from __future__ import annotations

import importlib
import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from steward_lsp.engine.analysis import Workspace
from steward_lsp.engine.deep import ALEMBIC_CODES
from steward_lsp.engine.findings import Finding
from steward_lsp.engine.schema import SchemaState

WORKSPACES = Path(__file__).resolve().parent.parent / "workspaces"

# SQLModel's process-wide registry keeps the classes of a fixture imported
# before, and warns when the next dialect's case imports them again.
pytestmark = pytest.mark.filterwarnings(
    "ignore:This declarative base already contains a class:sqlalchemy.exc.SAWarning"
)

DRIFT_CODES = {f"STW{number}" for number in range(101, 110)}

# Codes whose findings name no column: tables, and indexes or constraints,
# which are named by a subject such as "index ix_users_email" instead.
TABLE_LEVEL_CODES = {"STW101", "STW102", "STW107", "STW108"}


# Cases where the database cannot run the fixture at all, or where Alembic's
# own report on that dialect is wrong. They are not steward bugs.
DIALECT_SKIPS: dict[tuple[str, str], str] = {
    ("schemas", "sqlite"): (
        "SQLite has no CREATE SCHEMA; schema-qualified tables need an "
        "ATTACHed database, which the fixture's migration cannot create"
    ),
    ("schema_not_included", "sqlite"): "SQLite has no CREATE SCHEMA",
    ("schema_not_included", "postgresql"): (
        "without include_schemas Alembic reflects only the default schema yet "
        "lists every schema-qualified model table as added on each run; steward "
        "skips such tables on both sides instead of repeating that noise"
    ),
    **{
        ("diff_unique_primary_key", dialect): (
            "Alembic reports unique=True on a single-column primary key as a "
            "missing unique constraint, which the primary key already enforces"
        )
        for dialect in ("sqlite", "postgresql")
    },
}

# (code, subject) per table key ("schema.table" or "table"). The subject is
# the column name for column findings, an index or constraint description
# for STW107 and STW108, and None for STW101 and STW102.
TableFindings = dict[str, set[tuple[str, str | None]]]

# Column names per table key.
TableColumns = dict[str, set[str]]


def _fixture_names() -> list[str]:
    return sorted(
        path.name for path in WORKSPACES.iterdir() if (path / "alembic.ini").is_file()
    )


def _cases(dialect: str) -> list[Any]:
    cases = []
    for name in _fixture_names():
        reason = DIALECT_SKIPS.get((name, dialect))
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        cases.append(pytest.param(name, id=name, marks=marks))
    return cases


def _table_key(schema: str | None, table: str) -> str:
    return f"{schema}.{table}" if schema else table


def _add(found: TableFindings, table: str, code: str, subject: str | None) -> None:
    found.setdefault(table, set()).add((code, subject))


def _constraint_subject(kind: str, columns: list[str], referred: str | None) -> str:
    subject = f"{kind} ({', '.join(columns)})"
    return f"{subject} -> {referred}" if referred else subject


# -- Alembic side ----------------------------------------------------------


def _map_diff(diff: tuple[Any, ...], found: TableFindings) -> None:
    """Record one entry of ``compare_metadata``'s output under its code."""
    kind = diff[0]
    code = ALEMBIC_CODES.get(kind, f"unmapped Alembic diff {kind}")
    if kind in {"add_table", "remove_table"}:
        table = diff[1]
        _add(found, _table_key(table.schema, table.name), code, None)
    elif kind in {"add_column", "remove_column"}:
        _, schema, table_name, column = diff
        _add(found, _table_key(schema, table_name), code, column.name)
    elif kind.startswith("modify_"):
        _, schema, table_name, column_name = diff[:4]
        _add(found, _table_key(schema, table_name), code, column_name)
    elif kind in {"add_index", "remove_index"}:
        index = diff[1]
        table = index.table
        _add(found, _table_key(table.schema, table.name), code, f"index {index.name}")
    elif kind in {"add_constraint", "remove_constraint"}:
        constraint = diff[1]
        table = constraint.table
        constraint_kind = (
            "unique" if isinstance(constraint, sa.UniqueConstraint) else "constraint"
        )
        subject = _constraint_subject(constraint_kind, constraint.columns.keys(), None)
        _add(found, _table_key(table.schema, table.name), code, subject)
    elif kind in {"add_fk", "remove_fk"}:
        fk = diff[1]
        table = fk.parent
        subject = _constraint_subject(
            "foreign_key", list(fk.column_keys), fk.referred_table.name
        )
        _add(found, _table_key(table.schema, table.name), code, subject)
    else:
        _add(found, "<unknown table>", code, repr(diff[1:]))


def _map_diffs(diffs: list[Any]) -> TableFindings:
    found: TableFindings = {}
    for diff in diffs:
        # Column modifications come grouped in a list per column.
        for entry in diff if isinstance(diff, list) else [diff]:
            _map_diff(entry, found)
    return found


@contextmanager
def _fixture_imports(project: Path) -> Iterator[None]:
    """Let env.py import the fixture's models, then forget those modules.

    Fixtures reuse module names (``models``), so modules loaded from the
    fixture folder are removed from ``sys.modules`` afterwards and
    ``sys.path`` is restored from the ``prepend_sys_path`` Alembic applied.
    """
    saved_path = list(sys.path)
    saved_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    # An earlier test may have cached a finder for "." while another folder
    # was current; drop it before env.py imports the fixture's models.
    _drop_relative_finders()
    importlib.invalidate_caches()
    try:
        yield
    finally:
        # A finder cached for "." keeps the folder that was current when it
        # was created, so finders of the added entries are dropped too, and
        # of relative entries an earlier test may have left on sys.path.
        _drop_relative_finders()
        sys.path[:] = saved_path
        sys.dont_write_bytecode = saved_bytecode
        for name, module in list(sys.modules.items()):
            file = getattr(module, "__file__", None)
            if file and Path(file).resolve().is_relative_to(project):
                del sys.modules[name]
        _forget_sqlmodel_tables()


def _drop_relative_finders() -> None:
    for entry in [e for e in sys.path_importer_cache if not Path(e).is_absolute()]:
        sys.path_importer_cache.pop(entry, None)


def _forget_sqlmodel_tables() -> None:
    # NOTE: SQLModel keeps one process-wide MetaData, so the tables of a
    # fixture would collide with the same fixture imported again.
    sqlmodel = sys.modules.get("sqlmodel")
    if sqlmodel is not None:
        sqlmodel.SQLModel.metadata.clear()


@dataclass
class OracleResult:
    """What Alembic and the database report for one fixture."""

    findings: TableFindings
    model_columns: TableColumns
    database_columns: TableColumns


def _metadata_list(target: sa.MetaData | list[sa.MetaData]) -> list[sa.MetaData]:
    # env.py may set target_metadata to a list of MetaData, as Alembic allows.
    return list(target) if isinstance(target, list | tuple) else [target]


def _metadata_columns(target: sa.MetaData | list[sa.MetaData]) -> TableColumns:
    return {
        key: set(table.columns.keys())
        for metadata in _metadata_list(target)
        for key, table in metadata.tables.items()
    }


def _reflect_columns(
    connection: sa.Connection, target: sa.MetaData | list[sa.MetaData]
) -> TableColumns:
    """Return the columns of every table in the database but alembic_version."""
    inspector = sa.inspect(connection)
    schemas = {None} | {
        table.schema
        for metadata in _metadata_list(target)
        for table in metadata.tables.values()
    }
    found: TableColumns = {}
    for schema in schemas:
        for table in inspector.get_table_names(schema=schema):
            if table == "alembic_version":
                continue
            columns = inspector.get_columns(table, schema=schema)
            found[_table_key(schema, table)] = {column["name"] for column in columns}
    return found


def alembic_findings(project: Path, url: str) -> OracleResult:
    """Upgrade ``url`` to heads with the fixture and map compare_metadata."""
    config = Config(str(project / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    diffs: list[Any] = []
    shapes: list[TableColumns] = []

    def compare(_heads: object, context: MigrationContext) -> list[Any]:
        metadata = context.opts["target_metadata"]
        diffs.extend(compare_metadata(context, metadata))
        shapes.append(_metadata_columns(metadata))
        shapes.append(_reflect_columns(context.connection, metadata))
        return []

    with _fixture_imports(project):
        command.upgrade(config, "heads")
        script = ScriptDirectory.from_config(config)
        with EnvironmentContext(config, script, fn=compare):
            script.run_env()
    model_columns, database_columns = shapes
    return OracleResult(_map_diffs(diffs), model_columns, database_columns)


# -- steward side ----------------------------------------------------------


@dataclass
class StaticResult:
    """What the static engine reports for one fixture."""

    findings: TableFindings
    model_columns: TableColumns
    head_columns: TableColumns
    uncertain_tables: set[str]
    uncertain_everywhere: bool
    environments: int


def _schema_columns(schema: SchemaState) -> TableColumns:
    return {key: set(table.columns) for key, table in schema.tables.items()}


def _steward_table(finding: Finding) -> str:
    table = finding.data.get("table")
    schema = finding.data.get("schema")
    if not isinstance(table, str):
        return f"<no table in data of {finding.code}: {finding.message}>"
    if isinstance(schema, str) and "." not in table:
        return _table_key(schema, table)
    return table


def _steward_subject(finding: Finding) -> str | None:
    data = finding.data
    if finding.code == "STW107":
        return f"index {data.get('index', f'<no index name in {data}>')}"
    if finding.code == "STW108":
        side = data.get("model") or data.get("head")
        if not isinstance(side, dict):
            return f"<no model or head constraint in {data}>"
        referred = (
            side.get("referred_table") if data.get("kind") == "foreign_key" else None
        )
        return _constraint_subject(
            str(data.get("kind")), list(side["columns"]), referred
        )
    if finding.code in TABLE_LEVEL_CODES:
        return None
    column = data.get("column")
    return column if isinstance(column, str) else f"<no column in {data}>"


def _renamed_subjects(finding: Finding) -> list[tuple[str, str]]:
    """Return what Alembic reports for the old side of a rename finding.

    steward reports a probable column rename, or an index or unique
    constraint renamed by the naming convention, as one finding on the new
    name. Alembic reports the old name removed as well.
    """
    old = finding.data.get("renamed_from")
    if not isinstance(old, str):
        return []
    if finding.code == "STW103":
        return [("STW104", old)]
    if finding.data.get("head_kind") == "index":
        return [("STW107", f"index {old}")]
    # A unique constraint's subject is its columns, which both names share.
    return []


def steward_findings(project: Path) -> StaticResult:
    """Run the static engine on ``project`` and keep the drift findings."""
    result = Workspace(project).analyze()
    assert result.problems == [], f"configuration problems: {result.problems}"
    found: TableFindings = {}
    for finding in result.all_findings():
        if finding.code not in DRIFT_CODES:
            continue
        # Findings on what autogenerate never compares (named CHECK
        # constraints) carry data["alembic"] = False.
        if finding.data.get("alembic") is False:
            continue
        table = _steward_table(finding)
        _add(found, table, finding.code, _steward_subject(finding))
        for code, subject in _renamed_subjects(finding):
            _add(found, table, code, subject)
    model_columns: TableColumns = {}
    head_columns: TableColumns = {}
    uncertain: set[str] = set()
    everywhere = False
    for analysis in result.environments:
        # Tables of another Flask-SQLAlchemy bind are on another MetaData than
        # the db.metadata env.py passes to Alembic.
        default_bind = [
            table
            for table in analysis.model_schema.tables.values()
            if table.bind_key is None
        ]
        model_columns.update(
            _schema_columns(SchemaState({t.key: t for t in default_bind}))
        )
        head_columns.update(_schema_columns(analysis.head_schema))
        uncertain.update(analysis.replay_result.uncertain_tables)
        uncertain.update(
            key
            for key, table in analysis.head_schema.tables.items()
            if table.uncertain is not None
        )
        everywhere |= analysis.replay_result.uncertain_everywhere is not None
    return StaticResult(
        found,
        model_columns,
        head_columns,
        uncertain,
        everywhere,
        len(result.environments),
    )


# -- the comparison --------------------------------------------------------


def _assert_same_columns(
    label: str, expected: TableColumns, actual: TableColumns, skip: set[str]
) -> None:
    assert sorted(actual) == sorted(expected), f"{label}: tables differ"
    for table in sorted(expected):
        if table in skip:
            continue
        assert sorted(actual[table]) == sorted(expected[table]), (
            f"{label}: columns of {table} differ"
        )


def _assert_same_findings(
    label: str, oracle: TableFindings, static: TableFindings
) -> None:
    for table in sorted(set(oracle) | set(static)):
        expected = sorted(oracle.get(table, set()), key=str)
        actual = sorted(static.get(table, set()), key=str)
        assert actual == expected, (
            f"{label}, table {table}: Alembic reports {expected}, "
            f"steward reports {actual}"
        )


def _copy_fixture(name: str, url: str, destination: Path) -> Path:
    """Copy fixture ``name`` to ``destination`` with its URL set to ``url``.

    Both engines then see the dialect under test: Alembic connects to
    ``url``, and the static engine reads the dialect from the same
    ``sqlalchemy.url`` line without connecting.
    """
    project = destination / name
    shutil.copytree(
        WORKSPACES / name,
        project,
        ignore=shutil.ignore_patterns("__pycache__", "*.sqlite"),
    )
    ini = project / "alembic.ini"
    text, count = re.subn(
        r"^sqlalchemy\.url\s*=.*$",
        f"sqlalchemy.url = {url}",
        ini.read_text(),
        flags=re.MULTILINE,
    )
    assert count == 1, f"{ini}: expected one sqlalchemy.url line"
    ini.write_text(text)
    return project


def _run_case(
    name: str,
    dialect: str,
    url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = _copy_fixture(name, url, tmp_path)
    # alembic.ini uses script_location and prepend_sys_path relative to the
    # current folder, as `alembic` run from the project folder does.
    monkeypatch.chdir(project)
    oracle = alembic_findings(project, url)
    static = steward_findings(project)
    label = f"{name} on {dialect}"

    assert static.environments == 1, f"{label}: expected one Alembic environment"
    # The shapes first, so that a failure names the half of the engine at
    # fault: the model parser (models) or the replay (head).
    _assert_same_columns(
        f"{label}, models (steward vs imported metadata)",
        oracle.model_columns,
        static.model_columns,
        set(),
    )
    # A table the engine marks uncertain (STW110) may miss columns that raw
    # SQL added, so only its presence is checked. SQL that may have changed
    # any table (uncertain everywhere) leaves no head shape to check.
    if not static.uncertain_everywhere:
        _assert_same_columns(
            f"{label}, head (steward vs reflected database)",
            oracle.database_columns,
            static.head_columns,
            static.uncertain_tables,
        )
    _assert_same_findings(label, oracle.findings, static.findings)


def test_fixture_count() -> None:
    assert len(_fixture_names()) >= 25


@pytest.mark.parametrize("name", _cases("sqlite"))
def test_oracle_sqlite(
    name: str, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_case(name, "sqlite", sqlite_url, tmp_path, monkeypatch)


@pytest.mark.postgresql
@pytest.mark.parametrize("name", _cases("postgresql"))
def test_oracle_postgresql(
    name: str, postgresql_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_case(name, "postgresql", postgresql_url, tmp_path, monkeypatch)
