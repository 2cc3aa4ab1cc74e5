"""All rules on small projects read by the real parsers, discovery and replay."""

from __future__ import annotations

import textwrap
from pathlib import Path

from steward_lsp.engine.analysis import Workspace

ALEMBIC_INI = """\
[alembic]
script_location = migrations
prepend_sys_path = .
sqlalchemy.url = {url}
"""

ENV_PY = """\
from alembic import context

from models import Base

target_metadata = Base.metadata


def run_migrations_online():
    context.configure(
        connection=None,
        target_metadata=target_metadata,
        compare_server_default={compare_server_default},
    )
"""

MODELS_HEADER = """\
from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass
"""

REVISION_HEADER = '''\
"""{message}"""
from alembic import op
import sqlalchemy as sa

revision = "{revision}"
down_revision = {down_revision!r}
'''


def write_project(
    root: Path,
    models: str,
    revisions: list[tuple[str, str | None, str]],
    url: str = "sqlite:///app.db",
    compare_server_default: bool = False,
) -> None:
    """Write alembic.ini, env.py, models.py and one file per revision."""
    (root / "alembic.ini").write_text(ALEMBIC_INI.format(url=url))
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(
        ENV_PY.format(compare_server_default=compare_server_default)
    )
    (root / "models.py").write_text(MODELS_HEADER + textwrap.dedent(models))
    for revision, down_revision, body in revisions:
        header = REVISION_HEADER.format(
            message=f"revision {revision}",
            revision=revision,
            down_revision=down_revision,
        )
        (versions / f"{revision}_change.py").write_text(header + textwrap.dedent(body))


def findings(root: Path) -> list[tuple[str, str, int]]:
    """Return (file name, code, 1-based line) of every finding, sorted."""
    result = Workspace(root).analyze()
    assert result.problems == []
    return sorted(
        (f.location.path.name, f.code, f.location.span.start_line + 1)
        for f in result.all_findings()
    )


CREATE_DOCUMENTS = """
def upgrade():
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column(
            "state", sa.String(length=10), server_default="draft", nullable=False
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_documents_title"), "documents", ["title"])


def downgrade():
    op.drop_index(op.f("ix_documents_title"), table_name="documents")
    op.drop_table("documents")
"""

DOCUMENTS_MODEL = """

class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String({length}), index=True)
    state: Mapped[str] = mapped_column(String(10), server_default="{state}")
"""


def test_models_matching_head_are_clean(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        DOCUMENTS_MODEL.format(length=100, state="draft"),
        [("0001", None, CREATE_DOCUMENTS)],
        compare_server_default=True,
    )
    assert findings(tmp_path) == []


def test_type_and_default_drift_on_model_lines(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        DOCUMENTS_MODEL.format(length=200, state="final"),
        [("0001", None, CREATE_DOCUMENTS)],
        compare_server_default=True,
    )
    assert findings(tmp_path) == [
        ("models.py", "STW105", 13),
        ("models.py", "STW109", 14),
    ]


def test_server_default_ignored_unless_compared(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        DOCUMENTS_MODEL.format(length=100, state="final"),
        [("0001", None, CREATE_DOCUMENTS)],
    )
    assert findings(tmp_path) == []


def test_column_added_without_model(tmp_path: Path) -> None:
    add_legacy = """
    def upgrade():
        op.add_column("documents", sa.Column("legacy", sa.Integer()))


    def downgrade():
        op.drop_column("documents", "legacy")
    """
    write_project(
        tmp_path,
        DOCUMENTS_MODEL.format(length=100, state="draft"),
        [("0001", None, CREATE_DOCUMENTS), ("0002", "0001", add_legacy)],
    )
    result = Workspace(tmp_path).analyze()
    found = result.all_findings()
    assert [(f.code, f.location.span.start_line + 1) for f in found] == [("STW104", 9)]
    related = found[0].related[0]
    assert related.location.path.name == "0002_change.py"
    assert related.location.span.start_line + 1 == 9
    assert "revision 0002" in related.message


def test_ledger_and_foreign_key_rules(tmp_path: Path) -> None:
    models = """

    class Tenant(Base):
        __tablename__ = "tenants"

        id: Mapped[int] = mapped_column(primary_key=True)


    class Anchor(Base):
        __tablename__ = "anchors"

        id: Mapped[int] = mapped_column(primary_key=True)
        tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
        tx_hash: Mapped[str] = mapped_column(String(66))
        chain_id: Mapped[str] = mapped_column(String(32))
    """
    create = """
    def upgrade():
        op.create_table("tenants", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_table(
            "anchors",
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("tenant_id", sa.Integer(), sa.ForeignKey("tenants.id"),
                      nullable=False),
            sa.Column("tx_hash", sa.String(66), nullable=False),
            sa.Column("chain_id", sa.String(32), nullable=False),
        )


    def downgrade():
        op.drop_table("anchors")
        op.drop_table("tenants")
    """
    write_project(tmp_path, models, [("0001", None, create)])
    assert findings(tmp_path) == [
        ("models.py", "STW201", 20),
        ("models.py", "STW202", 19),
    ]


def test_locks_reported_for_postgresql_project(tmp_path: Path) -> None:
    add_index = """
    def upgrade():
        op.create_index("ix_documents_state", "documents", ["state"])


    def downgrade():
        op.drop_index("ix_documents_state", table_name="documents")
    """
    models = DOCUMENTS_MODEL.format(length=100, state="draft").replace(
        "String(10), server_default", "String(10), index=True, server_default"
    )
    write_project(
        tmp_path,
        models,
        [("0001", None, CREATE_DOCUMENTS), ("0002", "0001", add_index)],
        url="postgresql://localhost/app",
    )
    assert findings(tmp_path) == [("0002_change.py", "STW306", 9)]


def test_unparsed_model_file_holds_back_drift(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        DOCUMENTS_MODEL.format(length=100, state="draft") + "\nclass Broken(:\n",
        [("0001", None, CREATE_DOCUMENTS)],
    )

    found = findings(tmp_path)

    assert [code for _, code, _ in found] == ["STW001"]
    assert found[0][0] == "models.py"


def test_model_file_parsing_again_restores_drift(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        DOCUMENTS_MODEL.format(length=200, state="draft"),
        [("0001", None, CREATE_DOCUMENTS)],
    )
    workspace = Workspace(tmp_path)
    models = tmp_path / "models.py"
    text = models.read_text()

    workspace.set_document(models, text + "\nclass Broken(:\n")
    broken = {f.code for f in workspace.analyze().all_findings()}
    workspace.set_document(models, text)
    repaired = {f.code for f in workspace.analyze().all_findings()}

    assert broken == {"STW001"}
    assert "STW105" in repaired
    assert "STW001" not in repaired


def test_broken_helper_module_keeps_drift(tmp_path: Path) -> None:
    # The helper declares no table, so its syntax error cannot hide one.
    model = DOCUMENTS_MODEL.format(length=200, state="draft")
    write_project(
        tmp_path,
        model.replace("class Document(Base):", "class Document(Stamped, Base):"),
        [("0001", None, CREATE_DOCUMENTS)],
    )
    models = tmp_path / "models.py"
    models.write_text("from helpers import Stamped\n" + models.read_text())
    (tmp_path / "helpers.py").write_text("class Stamped:\n    def f(:\n        pass\n")

    codes = {(name, code) for name, code, _ in findings(tmp_path)}

    assert ("helpers.py", "STW001") in codes
    assert ("models.py", "STW105") in codes
