"""Revision files parsed statically: header fields and operations."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from steward_lsp.engine.migration import Operation, RevisionScript
from steward_lsp.engine.revision_parser import parse_revision, salvage_header
from steward_lsp.engine.schema import TypeSpec

PATH = Path("/project/migrations/versions/abc123_add_users.py")

PREAMBLE = """\
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "abc123"
down_revision = "000000"
"""


def parse(source: str) -> RevisionScript:
    return parse_revision(PATH, textwrap.dedent(source))


def upgrade_ops(body: str, preamble: str = PREAMBLE) -> list[Operation]:
    source = (
        preamble
        + "\n\ndef upgrade():\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
    )
    return parse_revision(PATH, source).upgrade.operations


def only(body: str, preamble: str = PREAMBLE) -> Operation:
    operations = upgrade_ops(body, preamble)
    assert len(operations) == 1, operations
    return operations[0]


# -- header -------------------------------------------------------------------


def test_header_plain_fields() -> None:
    script = parse(
        '''\
        """add users table

        Revision ID: abc123
        Revises: 000000
        Create Date: 2024-03-01 12:30:00.123456

        """
        revision = "abc123"
        down_revision = "000000"
        branch_labels = ("core",)
        depends_on = None
        '''
    )
    assert script.revision == "abc123"
    assert script.down_revisions == ("000000",)
    assert script.branch_labels == ("core",)
    assert script.depends_on == ()
    assert script.message == "add users table"
    assert script.create_date == "2024-03-01 12:30:00.123456"


def test_header_annotated_fields() -> None:
    script = parse(
        """\
        from typing import Sequence, Union

        revision: str = "abc123"
        down_revision: Union[str, Sequence[str], None] = ("a1", "b2")
        branch_labels: Union[str, Sequence[str], None] = None
        depends_on: Union[str, Sequence[str], None] = ["lib1"]
        """
    )
    assert script.revision == "abc123"
    assert script.down_revisions == ("a1", "b2")
    assert script.branch_labels == ()
    assert script.depends_on == ("lib1",)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("None", (), id="none"),
        pytest.param('"a1"', ("a1",), id="string"),
        pytest.param('("a1", "b2")', ("a1", "b2"), id="tuple"),
        pytest.param('["a1"]', ("a1",), id="list"),
        pytest.param('""', (), id="empty-string"),
    ],
)
def test_header_down_revision_forms(value: str, expected: tuple[str, ...]) -> None:
    script = parse(f'revision = "r"\ndown_revision = {value}\n')
    assert script.down_revisions == expected


def test_header_locations() -> None:
    script = parse(
        '"""doc"""\n\nrevision = "r1"\ndown_revision = (\n    "a",\n    "b",\n)\n'
    )
    assert script.revision_location is not None
    assert script.revision_location.path == PATH
    assert script.revision_location.span.start_line == 2
    assert script.down_revision_location is not None
    assert script.down_revision_location.span.start_line == 3
    assert script.down_revision_location.span.end_line == 6


def test_header_missing_revision() -> None:
    script = parse("def helper():\n    pass\n")
    assert script.revision is None
    assert not script.upgrade.present


def test_syntax_error_raises() -> None:
    with pytest.raises(SyntaxError):
        parse("def upgrade(:\n")


# -- function shape -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "empty", "raises"),
    [
        pytest.param("pass", True, False, id="pass"),
        pytest.param('"""Nothing to do."""', True, False, id="docstring"),
        pytest.param("...", True, False, id="ellipsis"),
        pytest.param("raise NotImplementedError()", False, True, id="raises"),
        pytest.param('op.drop_table("users")', False, False, id="operations"),
    ],
)
def test_downgrade_shape(body: str, empty: bool, raises: bool) -> None:
    script = parse(PREAMBLE + f"\ndef downgrade():\n    {body}\n")
    assert script.downgrade.present
    assert script.downgrade.empty is empty
    assert script.downgrade.raises is raises
    assert script.downgrade.location is not None
    assert script.downgrade.location.span.start_line == 7


def test_downgrade_missing() -> None:
    script = parse(PREAMBLE + "\ndef upgrade():\n    pass\n")
    assert script.upgrade.present
    assert not script.downgrade.present


def test_raise_inside_if_is_not_unconditional() -> None:
    script = parse(
        PREAMBLE + "\ndef downgrade():\n    if x:\n        raise ValueError\n"
    )
    assert not script.downgrade.raises


# -- tables and columns -----------------------------------------------------------


def test_create_table_columns_and_constraints() -> None:
    operation = only(
        """\
        op.create_table(
            "users",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("email", sa.String(length=255), nullable=False),
            sa.Column("org_id", sa.Integer(), sa.ForeignKey("orgs.id")),
            sa.PrimaryKeyConstraint("id", name="pk_users"),
            sa.UniqueConstraint("email", name="uq_users_email"),
            sa.CheckConstraint("id > 0", name="ck_users_id"),
            schema="app",
            comment="people",
        )
        """
    )
    assert operation.name == "create_table"
    assert operation.table == "users"
    assert operation.schema == "app"
    table = operation.table_def
    assert table is not None
    assert list(table.columns) == ["id", "email", "org_id"]
    assert table.columns["id"].primary_key
    assert table.primary_key_name == "pk_users"
    assert table.columns["email"].type is not None
    assert table.columns["email"].type.kwarg("length") == 255
    assert table.columns["org_id"].foreign_keys[0].referred_table == "orgs"
    assert [u.name for u in table.uniques] == ["uq_users_email"]
    assert [c.sqltext for c in table.checks] == ["id > 0"]
    assert table.comment == "people"
    assert table.location == operation.location
    assert operation.understood


def test_drop_and_rename_table() -> None:
    drop, rename = upgrade_ops(
        """\
        op.drop_table("old", schema="app")
        op.rename_table("users", "accounts")
        """
    )
    assert (drop.name, drop.table, drop.schema) == ("drop_table", "old", "app")
    assert (rename.table, rename.new_name) == ("users", "accounts")


def test_add_and_drop_column() -> None:
    add, drop = upgrade_ops(
        """\
        op.add_column("users", sa.Column("age", sa.Integer(), nullable=False,
                                         server_default="0"))
        op.drop_column("users", "nickname")
        """
    )
    assert add.table == "users"
    assert add.column is not None
    assert add.column.name == "age"
    assert not add.column.nullable
    assert add.column.server_default == "'0'"
    assert (drop.table, drop.column_name) == ("users", "nickname")


def test_alter_column_every_keyword() -> None:
    operation = only(
        """\
        op.alter_column(
            "users", "name",
            nullable=False,
            type_=sa.String(100),
            existing_type=sa.String(50),
            server_default=sa.text("'x'"),
            existing_server_default=None,
            new_column_name="full_name",
            comment="display name",
        )
        """
    )
    params = operation.params
    assert params["nullable"] is False
    new_type, existing_type = params["type_"], params["existing_type"]
    assert isinstance(new_type, TypeSpec)
    assert isinstance(existing_type, TypeSpec)
    assert new_type.name == "String"
    assert existing_type.kwargs == (("length", 50),)
    assert params["server_default"] == "'x'"
    assert params["existing_server_default"] is None
    assert params["comment"] == "display name"
    assert operation.new_name == "full_name"


def test_alter_column_server_default_none_drops() -> None:
    operation = only('op.alter_column("t", "c", server_default=None)')
    assert "server_default" in operation.params
    assert operation.params["server_default"] is None


def test_alter_column_without_changes_keeps_defaults_out() -> None:
    operation = only('op.alter_column("t", "c", existing_type=sa.Integer())')
    assert "server_default" not in operation.params
    assert "comment" not in operation.params
    assert "nullable" not in operation.params


# -- indexes and constraints ------------------------------------------------------


def test_create_index_with_op_f() -> None:
    operation = only(
        'op.create_index(op.f("ix_users_email"), "users", ["email"], unique=True,'
        " postgresql_concurrently=True)"
    )
    assert operation.index is not None
    assert operation.index.name == "ix_users_email"
    assert operation.index.expressions == ("email",)
    assert operation.index.unique
    assert operation.params["postgresql_concurrently"] is True


def test_drop_index_with_table_keyword() -> None:
    operation = only('op.drop_index(op.f("ix_users_email"), table_name="users")')
    assert operation.constraint_name == "ix_users_email"
    assert operation.table == "users"


def test_constraint_operations() -> None:
    unique, foreign, check, primary, drop = upgrade_ops(
        """\
        op.create_unique_constraint("uq_a", "users", ["a", "b"])
        op.create_foreign_key(None, "users", "orgs", ["org_id"], ["id"],
                              ondelete="CASCADE")
        op.create_check_constraint("ck_age", "users", "age > 0")
        op.create_primary_key("pk_users", "users", ["id"])
        op.drop_constraint("uq_a", "users", type_="unique")
        """
    )
    assert unique.unique is not None
    assert unique.unique.columns == ("a", "b")
    assert foreign.foreign_key is not None
    assert foreign.table == "users"
    assert foreign.foreign_key.referred_table == "orgs"
    assert foreign.foreign_key.columns == ("org_id",)
    assert foreign.foreign_key.ondelete == "CASCADE"
    assert check.check is not None
    assert check.check.sqltext == "age > 0"
    assert primary.params["columns"] == ("id",)
    assert (drop.constraint_name, drop.constraint_type) == ("uq_a", "unique")


# -- raw SQL ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "sql"),
    [
        pytest.param('"DROP TABLE x"', "DROP TABLE x", id="string"),
        pytest.param('sa.text("DROP TABLE x")', "DROP TABLE x", id="text"),
        pytest.param(
            'sa.text("UPDATE x SET a = :a").bindparams(a=1)',
            "UPDATE x SET a = :a",
            id="bindparams",
        ),
        pytest.param("SQL", "DROP TABLE y", id="module-constant"),
    ],
)
def test_execute_sql_text(argument: str, sql: str) -> None:
    operations = upgrade_ops(
        f"op.execute({argument})", PREAMBLE + 'SQL = "DROP TABLE y"\n'
    )
    assert operations[0].sql == sql
    assert operations[0].understood


def test_execute_core_statement_is_dml() -> None:
    operation = only(
        """\
        accounts = sa.table("accounts", sa.column("id"))
        op.execute(accounts.update().values(id=1))
        """
    )
    # The table and the columns written, for the backfill check; the values
    # are placeholders.
    assert operation.sql == "UPDATE accounts SET id = NULL"
    assert operation.params["dml"] == "update"
    assert operation.understood


def test_execute_fstring_keeps_template() -> None:
    operation = only('op.execute(f"ALTER TABLE {name} ADD COLUMN x INT")')
    assert operation.sql is None
    assert operation.params["sql_template"] == "ALTER TABLE {...} ADD COLUMN x INT"
    assert not operation.understood


def test_connection_execute() -> None:
    operation = only(
        """\
        conn = op.get_bind()
        conn.execute(sa.text("UPDATE users SET a = 1"))
        """
    )
    assert operation.name == "execute"
    assert operation.sql == "UPDATE users SET a = 1"
    assert operation.params["via"] == "connection"


def test_bulk_insert_table() -> None:
    operation = only(
        """\
        roles = sa.table("roles", sa.column("name", sa.String))
        op.bulk_insert(roles, [{"name": "admin"}, {"name": "user"}])
        """
    )
    assert operation.table == "roles"
    assert operation.params["rows"] == 2


# -- blocks -----------------------------------------------------------------------


def test_batch_alter_table_block() -> None:
    add, alter, index = upgrade_ops(
        """\
        with op.batch_alter_table("users", schema="app") as batch_op:
            batch_op.add_column(sa.Column("age", sa.Integer()))
            batch_op.alter_column("name", nullable=False)
            batch_op.create_index("ix_users_age", ["age"])
        """
    )
    assert all(o.batch for o in (add, alter, index))
    assert all((o.table, o.schema) == ("users", "app") for o in (add, alter, index))
    assert alter.column_name == "name"
    assert index.index is not None
    assert index.index.expressions == ("age",)


def test_batch_create_index_unique() -> None:
    (index,) = upgrade_ops(
        """\
        with op.batch_alter_table("users") as batch_op:
            batch_op.create_index(batch_op.f("ix_users_email"), ["email"], unique=True)
        """
    )
    assert index.index is not None
    assert index.index.unique


def test_autocommit_block() -> None:
    operation = only(
        """\
        with op.get_context().autocommit_block():
            op.execute("ALTER TYPE status ADD VALUE 'x'")
        """
    )
    assert operation.in_autocommit_block


def test_module_level_type_and_helper_variable() -> None:
    operation = only(
        'op.add_column(TABLE, sa.Column("status", status, nullable=False))',
        PREAMBLE + 'status = sa.Enum("new", "done", name="status")\nTABLE = "tasks"\n',
    )
    assert operation.table == "tasks"
    assert operation.column is not None
    assert operation.column.type is not None
    assert operation.column.type.name == "Enum"
    assert operation.column.type.args == ("new", "done")


def test_local_variable() -> None:
    operation = only('name = "tasks"\nop.drop_table(name)')
    assert operation.table == "tasks"


def test_helper_function_is_inlined() -> None:
    operations = upgrade_ops(
        '_add_flag("a")\n_add_flag("b", column="archived")',
        PREAMBLE
        + "\ndef _add_flag(table, column='flag'):\n"
        + "    op.add_column(table, sa.Column(column, sa.Boolean()))\n",
    )
    assert [(o.table, o.column_name) for o in operations] == [
        ("a", "flag"),
        ("b", "archived"),
    ]
    assert all(o.understood for o in operations)


def test_helper_with_connection_argument() -> None:
    operations = upgrade_ops(
        "_backfill(op.get_bind())",
        PREAMBLE
        + "\ndef _backfill(conn):\n"
        + '    conn.execute(sa.text("UPDATE t SET a = 1"))\n',
    )
    assert [(o.name, o.sql) for o in operations] == [("execute", "UPDATE t SET a = 1")]


def test_literal_loop_is_unrolled() -> None:
    operations = upgrade_ops('for name in ("a", "b"):\n    op.drop_table(name)')
    assert [o.table for o in operations] == ["a", "b"]
    assert all(o.understood for o in operations)


def test_unknown_loop_is_opaque() -> None:
    script = parse_revision(
        PATH,
        PREAMBLE
        + "from app import TABLES\n\ndef upgrade():\n"
        + "    for name in TABLES:\n        op.drop_table(name)\n",
    )
    assert len(script.upgrade.opaque) == 1
    assert not script.upgrade.operations[0].understood


def test_unknown_call_is_opaque() -> None:
    script = parse_revision(
        PATH, PREAMBLE + "from app import migrate\n\ndef upgrade():\n    migrate(op)\n"
    )
    assert [loc.span.start_line for loc in script.upgrade.opaque] == [9]
    assert script.upgrade.operations == []


def test_dialect_if_follows_both_branches() -> None:
    first, second = upgrade_ops(
        """\
        if op.get_bind().dialect.name == "postgresql":
            op.execute("CREATE EXTENSION pgcrypto")
        else:
            op.drop_table("legacy")
        """
    )
    assert [g.names for g in first.dialect_guards] == [frozenset({"postgresql"})]
    assert first.dialect_guards[0].matches("postgresql")
    assert not first.dialect_guards[0].matches("sqlite")
    assert second.dialect_guards[0].matches("sqlite")
    assert not second.dialect_guards[0].matches("postgresql")


def test_dialect_variable_and_in_test() -> None:
    operation = only(
        """\
        dialect = op.get_context().dialect.name
        if dialect not in ("sqlite", "mysql"):
            op.drop_table("x")
        """
    )
    assert operation.dialect_guards[0].matches("postgresql")
    assert not operation.dialect_guards[0].matches("mysql")


def test_dialect_url_prefix_test() -> None:
    operation = only(
        """\
        bind = op.get_bind()
        url = str(bind.engine.url)
        if url.startswith("postgres"):
            op.drop_table("x")
        """
    )
    (guard,) = operation.dialect_guards
    assert guard.matches("postgresql")
    assert not guard.matches("mysql")
    assert operation.understood


def test_other_if_marks_not_understood() -> None:
    script = parse_revision(
        PATH,
        PREAMBLE + "\ndef upgrade():\n    if FLAG:\n        op.drop_table('x')\n",
    )
    assert not script.upgrade.operations[0].understood
    assert len(script.upgrade.opaque) == 1


def test_if_around_helper_not_opaque() -> None:
    # The helper's operation lies outside the if, which replay would
    # otherwise take for a call that may change any table.
    script = parse_revision(
        PATH,
        PREAMBLE
        + "\ndef _seed(conn):\n"
        + '    conn.execute(sa.text("INSERT INTO t VALUES (1)"))\n'
        + "\n\ndef upgrade():\n    if FLAG:\n        _seed(op.get_bind())\n",
    )
    (operation,) = script.upgrade.operations
    assert not operation.understood
    assert script.upgrade.opaque == []


def test_operation_locations() -> None:
    operations = upgrade_ops('op.drop_table("a")\n\nop.drop_table("b")')
    assert [o.location.span.start_line for o in operations] == [9, 11]
    assert operations[0].location.span.start_col == 4
    assert operations[0].location.path == PATH


def test_non_ascii_columns_are_code_points() -> None:
    first, second = upgrade_ops('op.drop_table("é"); op.drop_table("b")')
    assert first.table == "é"
    prefix = '    op.drop_table("é"); '
    assert second.location.span.start_col == len(prefix)


def test_create_table_expands_starred_helpers() -> None:
    operations = upgrade_ops(
        """\
        op.create_table("a", sa.Column("id", sa.Integer()), *_timestamps())
        op.create_table("b", sa.Column("id", sa.Integer()), *EXTRA)
        op.create_table("c", sa.Column("id", sa.Integer()), *unknown())
        """,
        PREAMBLE
        + 'EXTRA = [sa.Column("note", sa.Text())]\n\n'
        + "def _timestamps():\n"
        + '    """Audit columns."""\n'
        + '    return [sa.Column("created_at", sa.DateTime(), nullable=False),\n'
        + '            sa.Column("updated_at", sa.DateTime())]\n',
    )
    tables = [o.table_def for o in operations]
    assert all(t is not None for t in tables)
    assert [list(t.columns) for t in tables if t is not None] == [
        ["id", "created_at", "updated_at"],
        ["id", "note"],
        ["id"],
    ]
    assert [o.understood for o in operations] == [True, True, False]


def test_salvage_header_of_broken_file() -> None:
    source = textwrap.dedent(
        '''\
        """add users

        Revision ID: abc123
        """
        from alembic import op

        revision = "abc123"
        down_revision = (
            "000000",
            "111111",
        )

        def upgrade( -> None:
            op.drop_table("users")
        '''
    )
    with pytest.raises(SyntaxError):
        parse_revision(PATH, source)

    script = salvage_header(PATH, source, "line 13: invalid syntax")

    assert script is not None
    assert script.revision == "abc123"
    assert script.down_revisions == ("000000", "111111")
    assert script.message == "add users"
    assert script.parse_error == "line 13: invalid syntax"
    assert script.revision_location is not None
    assert script.revision_location.span.start_line == 6
    assert script.upgrade.present
    assert script.upgrade.operations == []
    assert script.downgrade.present


def test_salvage_header_without_revision() -> None:
    assert salvage_header(PATH, "def upgrade(:\n", "invalid syntax") is None
