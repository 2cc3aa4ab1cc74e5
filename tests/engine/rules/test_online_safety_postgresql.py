"""STW306 against a real PostgreSQL: what it reports is what locks or rewrites.

Each added column runs through Alembic's own ``op.add_column`` on a table
with rows. PostgreSQL gives a rewritten table a new ``relfilenode``, so the
rule must report exactly the columns whose addition changes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from rule_builders import context

from steward_lsp.engine.revision_parser import parse_revision
from steward_lsp.engine.rules.column_rewrite import VOLATILE_FUNCTIONS
from steward_lsp.engine.rules.online_safety import check_online_safety

pytestmark = pytest.mark.postgresql

# The arguments after the name of each added column, as a revision writes
# them. The sequence "key_seq" exists before the columns are added.
COLUMNS = {
    "gen_random_uuid": 'sa.Uuid(), server_default=sa.text("gen_random_uuid()")',
    "func-random": "sa.Float(), server_default=sa.func.random()",
    "clock_timestamp": 'sa.DateTime(), server_default=sa.text("clock_timestamp()")',
    "uuid-ossp": "sa.Uuid(), server_default=sa.func.uuid_generate_v4()",
    "nextval": """sa.BigInteger(), server_default=sa.text("nextval('key_seq')")""",
    "identity": "sa.BigInteger(), sa.Identity()",
    "serial": "sa.Integer(), primary_key=True",
    "func-now": "sa.DateTime(), server_default=sa.func.now()",
    "current_timestamp": 'sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP")',
    "zero": 'sa.Integer(), server_default=sa.text("0")',
    "string-literal": 'sa.Text(), server_default="random()"',
    "no-default": "sa.Text()",
}

# Functions added after PostgreSQL 15: random_normal in 16, uuidv4 and uuidv7 in 18.
NEWER_THAN_15 = {"random_normal", "uuidv4", "uuidv7"}


@pytest.fixture
def engine(postgresql_url: str) -> Iterator[sa.Engine]:
    """Yield an engine on a database with uuid-ossp and pgcrypto installed."""
    engine = sa.create_engine(postgresql_url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        for extension in ("uuid-ossp", "pgcrypto"):
            conn.execute(sa.text(f'CREATE EXTENSION IF NOT EXISTS "{extension}"'))
    try:
        yield engine
    finally:
        engine.dispose()


def _is_reported(column: str, tmp_path: Path) -> bool:
    text = (
        "from alembic import op\nimport sqlalchemy as sa\n\n"
        'revision = "9e0f"\ndown_revision = None\n\n\n'
        f'def upgrade():\n    op.add_column("notes", {column})\n'
    )
    script = parse_revision(tmp_path / "9e0f_add.py", text)
    found = check_online_safety(context(scripts=[script], dialect="postgresql"))
    return [f.code for f in found] == ["STW306"]


def _relfilenode(conn: sa.Connection) -> int:
    query = sa.text("SELECT relfilenode FROM pg_class WHERE relname = 'notes'")
    return int(conn.execute(query).scalar_one())


def test_reported_columns_are_rewritten(engine: sa.Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE notes (id integer)"))
        conn.execute(sa.text("INSERT INTO notes SELECT generate_series(1, 100)"))
        conn.execute(sa.text("CREATE SEQUENCE key_seq"))
    rewritten: dict[str, bool] = {}
    reported: dict[str, bool] = {}
    for number, (case, arguments) in enumerate(COLUMNS.items()):
        column = f'sa.Column("c{number}", {arguments})'
        reported[case] = _is_reported(column, tmp_path)
        with engine.begin() as conn:
            before = _relfilenode(conn)
            op = Operations(MigrationContext.configure(conn))
            # The same source text that the rule reads, built by SQLAlchemy.
            op.add_column("notes", eval(column, {"sa": sa}))
            rewritten[case] = _relfilenode(conn) != before

    assert rewritten["gen_random_uuid"] is True
    assert rewritten["func-now"] is False
    assert reported == rewritten


def test_volatile_functions_match_pg_proc(engine: sa.Engine) -> None:
    query = sa.text(
        "SELECT proname, bool_and(provolatile = 'v') FROM pg_proc "
        "WHERE proname = ANY(:names) GROUP BY proname"
    )
    with engine.connect() as conn:
        rows = conn.execute(query, {"names": sorted(VOLATILE_FUNCTIONS)}).all()
    volatile = {name: bool(all_volatile) for name, all_volatile in rows}

    assert all(volatile.values()), volatile
    assert VOLATILE_FUNCTIONS - set(volatile) <= NEWER_THAN_15
