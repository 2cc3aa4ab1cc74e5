"""What author-migration writes for particular drift, run in-process.

Each test gives the shop project other models (and sometimes another
revision), runs the generator without the round trip and checks the
operations in the revision text and the notes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from author_support import PROJECTS, copy_project

from steward_lsp.engine.analysis import Workspace
from steward_lsp.engine.generate import GenerateError, GenerateRequest, GenerateResult
from steward_lsp.engine.generate.author import NO_DRIFT, generate

HEADER = """\
from __future__ import annotations

from sqlalchemy import Index, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class LegacyToken(Base):
    __tablename__ = "legacy_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64))

"""

# The accounts table as the shop's revision builds it.
HEAD_ACCOUNTS = """
class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255))
    display: Mapped[str] = mapped_column(String(100))
    nickname: Mapped[str | None] = mapped_column(String(40))
"""

RAW_SQL_REVISION = '''\
"""touch accounts by hand"""
from alembic import op

revision = "77aa00bb11cc"
down_revision = "1f0c8e2a9b3d"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE accounts INHERIT legacy_tokens")


def downgrade():
    pass
'''


def _run(
    tmp_path: Path, models: str, url: str = "sqlite:///shop.db", **options: Any
) -> tuple[GenerateResult, str]:
    root = copy_project(PROJECTS / "shop", tmp_path / "shop", url)
    (root / "shop" / "models.py").write_text(HEADER + models)
    for name, text in options.pop("revisions", {}).items():
        (root / "migrations" / "versions" / name).write_text(text)
    analysis = Workspace(root).analyze()
    request = GenerateRequest(
        root, analysis, {"message": "change", "no_round_trip": True, **options}
    )
    result = generate(request)
    text = result.files[0].text if result.files else ""
    return result, text


def _accounts(*lines: str) -> str:
    body = "\n".join(f"    {line}" for line in lines)
    return (
        '\nclass Account(Base):\n    __tablename__ = "accounts"\n\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n" + body + "\n"
    )


def test_no_drift_gives_no_files(tmp_path: Path) -> None:
    result, _ = _run(tmp_path, HEAD_ACCOUNTS)

    assert result.files == []
    assert result.summary == NO_DRIFT
    assert result.failed is False


def test_two_renames_of_distinct_types(tmp_path: Path) -> None:
    models = _accounts(
        "contact: Mapped[str] = mapped_column(String(255))",
        "title: Mapped[str] = mapped_column(String(100))",
        "nickname: Mapped[str | None] = mapped_column(String(40))",
    )

    result, text = _run(tmp_path, models)

    assert "batch_op.alter_column('email'" in text
    assert "new_column_name='contact'" in text
    assert "batch_op.alter_column('display'" in text
    assert "new_column_name='title'" in text
    assert "batch_op.drop_column" not in text.split("def downgrade")[0]
    assert sum("probable rename" in note for note in result.notes) == 2


def test_ambiguous_rename_drops_and_adds(tmp_path: Path) -> None:
    models = _accounts(
        "email: Mapped[str] = mapped_column(String(255))",
        "first: Mapped[str | None] = mapped_column(String(100))",
        "second: Mapped[str | None] = mapped_column(String(100))",
        "nickname: Mapped[str | None] = mapped_column(String(40))",
    )

    result, text = _run(tmp_path, models)

    upgrade = text.split("def downgrade")[0]
    assert "new_column_name" not in upgrade
    assert "batch_op.drop_column('display')" in upgrade
    assert "batch_op.add_column(sa.Column('first'" in upgrade
    assert "batch_op.add_column(sa.Column('second'" in upgrade


def test_unbuildable_type_noted(tmp_path: Path) -> None:
    models = "from shop.money import Money\n" + _accounts(
        "email: Mapped[str] = mapped_column(String(255))",
        "display: Mapped[str] = mapped_column(String(100))",
        "nickname: Mapped[str | None] = mapped_column(String(40))",
        "price: Mapped[int | None] = mapped_column(Money())",
        "note: Mapped[str | None] = mapped_column(String(80))",
    )

    result, text = _run(tmp_path, models)

    assert "'price'" not in text
    assert "batch_op.add_column(sa.Column('note'" in text
    assert any(
        "accounts.price" in note and "write this change by hand" in note
        for note in result.notes
    )


def test_partial_index_keeps_where(tmp_path: Path) -> None:
    models = HEAD_ACCOUNTS + (
        "    __table_args__ = (\n"
        '        Index("ix_accounts_nick", "nickname",\n'
        '              postgresql_where=text("nickname IS NOT NULL")),\n'
        "    )\n"
    )
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/shop"

    _, text = _run(tmp_path, models, url)

    assert (
        "op.create_index('ix_accounts_nick', 'accounts', ['nickname'], "
        "unique=False, postgresql_concurrently=True, "
        "postgresql_where=sa.text('nickname IS NOT NULL'))"
    ) in text


def test_uncertain_table_gets_note(tmp_path: Path) -> None:
    models = _accounts(
        "email: Mapped[str] = mapped_column(String(320))",
        "display: Mapped[str] = mapped_column(String(100))",
        "nickname: Mapped[str | None] = mapped_column(String(40))",
    ) + (
        '\n\nclass Tag(Base):\n    __tablename__ = "tags"\n\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    )

    result, text = _run(
        tmp_path, models, revisions={"77aa00bb11cc_touch.py": RAW_SQL_REVISION}
    )

    assert "op.create_table('tags'" in text
    assert "accounts" not in text.split("def upgrade")[1]
    assert any(
        note.startswith("table accounts: no operations") for note in result.notes
    )


def test_seed_stub_lists_added_columns(tmp_path: Path) -> None:
    models = _accounts(
        "email: Mapped[str] = mapped_column(String(255))",
        "display: Mapped[str] = mapped_column(String(100))",
        "nickname: Mapped[str | None] = mapped_column(String(40))",
        "region: Mapped[str] = mapped_column(String(8))",
        "referrer: Mapped[str | None] = mapped_column(String(40))",
    )

    result, _ = _run(tmp_path, models, seed=True)

    seed = result.files[1]
    assert seed.path.parent.name == "seeds"
    # The stub is the user's to edit, so it carries no mark to overwrite by.
    assert seed.marked is False
    assert "_fill(connection, 'accounts', 'referrer', None)" in seed.text
    # A NOT NULL column is backfilled inside the revision, not by the stub.
    assert "'region'" not in seed.text


def test_message_required(tmp_path: Path) -> None:
    root = copy_project(PROJECTS / "shop", tmp_path / "shop", "sqlite:///shop.db")
    request = GenerateRequest(root, Workspace(root).analyze(), {"message": "  "})

    with pytest.raises(GenerateError, match="-m MESSAGE"):
        generate(request)


def test_first_revision_has_no_parent(tmp_path: Path) -> None:
    root = copy_project(PROJECTS / "shop", tmp_path / "shop", "sqlite:///shop.db")
    (root / "migrations" / "versions" / "1f0c8e2a9b3d_create_accounts.py").unlink()
    request = GenerateRequest(
        root, Workspace(root).analyze(), {"message": "init", "no_round_trip": True}
    )

    result = generate(request)

    text = result.files[0].text
    assert "down_revision: Union[str, Sequence[str], None] = None" in text
    assert "op.create_table('accounts'" in text
    assert "op.create_table('tenants'" in text
    assert text.index("create_table('tenants'") < text.index("create_table('accounts'")


BRANCH_REVISION = '''\
"""a second branch"""
import sqlalchemy as sa
from alembic import op

revision = "5e5e5e5e5e5e"
down_revision = "1f0c8e2a9b3d"
branch_labels = ("side",)
depends_on = None


def upgrade():
    op.create_table("tags", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table("tags")
'''


def _shop_request(root: Path, **options: Any) -> GenerateRequest:
    analysis = Workspace(root).analyze()
    return GenerateRequest(
        root, analysis, {"message": "change", "no_round_trip": True, **options}
    )


def test_allowed_branches_rejected(tmp_path: Path) -> None:
    root = copy_project(PROJECTS / "shop", tmp_path / "shop", "sqlite:///shop.db")
    versions = root / "migrations" / "versions"
    (versions / "5e5e5e5e5e5e_side.py").write_text(BRANCH_REVISION)
    other = BRANCH_REVISION.replace("5e5e5e5e5e5e", "6f6f6f6f6f6f")
    other = other.replace('"side"', '"other"').replace('"tags"', '"labels"')
    (versions / "6f6f6f6f6f6f_other.py").write_text(other)
    (root / "pyproject.toml").write_text("[tool.steward]\nallowed_heads = 2\n")

    with pytest.raises(GenerateError, match="allowed_heads or head_branches"):
        generate(_shop_request(root))


def test_post_write_hooks_noted(tmp_path: Path) -> None:
    root = copy_project(PROJECTS / "shop", tmp_path / "shop", "sqlite:///shop.db")
    with (root / "alembic.ini").open("a") as ini:
        ini.write("\n[post_write_hooks]\nhooks = ruff\nruff.type = exec\n")

    result = generate(_shop_request(root))

    assert any("post_write_hooks (ruff)" in note for note in result.notes)


def test_round_trip_postgresql_on_sqlite_noted(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/shop"
    root = copy_project(PROJECTS / "shop", tmp_path / "shop", url)
    request = GenerateRequest(root, Workspace(root).analyze(), {"message": "x"})

    result = generate(request)

    folders = sorted(file.path.parent.name for file in result.files)
    assert folders == ["migrations", "versions"]
    [note] = [n for n in result.notes if n.startswith("round trip: ")]
    assert "the project targets postgresql but this run used sqlite" in note
    assert "set the scratch_url setting or STEWARD_SCRATCH_URL" in note
    [report] = [f for f in result.files if f.path.parent.name == "migrations"]
    assert note.removeprefix("round trip: ") in report.text
    assert result.failed == ("**Result: failed.**" in report.text)


def test_intended_branch_head_not_merged(tmp_path: Path) -> None:
    root = copy_project(PROJECTS / "shop", tmp_path / "shop", "sqlite:///shop.db")
    # A plugin chain: its own base revision, labelled, listed in head_branches.
    plugin = BRANCH_REVISION.replace(
        'down_revision = "1f0c8e2a9b3d"', "down_revision = None"
    )
    (root / "migrations" / "versions" / "5e5e5e5e5e5e_side.py").write_text(plugin)
    (root / "pyproject.toml").write_text('[tool.steward]\nhead_branches = ["side"]\n')

    result = generate(_shop_request(root))

    text = result.files[0].text
    assert "down_revision: Union[str, Sequence[str], None] = '1f0c8e2a9b3d'" in text
    assert not any("merges the heads" in note for note in result.notes)


def test_rename_to_not_null_noted(tmp_path: Path) -> None:
    models = _accounts(
        "email: Mapped[str] = mapped_column(String(255))",
        "display: Mapped[str] = mapped_column(String(100))",
        "alias: Mapped[str] = mapped_column(String(40))",
    )

    _, text = _run(tmp_path, models)

    upgrade = text.split("def downgrade")[0]
    assert "new_column_name='alias'" in upgrade
    assert "# Rows where nickname IS NULL make this fail; give them a value." in upgrade
    assert "nullable=False" in upgrade


def test_table_rewriting_type_change_noted(tmp_path: Path) -> None:
    models = _accounts(
        "email: Mapped[str] = mapped_column(String(255))",
        "display: Mapped[str] = mapped_column(String(300))",
        "nickname: Mapped[int | None] = mapped_column()",
    )

    result, text = _run(tmp_path, models, url="postgresql://db.invalid/shop")

    assert "op.alter_column('accounts', 'nickname'" in text
    rewrites = [note for note in result.notes if "STW306" in note]
    # A longer VARCHAR does not rewrite the table; VARCHAR to INTEGER does.
    assert len(rewrites) == 1, result.notes
    assert rewrites[0].startswith("column accounts.nickname changes type")
