"""STW306 on added columns that make PostgreSQL rewrite the table.

Revisions are read from source by the real revision parser. PostgreSQL
rewrites the table for an added column whose default is volatile, an
identity column or a serial one.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from rule_builders import context

from steward_lsp.engine.config import Settings
from steward_lsp.engine.revision_parser import parse_revision
from steward_lsp.engine.rules import apply_ignores
from steward_lsp.engine.rules.column_rewrite import volatile_function
from steward_lsp.engine.rules.online_safety import check_online_safety

HEADER = """\
from alembic import op
import sqlalchemy as sa

revision = "7c1d"
down_revision = None


def upgrade():
"""


def stw306_findings(upgrade: str, tmp_path: Path, dialect: str | None = "postgresql"):
    """Return the STW306 findings, after ignore comments, of an upgrade body."""
    text = HEADER + textwrap.indent(textwrap.dedent(upgrade), "    ")
    path = tmp_path / "7c1d_change.py"
    script = parse_revision(path, text)
    found = check_online_safety(context(scripts=[script], dialect=dialect))
    kept = apply_ignores(found, {path: text}, Settings(), tmp_path)
    return [f for f in kept if f.code == "STW306"]


# The upgrade() body starts on line 8 of HEADER + body.
FIRST_LINE = 8


def test_constraint_index_build_not_reported(tmp_path):
    # ADD CONSTRAINT ... UNIQUE and PRIMARY KEY build their index under
    # ACCESS EXCLUSIVE, but the safe form (ADD CONSTRAINT ... USING INDEX)
    # is raw SQL that the replay does not follow, and author-migration
    # writes the plain form, so neither is reported yet.
    body = """
    op.create_unique_constraint("uq_documents_slug", "documents", ["slug"])
    op.create_primary_key("pk_tags", "tags", ["id"])
    """
    assert stw306_findings(body, tmp_path) == []


GEN_RANDOM_UUID = (
    'sa.Column("key", sa.Uuid(), server_default=sa.text("gen_random_uuid()"))'
)


def test_constraints_on_new_table_are_clean(tmp_path):
    body = f"""
    op.create_table("tags", sa.Column("id", sa.Integer()), sa.Column("name", sa.Text()))
    op.create_primary_key("pk_tags", "tags", ["id"])
    op.create_unique_constraint("uq_tags_name", "tags", ["name"])
    op.add_column("tags", {GEN_RANDOM_UUID})
    """
    assert stw306_findings(body, tmp_path) == []


@pytest.mark.parametrize("dialect", ["sqlite", "mysql", None])
def test_rebuilds_only_reported_on_postgresql(tmp_path, dialect):
    body = f"""
    op.create_unique_constraint("uq_documents_slug", "documents", ["slug"])
    op.create_primary_key("pk_tags", "tags", ["id"])
    op.add_column("documents", {GEN_RANDOM_UUID})
    """
    assert stw306_findings(body, tmp_path, dialect=dialect) == []


@pytest.mark.parametrize(
    "type_, default, cause",
    [
        pytest.param(
            "sa.Uuid()",
            'sa.text("gen_random_uuid()")',
            "server_default gen_random_uuid() is volatile",
            id="gen_random_uuid",
        ),
        pytest.param(
            "sa.Float()",
            "sa.func.random()",
            "server_default random() is volatile",
            id="func-random",
        ),
        pytest.param(
            "sa.DateTime()",
            'sa.text("clock_timestamp()")',
            "server_default clock_timestamp() is volatile",
            id="clock_timestamp",
        ),
        pytest.param(
            "sa.Uuid()",
            "sa.func.uuid_generate_v4()",
            "server_default uuid_generate_v4() is volatile",
            id="uuid-ossp",
        ),
        pytest.param(
            "sa.Integer()",
            """sa.text("nextval('key_seq'::regclass)")""",
            "calls nextval(), which is volatile",
            id="nextval",
        ),
        pytest.param(
            "sa.Text()",
            'sa.text("md5(random()::text)")',
            "calls random(), which is volatile",
            id="nested",
        ),
    ],
)
def test_add_column_with_volatile_default(tmp_path, type_, default, cause):
    column = f'sa.Column("key", {type_}, server_default={default})'
    found = stw306_findings(f'op.add_column("documents", {column})', tmp_path)
    assert [f.location.span.start_line for f in found] == [FIRST_LINE]
    assert found[0].data["operation"] == "add_column"
    assert "rewrites the table under an ACCESS EXCLUSIVE lock" in found[0].message
    assert cause in found[0].message
    assert "backfill it in batches" in found[0].message
    assert "set the server_default with alter_column" in found[0].message


@pytest.mark.parametrize(
    "column, cause",
    [
        pytest.param(
            'sa.Column("key", sa.BigInteger(), sa.Identity())',
            "Identity() numbers every existing row",
            id="identity",
        ),
        pytest.param(
            'sa.Column("key", sa.BigInteger(), primary_key=True)',
            "as SERIAL",
            id="serial",
        ),
    ],
)
def test_add_column_numbered_from_sequence(tmp_path, column, cause):
    found = stw306_findings(f'op.add_column("documents", {column})', tmp_path)
    assert [f.location.span.start_line for f in found] == [FIRST_LINE]
    assert "rewrites the table under an ACCESS EXCLUSIVE lock" in found[0].message
    assert cause in found[0].message
    assert "backfill it in batches" in found[0].message


@pytest.mark.parametrize(
    "column",
    [
        pytest.param(
            'sa.Column("seen", sa.DateTime(), server_default=sa.func.now())',
            id="func-now",
        ),
        pytest.param(
            'sa.Column("seen", sa.DateTime(), server_default=sa.text("now()"))',
            id="text-now",
        ),
        pytest.param(
            'sa.Column("at", sa.Date(), server_default=sa.func.current_timestamp())',
            id="current_timestamp",
        ),
        pytest.param(
            'sa.Column("count", sa.Integer(), server_default=sa.text("0"))', id="zero"
        ),
        pytest.param(
            'sa.Column("state", sa.Text(), server_default="random()")',
            id="string-literal",
        ),
        pytest.param('sa.Column("note", sa.Text())', id="no-default"),
        pytest.param(
            'sa.Column("rank", sa.Integer(), primary_key=True, autoincrement=False)',
            id="no-autoincrement",
        ),
        pytest.param(
            'sa.Column("key", sa.Uuid(), server_default=sa.text("my_uuid()"))',
            id="unknown-function",
        ),
    ],
)
def test_add_column_without_rewrite_is_clean(tmp_path, column):
    assert stw306_findings(f'op.add_column("documents", {column})', tmp_path) == []


def test_batch_add_column_with_volatile_default(tmp_path):
    body = """
    with op.batch_alter_table("documents") as batch_op:
        batch_op.add_column(
            sa.Column("key", sa.Float(), server_default=sa.func.random())
        )
    """
    found = stw306_findings(body, tmp_path)
    assert [f.location.span.start_line for f in found] == [FIRST_LINE + 2]


def test_ignore_comment_on_new_cases(tmp_path):
    ignore = "# steward: ignore[STW306] small table"
    body = f"""
    op.add_column("documents", {GEN_RANDOM_UUID})  {ignore}
    """
    assert stw306_findings(body, tmp_path) == []


@pytest.mark.parametrize(
    "sql, function",
    [
        ("gen_random_uuid()", "gen_random_uuid"),
        ("public.uuid_generate_v4()", "uuid_generate_v4"),
        ("NEXTVAL('s'::regclass)", "nextval"),
        ("(random() * 10)::int", "random"),
        ("'random()'", None),
        ("'it''s random()'", None),
        ("now()", None),
        ("CURRENT_TIMESTAMP", None),
        ("0", None),
    ],
)
def test_volatile_function(sql, function):
    assert volatile_function(sql) == function
