"""Safety rules on revision files read by the real revision parser."""

from __future__ import annotations

import textwrap
from pathlib import Path

from rule_builders import context

from steward_lsp.engine.config import Settings
from steward_lsp.engine.revision_parser import parse_revision
from steward_lsp.engine.rules import apply_ignores, run_rules

HEADER = """\
from alembic import op
import sqlalchemy as sa

revision = "3f2a"
down_revision = None
"""


def parse(body: str, tmp_path: Path):
    text = HEADER + textwrap.dedent(body)
    path = tmp_path / "3f2a_change.py"
    return parse_revision(path, text), text


def findings_of(body: str, tmp_path: Path) -> list[tuple[str, int]]:
    script, text = parse(body, tmp_path)
    found = run_rules(context(scripts=[script]))
    kept = apply_ignores(found, {script.path: text}, Settings(), tmp_path)
    return sorted((f.code, f.location.span.start_line) for f in kept)


def test_missing_downgrade(tmp_path):
    body = """
    def upgrade():
        op.add_column("documents", sa.Column("title", sa.String(200)))
    """
    assert findings_of(body, tmp_path) == [("STW301", 3)]


def test_empty_downgrade_on_def_line(tmp_path):
    body = """
    def upgrade():
        op.create_table("tags", sa.Column("id", sa.Integer, primary_key=True))


    def downgrade():
        pass
    """
    assert findings_of(body, tmp_path) == [("STW301", 10)]


def test_full_revision(tmp_path):
    body = """
    def upgrade():
        op.add_column("documents", sa.Column("title", sa.String(200), nullable=False))
        op.create_index(op.f("ix_documents_title"), "documents", ["title"])
        with op.batch_alter_table("documents") as batch_op:
            batch_op.alter_column("body", type_=sa.String(50), existing_type=sa.Text())
        op.execute("UPDATE documents SET title = ''")
        op.drop_table("legacy")


    def downgrade():
        op.drop_index(op.f("ix_documents_title"), table_name="documents")
    """
    assert findings_of(body, tmp_path) == [
        ("STW302", 7),  # add_column title not dropped
        ("STW302", 10),  # alter_column body not restored
        ("STW302", 12),  # drop_table legacy not recreated
        ("STW303", 10),  # String(50) from Text
        ("STW303", 12),  # drop_table
        ("STW304", 7),  # NOT NULL without server default
        ("STW305", 11),  # execute without counterpart
    ]


def test_clean_reversible_revision(tmp_path):
    body = """
    def upgrade():
        op.add_column(
            "documents",
            sa.Column("title", sa.String(200), nullable=False, server_default=""),
        )
        op.create_index(op.f("ix_documents_title"), "documents", ["title"])


    def downgrade():
        op.drop_index(op.f("ix_documents_title"), table_name="documents")
        op.drop_column("documents", "title")
    """
    assert findings_of(body, tmp_path) == []


def test_inline_ignore_on_op_line(tmp_path):
    body = """
    def upgrade():
        op.drop_table("legacy")  # steward: ignore[STW303, STW302]


    def downgrade():
        op.execute("SELECT 1")
    """
    assert findings_of(body, tmp_path) == []


def test_postgresql_locks_through_parser(tmp_path):
    body = """
    def upgrade():
        op.create_index("ix_documents_title", "documents", ["title"])
        with op.get_context().autocommit_block():
            op.create_index(
                "ix_documents_body", "documents", ["body"],
                postgresql_concurrently=True,
            )
        op.create_foreign_key(
            "fk_doc_tenant", "documents", "tenants", ["tenant_id"], ["id"],
            postgresql_not_valid=True,
        )
        op.create_foreign_key(
            "fk_doc_owner", "documents", "users", ["owner_id"], ["id"]
        )


    def downgrade():
        op.drop_constraint("fk_doc_owner", "documents", type_="foreignkey")
        op.drop_constraint("fk_doc_tenant", "documents", type_="foreignkey")
        op.drop_index("ix_documents_body", table_name="documents")
        op.drop_index("ix_documents_title", table_name="documents")
    """
    script, _ = parse(body, tmp_path)
    found = run_rules(context(scripts=[script], dialect="postgresql"))
    assert sorted((f.code, f.location.span.start_line) for f in found) == [
        ("STW306", 7),
        ("STW306", 17),
    ]


def test_connection_backfill_and_wording(tmp_path):
    body = """
    def upgrade():
        op.add_column("documents", sa.Column("title", sa.String(200)))
        conn = op.get_bind()
        conn.execute(sa.text("UPDATE documents SET title = ''"))
        conn.execute(sa.text("UPDATE documents SET body = ''"))


    def downgrade():
        op.drop_column("documents", "title")
    """
    script, _ = parse(body, tmp_path)
    found = run_rules(context(scripts=[script]))
    assert [(f.code, f.location.span.start_line) for f in found] == [("STW305", 10)]
    assert "op.execute" not in found[0].message


CORE_BACKFILL = """
def upgrade():
    op.add_column("teams", sa.Column("captain_id", sa.Integer()))
    teams = sa.table("teams", sa.column("id"), sa.column("captain_id"))
    connection = op.get_bind()
    connection.execute(teams.update().values(captain_id=1))
    op.execute(sa.update(teams).where(teams.c.id == 1).values({"captain_id": 2}))


def downgrade():
    {downgrade}
"""


def test_core_update_backfill_needs_no_counterpart(tmp_path):
    body = CORE_BACKFILL.replace("{downgrade}", 'op.drop_column("teams", "captain_id")')
    assert findings_of(body, tmp_path) == []


def test_core_update_of_kept_column_reported(tmp_path):
    kept = 'op.alter_column("teams", "captain_id", nullable=True)'
    body = CORE_BACKFILL.replace("{downgrade}", kept)
    codes = [code for code, _ in findings_of(body, tmp_path)]
    assert codes.count("STW305") == 2


def test_staging_table_and_column_need_no_undo(tmp_path):
    upgrade = """
    def upgrade():
        op.create_table("tmp_imports", sa.Column("id", sa.Integer, primary_key=True))
        op.add_column("tmp_imports", sa.Column("source", sa.Text()))
        op.alter_column("tmp_imports", "source", new_column_name="origin")
        op.drop_column("tmp_imports", "origin")
        op.drop_table("tmp_imports")
        op.add_column("documents", sa.Column("scratch", sa.Text()))
        op.alter_column("documents", "scratch", new_column_name="scratch_2")
        op.drop_column("documents", "scratch_2")
        op.add_column("documents", sa.Column("kept", sa.Text()))
        op.add_column("documents", sa.Column("also_kept", sa.Text()))


    def downgrade():
        op.drop_column("documents", "kept")
    """

    found = findings_of(upgrade, tmp_path)

    # What upgrade creates and drops again needs no undo and loses no rows of
    # earlier revisions; only the column it keeps and downgrade leaves is due.
    assert found == [("STW302", 16)]


def test_drop_of_existing_table_still_loses_rows(tmp_path):
    body = """
    def upgrade():
        op.add_column("documents", sa.Column("scratch", sa.Text()))
        op.drop_table("documents")


    def downgrade():
        op.create_table("documents", sa.Column("id", sa.Integer, primary_key=True))
        op.drop_column("documents", "scratch")
    """
    found = findings_of(body, tmp_path)

    assert ("STW303", 8) in found
