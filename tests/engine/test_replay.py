"""Replay of revision chains written as source strings."""

from __future__ import annotations

import textwrap
from pathlib import Path

from steward_lsp.engine.config import Settings
from steward_lsp.engine.graph import build_graph
from steward_lsp.engine.migration import RevisionScript
from steward_lsp.engine.replay import ReplayResult, replay
from steward_lsp.engine.revision_parser import parse_revision
from steward_lsp.engine.schema import TableDef

VERSIONS = Path("/project/migrations/versions")


def script(
    rev: str, down: str | tuple[str, ...] | None, upgrade: str, message: str = ""
) -> RevisionScript:
    body = textwrap.indent(textwrap.dedent(upgrade), "    ")
    source = (
        f'"""{message or "revision " + rev}\n\nRevision ID: {rev}\n"""\n'
        "from alembic import op\nimport sqlalchemy as sa\n\n"
        f"revision = {rev!r}\ndown_revision = {down!r}\n\n"
        f"def upgrade():\n{body}\n\ndef downgrade():\n    pass\n"
    )
    return parse_revision(VERSIONS / f"{rev}.py", source)


def run(
    *scripts: RevisionScript, dialect: str | None = "sqlite", allowed_heads: int = 5
) -> ReplayResult:
    graph = build_graph(list(scripts), Settings(allowed_heads=allowed_heads))
    return replay(graph, dialect=dialect)


def table(result: ReplayResult, name: str) -> TableDef:
    found = result.head_schema.get(name)
    assert found is not None, sorted(result.head_schema.tables)
    return found


USERS = """\
op.create_table(
    "users",
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("email", sa.String(255), nullable=False),
    sa.Column("name", sa.String(50)),
)
"""


# -- tables and columns ---------------------------------------------------------


def test_create_table_location_is_the_call() -> None:
    result = run(script("r1", None, USERS))
    users = table(result, "users")
    assert list(users.columns) == ["id", "email", "name"]
    assert users.location is not None
    assert users.location.path.name == "r1.py"
    assert users.location.span.start_line == 11
    email = users.columns["email"].location
    assert email is not None
    assert email.span.start_line == 14


def test_add_alter_drop_column() -> None:
    result = run(
        script("r1", None, USERS),
        script(
            "r2",
            "r1",
            """\
            op.add_column("users", sa.Column("age", sa.Integer()))
            op.alter_column("users", "name", nullable=False, type_=sa.String(80),
                            server_default="anon")
            op.drop_column("users", "email")
            """,
        ),
    )
    users = table(result, "users")
    assert list(users.columns) == ["id", "name", "age"]
    name = users.columns["name"]
    assert not name.nullable
    assert name.type is not None
    assert name.type.kwarg("length") == 80
    assert name.server_default == "'anon'"
    age = users.columns["age"].location
    assert age is not None
    assert age.path.name == "r2.py"


def test_alter_column_rename_keeps_order_and_indexes() -> None:
    result = run(
        script("r1", None, USERS + 'op.create_index("ix_name", "users", ["name"])\n'),
        script("r2", "r1", 'op.alter_column("users", "name", new_column_name="nick")'),
    )
    users = table(result, "users")
    assert list(users.columns) == ["id", "email", "nick"]
    assert users.columns["nick"].name == "nick"
    assert [i.expressions for i in users.indexes] == [("nick",)]


def test_drop_column_drops_its_index_and_constraints() -> None:
    result = run(
        script(
            "r1",
            None,
            USERS
            + 'op.create_index("ix_email", "users", ["email"])\n'
            + 'op.create_unique_constraint("uq_email_name", "users",'
            + ' ["email", "name"])\n',
        ),
        script("r2", "r1", 'op.drop_column("users", "email")'),
    )
    users = table(result, "users")
    assert users.indexes == []
    assert users.uniques == []


def test_rename_table_retargets_foreign_keys() -> None:
    result = run(
        script(
            "r1",
            None,
            USERS
            + 'op.create_table("posts", sa.Column("id", sa.Integer, primary_key=True),'
            + ' sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")))\n',
        ),
        script("r2", "r1", 'op.rename_table("users", "accounts")'),
    )
    assert result.head_schema.get("users") is None
    accounts = table(result, "accounts")
    assert accounts.name == "accounts"
    posts = table(result, "posts")
    assert posts.columns["user_id"].foreign_keys[0].referred_table == "accounts"
    history = [e.detail for e in result.history["accounts"]]
    assert history == ["created", "renamed from users"]
    assert [e.revision for e in result.history["accounts.email"]] == ["r1"]


def test_drop_table() -> None:
    result = run(
        script("r1", None, USERS), script("r2", "r1", 'op.drop_table("users")')
    )
    assert result.head_schema.tables == {}


def test_batch_block() -> None:
    result = run(
        script("r1", None, USERS),
        script(
            "r2",
            "r1",
            """\
            with op.batch_alter_table("users") as batch_op:
                batch_op.add_column(sa.Column("age", sa.Integer()))
                batch_op.alter_column("email", nullable=True)
                batch_op.create_index("ix_users_age", ["age"], unique=False)
                batch_op.drop_column("name")
            """,
        ),
    )
    users = table(result, "users")
    assert list(users.columns) == ["id", "email", "age"]
    assert users.columns["email"].nullable
    assert [i.name for i in users.indexes] == ["ix_users_age"]


# -- indexes and constraints ------------------------------------------------------


def test_index_flag_dropped_by_convention_name() -> None:
    create = 'op.create_table("t", sa.Column("id", sa.Integer, primary_key=True),'
    create += ' sa.Column("code", sa.String(8), index=True, unique=True))'
    first = run(script("r1", None, create))
    code = table(first, "t").columns["code"]
    assert code.index
    assert code.unique
    result = run(
        script("r1", None, create),
        script("r2", "r1", 'op.drop_index(op.f("ix_t_code"), table_name="t")'),
    )
    code = table(result, "t").columns["code"]
    assert not code.index
    assert not code.unique


def test_constraints_created_and_dropped() -> None:
    result = run(
        script("r1", None, USERS),
        script(
            "r2",
            "r1",
            """\
            op.create_unique_constraint("uq_users_email", "users", ["email"])
            op.create_check_constraint("ck_name", "users", "length(name) > 0")
            op.create_foreign_key("fk_self", "users", "users", ["id"], ["id"])
            """,
        ),
        script("r3", "r2", 'op.drop_constraint("ck_name", "users", type_="check")'),
    )
    users = table(result, "users")
    assert [u.name for u in users.uniques] == ["uq_users_email"]
    assert users.checks == []
    assert [fk.name for fk in users.foreign_keys] == ["fk_self"]


def test_drop_unknown_constraint_makes_table_uncertain() -> None:
    result = run(
        script("r1", None, USERS),
        script("r2", "r1", 'op.drop_constraint("mystery", "users")'),
    )
    assert table(result, "users").uncertain is not None
    assert "users" in result.uncertain_tables
    assert [f.code for f in result.findings] == ["STW110"]


# -- branches and merges ------------------------------------------------------------


def test_merge_unions_branches_and_respects_drops() -> None:
    result = run(
        script(
            "base", None, USERS + 'op.create_table("old", sa.Column("id", sa.Integer))'
        ),
        script("left", "base", 'op.add_column("users", sa.Column("a", sa.Integer))'),
        script(
            "right",
            "base",
            'op.add_column("users", sa.Column("b", sa.Integer))\nop.drop_table("old")',
        ),
        script("merge", ("left", "right"), "pass"),
    )
    users = table(result, "users")
    assert set(users.columns) == {"id", "email", "name", "a", "b"}
    assert result.head_schema.get("old") is None
    before_merge = result.schema_before["merge"].get("users")
    assert before_merge is not None
    assert set(before_merge.columns) == {"id", "email", "name", "a", "b"}


def test_two_heads_are_both_applied() -> None:
    result = run(
        script("base", None, USERS),
        script("left", "base", 'op.create_table("a", sa.Column("id", sa.Integer))'),
        script("right", "base", 'op.create_table("b", sa.Column("id", sa.Integer))'),
    )
    assert set(result.head_schema.tables) == {"users", "a", "b"}


def test_schema_before_each_revision() -> None:
    result = run(
        script("r1", None, USERS),
        script("r2", "r1", 'op.add_column("users", sa.Column("age", sa.Integer))'),
        script("r3", "r2", 'op.drop_table("users")'),
    )
    assert result.schema_before["r1"].tables == {}
    before_r2 = result.schema_before["r2"].get("users")
    assert before_r2 is not None
    assert "age" not in before_r2.columns
    before_r3 = result.schema_before["r3"].get("users")
    assert before_r3 is not None
    assert "age" in before_r3.columns
    assert result.head_schema.tables == {}


def test_sibling_branch_is_not_in_schema_before() -> None:
    result = run(
        script("base", None, "pass"),
        script("left", "base", 'op.create_table("a", sa.Column("id", sa.Integer))'),
        script("right", "base", 'op.create_table("b", sa.Column("id", sa.Integer))'),
    )
    assert set(result.schema_before["right"].tables) == set()
    assert set(result.schema_before["left"].tables) == set()


def test_replay_does_not_change_parsed_operations() -> None:
    scripts = [
        script("r1", None, USERS),
        script("r2", "r1", 'op.alter_column("users", "name", nullable=False)'),
    ]
    first = run(*scripts)
    second = run(*scripts)
    created = scripts[0].upgrade.operations[0].table_def
    assert created is not None
    assert created.columns["name"].nullable
    assert not table(first, "users").columns["name"].nullable
    assert not table(second, "users").columns["name"].nullable


# -- history ---------------------------------------------------------------------


def test_history_of_table_and_column() -> None:
    result = run(
        script("r1", None, USERS, message="create users"),
        script(
            "r2",
            "r1",
            'op.alter_column("users", "email", type_=sa.String(320))',
            message="widen email",
        ),
    )
    events = result.history["users.email"]
    assert [(e.revision, e.message, e.operation) for e in events] == [
        ("r1", "create users", "create_table"),
        ("r2", "widen email", "alter_column"),
    ]
    assert events[1].location.path.name == "r2.py"
    assert events[1].location.span.start_line == 11
    assert [e.operation for e in result.history["users"]] == ["create_table"]


# -- raw SQL -------------------------------------------------------------------------


def test_raw_ddl_is_applied() -> None:
    result = run(
        script(
            "r1",
            None,
            """\
            op.execute(
                "CREATE TABLE audit (id INTEGER PRIMARY KEY, note VARCHAR(40) NOT NULL)"
            )
            op.execute(sa.text("ALTER TABLE audit ADD COLUMN actor TEXT"))
            op.execute("CREATE UNIQUE INDEX ix_audit_note ON audit (note)")
            op.execute("ALTER TABLE audit RENAME COLUMN actor TO author")
            op.execute("INSERT INTO audit (note) VALUES ('x')")
            """,
        )
    )
    audit = table(result, "audit")
    assert list(audit.columns) == ["id", "note", "author"]
    assert audit.columns["id"].primary_key
    assert not audit.columns["note"].nullable
    assert audit.columns["note"].type is not None
    assert audit.columns["note"].type.kwarg("length") == 40
    assert [(i.name, i.expressions, i.unique) for i in audit.indexes] == [
        ("ix_audit_note", ("note",), True)
    ]
    assert audit.uncertain is None
    assert result.findings == []
    assert result.uncertain_everywhere is None


def test_raw_sql_not_applied_makes_table_uncertain() -> None:
    result = run(
        script("r1", None, USERS),
        script(
            "r2",
            "r1",
            'op.execute("ALTER TABLE users ENABLE ROW LEVEL SECURITY")',
        ),
    )
    assert "r2" in (table(result, "users").uncertain or "")
    (finding,) = result.findings
    assert finding.code == "STW110"
    assert "r2" in finding.message
    assert "users" in finding.message
    assert finding.location.path.name == "r2.py"
    assert finding.location.span.start_line == 11


def test_raw_constraint_ddl_is_applied() -> None:
    result = run(
        script(
            "r1",
            None,
            USERS
            + 'op.create_table("posts", sa.Column("id", sa.Integer, primary_key=True),'
            + ' sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")))\n'
            + 'op.create_index("ix_posts_user", "posts", ["user_id"])\n',
        ),
        script(
            "r2",
            "r1",
            """\
            op.execute("ALTER TABLE users ADD CONSTRAINT uq_email UNIQUE (email)")
            op.execute("ALTER TABLE users ADD CONSTRAINT ck_id CHECK (id > 0)")
            op.execute("ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey")
            op.execute(
                "ALTER TABLE posts ADD CONSTRAINT fk_author FOREIGN KEY (user_id) "
                "REFERENCES users (id)"
            )
            op.execute("ALTER TABLE users RENAME CONSTRAINT uq_email TO uq_users_email")
            op.execute("ALTER INDEX ix_posts_user RENAME TO ix_posts_author")
            """,
        ),
        dialect="postgresql",
    )
    users = table(result, "users")
    posts = table(result, "posts")
    assert [(u.name, u.columns) for u in users.uniques] == [
        ("uq_users_email", ("email",))
    ]
    assert [c.name for c in users.checks] == ["ck_id"]
    assert posts.columns["user_id"].foreign_keys == []
    assert [(fk.name, fk.referred_table) for fk in posts.foreign_keys] == [
        ("fk_author", "users")
    ]
    assert [i.name for i in posts.indexes] == ["ix_posts_author"]
    assert result.findings == []


def test_implicit_postgresql_names_are_dropped() -> None:
    result = run(
        script(
            "r1",
            None,
            'op.create_table("t", sa.Column("id", sa.Integer, primary_key=True),'
            ' sa.Column("code", sa.String(5), unique=True))',
        ),
        script(
            "r2",
            "r1",
            'op.drop_constraint("t_code_key", "t", type_="unique")\n'
            'op.drop_constraint("t_pkey", "t")',
        ),
    )
    t = table(result, "t")
    assert not t.columns["code"].unique
    assert t.primary_key == ()
    assert result.findings == []


def test_mysql_names_unnamed_foreign_keys() -> None:
    create_posts = (
        'op.create_table("posts", sa.Column("id", sa.Integer, primary_key=True),'
        ' sa.Column("user_id", sa.Integer), sa.Column("editor_id", sa.Integer),'
        ' sa.ForeignKeyConstraint(["user_id"], ["users.id"]),'
        ' sa.ForeignKeyConstraint(["editor_id"], ["users.id"]))'
    )
    result = run(
        script("r1", None, USERS + create_posts),
        script(
            "r2",
            "r1",
            'op.create_foreign_key(None, "posts", "users", ["id"], ["id"])\n'
            'op.drop_constraint("posts_ibfk_1", "posts", type_="foreignkey")',
        ),
        dialect="mysql",
    )
    posts = table(result, "posts")
    assert [(fk.name, fk.columns) for fk in posts.foreign_keys] == [
        ("posts_ibfk_2", ("editor_id",)),
        ("posts_ibfk_3", ("id",)),
    ]
    assert result.findings == []


def test_unreadable_sql_makes_everything_uncertain() -> None:
    result = run(
        script("r1", None, USERS),
        script("r2", "r1", "from app.sql import DDL\nop.execute(DDL)"),
    )
    assert result.uncertain_everywhere is not None
    assert "r2" in result.uncertain_everywhere
    assert [f.code for f in result.findings] == ["STW110"]


def test_dml_and_harmless_statements_change_nothing() -> None:
    result = run(
        script("r1", None, USERS),
        script(
            "r2",
            "r1",
            """\
            op.execute("UPDATE users SET name = 'x'")
            op.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
            op.execute(f"DELETE FROM {'users'}")
            users = sa.table("users", sa.column("name"))
            op.execute(users.delete())
            op.bulk_insert(users, [{"name": "a"}])
            """,
        ),
    )
    assert result.findings == []
    assert result.uncertain_everywhere is None
    assert table(result, "users").uncertain is None


def test_connection_and_type_calls_are_harmless() -> None:
    result = run(
        script("r1", None, USERS),
        script(
            "r2",
            "r1",
            """\
            bind = op.get_bind()
            status = sa.Enum("a", "b", name="status")
            status.create(bind, checkfirst=True)
            sa.Enum("x", name="kind").create(op.get_bind())
            bind.commit()
            op.get_bind().commit()
            bind.exec_driver_sql("UPDATE users SET name = 'x'")
            session = sa.orm.Session(bind=bind)
            session.add(object())
            session.commit()
            """,
        ),
    )
    assert result.findings == []
    assert result.uncertain_everywhere is None


def test_plugin_operation_makes_named_table_uncertain() -> None:
    result = run(
        script("r1", None, USERS),
        script(
            "r2",
            "r1",
            'op.sync_enum_values("public", "status", ["a"], affected="users")\n'
            "op.create_entity(view)",
        ),
    )
    assert table(result, "users").uncertain is not None
    assert result.uncertain_everywhere is None
    assert [f.code for f in result.findings] == ["STW110"]


def test_opaque_call_makes_everything_uncertain() -> None:
    result = run(
        script("r1", None, USERS),
        script("r2", "r1", "from app import migrate\nmigrate()"),
    )
    assert result.uncertain_everywhere is not None
    (finding,) = result.findings
    assert finding.code == "STW110"
    assert finding.location.span.start_line == 12


# -- dialects and broken graphs -----------------------------------------------------


DIALECT_BRANCH = """\
if op.get_bind().dialect.name == "postgresql":
    op.add_column("users", sa.Column("pg_only", sa.Integer))
else:
    op.add_column("users", sa.Column("other", sa.Integer))
"""


def test_dialect_branch_follows_configured_dialect() -> None:
    scripts = [script("r1", None, USERS), script("r2", "r1", DIALECT_BRANCH)]
    on_postgresql = table(run(*scripts, dialect="postgresql"), "users")
    on_sqlite = table(run(*scripts, dialect="sqlite"), "users")
    assert "pg_only" in on_postgresql.columns
    assert "other" not in on_postgresql.columns
    assert "other" in on_sqlite.columns
    assert "pg_only" not in on_sqlite.columns


def test_dialect_branch_without_dialect_is_uncertain() -> None:
    result = run(
        script("r1", None, USERS), script("r2", "r1", DIALECT_BRANCH), dialect=None
    )
    users = table(result, "users")
    assert users.uncertain is not None
    assert "pg_only" not in users.columns
    assert "other" not in users.columns


def test_cycle_replays_the_rest_and_is_uncertain() -> None:
    result = run(
        script("r1", None, USERS),
        script("x", "y", 'op.create_table("a", sa.Column("id", sa.Integer))'),
        script("y", "x", "pass"),
    )
    assert set(result.head_schema.tables) == {"users"}
    assert result.uncertain_everywhere is not None


def test_missing_parent_still_replays() -> None:
    result = run(script("r1", None, USERS), script("r2", "gone", 'op.drop_table("x")'))
    assert "users" in result.head_schema.tables


def test_unchanged_scripts_reuse_the_result() -> None:
    first_script = script("r1", None, USERS)
    second_script = script(
        "r2", "r1", 'op.add_column("users", sa.Column("a", sa.Integer))'
    )
    first = run(first_script, second_script)
    again = run(first_script, second_script)
    assert again is first
    edited = script("r2", "r1", 'op.add_column("users", sa.Column("b", sa.Integer))')
    changed = run(first_script, edited)
    assert changed is not first
    assert "b" in table(changed, "users").columns
    assert "a" not in table(changed, "users").columns


def test_alter_type_add_value_extends_enum() -> None:
    result = run(
        script(
            "r1",
            None,
            """\
            op.create_table(
                "anchors",
                sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("status", sa.Enum("queued", "sent", name="anchor_status")),
            )
            op.execute("ALTER TYPE anchor_status ADD VALUE 'confirmed'")
            op.execute(
                "ALTER TYPE anchor_status ADD VALUE IF NOT EXISTS 'held' BEFORE 'sent'"
            )
            """,
        ),
        dialect="postgresql",
    )

    anchors = table(result, "anchors")
    status = anchors.columns["status"].type
    assert status is not None
    assert status.args == ("queued", "held", "sent", "confirmed")
    assert anchors.uncertain is None
    assert result.uncertain_everywhere is None
