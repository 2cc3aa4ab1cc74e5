"""The engine's lookup: names in sources, symbols, definitions, completion, lenses."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward_lsp.engine.analysis import AnalysisResult, Workspace
from steward_lsp.engine.lookup import definition, references, symbol_at
from steward_lsp.engine.lookup_complete import complete_at
from steward_lsp.engine.lookup_hover import hover_markdown
from steward_lsp.engine.lookup_names import NameKind, find_names
from steward_lsp.engine.lookup_outline import code_lenses, document_symbols

WORKSPACES = Path(__file__).resolve().parents[1] / "workspaces"

REVISION = """\
from alembic import op
import sqlalchemy as sa


def upgrade():
    op.create_table(
        "anchors",
        sa.Column("id", sa.Integer()),
        sa.Column("tx_hash", sa.String(66)),
        sa.UniqueConstraint("tx_hash"),
    )
    op.create_index("ix_a", "anchors", ["tx_hash"])
    op.create_index(index_name="ix_b", table_name="anchors", columns=["id"])
    op.create_foreign_key("fk", "anchors", "documents", ["document_id"], ["id"])
    op.add_column(
        "anchors", sa.Column("memo", sa.Text(), sa.ForeignKey("documents.id"))
    )
    op.rename_table("anchors", "ledger_anchors", schema="audit")
    with op.batch_alter_table("documents") as batch_op:
        batch_op.alter_column("title", new_column_name="heading")
    op.drop_column("anchors", "mem\\x6f")
"""


def _analyse(name: str) -> tuple[Path, AnalysisResult]:
    root = (WORKSPACES / name).resolve()
    return root, Workspace(root).analyze()


def _names(text: str) -> list[tuple[str, str | None, str | None, str]]:
    lines = text.splitlines()
    found = []
    for item in find_names(text):
        span = item.span
        written = lines[span.start_line][span.start_col : span.end_col]
        found.append((item.kind.value, item.table, item.column, written))
    return found


def test_names_in_operations() -> None:
    found = _names(REVISION)

    assert ("table", "anchors", None, "anchors") in found
    assert ("column", "anchors", "id", "id") in found
    assert found.count(("column", "anchors", "tx_hash", "tx_hash")) == 3
    assert ("column", "anchors", "document_id", "document_id") in found
    assert ("column", "documents", "id", "id") in found
    assert ("column", "anchors", "memo", "memo") in found
    assert ("table", "documents", None, "documents") in found
    assert ("table", "audit.ledger_anchors", None, "ledger_anchors") in found
    assert ("column", "documents", "title", "title") in found
    assert ("column", "documents", "heading", "heading") in found


def test_names_skip_escaped_strings() -> None:
    found = _names(REVISION)

    assert all(column != "memo" or written == "memo" for _, _, column, written in found)
    assert ("column", "anchors", "memo", "mem\\x6f") not in found


def test_names_in_models() -> None:
    text = (
        "class Anchor(Base):\n"
        '    __tablename__ = "anchors"\n'
        '    __table_args__ = (UniqueConstraint("tx_hash"), Index("ix", "memo"))\n'
        '    document_id = mapped_column(ForeignKey("audit.documents.id"))\n'
        '    document = relationship("Document")\n'
    )

    found = find_names(text)

    kinds = [(item.kind, item.table, item.column, item.class_name) for item in found]
    assert kinds == [
        (NameKind.TABLE, "anchors", None, None),
        (NameKind.COLUMN, "anchors", "tx_hash", None),
        (NameKind.COLUMN, "anchors", "memo", None),
        (NameKind.TABLE, "audit.documents", None, None),
        (NameKind.COLUMN, "audit.documents", "id", None),
        (NameKind.MODEL, None, None, "Document"),
    ]


def test_names_of_unparsable_text() -> None:
    assert find_names('op.add_column("anchors"') == ()


def test_definition_of_dropped_table() -> None:
    root, result = _analyse("dropped_table")
    path = root / "migrations/versions/0002_drop_access_log.py"
    text = path.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines()) if "drop_table" in t)
    column = text.splitlines()[line].index("access_log")

    symbol = symbol_at(result, path, text, line, column)

    assert symbol is not None
    assert symbol.table == "access_log"
    details = [event.detail for event in symbol.history()]
    assert details[:2] == ["created", "dropped"]
    assert "dropped in `0002`" in hover_markdown(symbol)
    assert definition(symbol)[0].path == root / "models.py"


def test_references_of_renamed_table() -> None:
    root, result = _analyse("rename_table_column")
    path = root / "migrations/versions/0002_rename_people_to_contacts.py"
    text = path.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines()) if "rename_table(" in t)
    column = text.splitlines()[line].index('"contacts"') + 1

    symbol = symbol_at(result, path, text, line, column)

    assert symbol is not None
    assert symbol.table == "contacts"
    assert "renamed from people" in hover_markdown(symbol)
    found = references(symbol, lambda p: p.read_text(encoding="utf-8"))
    revision_hits = [location for location in found if location.path == path]
    assert len(revision_hits) == text.count('"contacts"')


def test_lenses_of_merge_graph() -> None:
    root, result = _analyse("merge_revisions")
    versions = root / "migrations/versions"

    titles = {
        path.name[:4]: [lens.title for lens in code_lenses(result, path)]
        for path in versions.glob("*.py")
    }

    assert titles["0001"] == ["revision 1 of 4 · base · branch point"]
    assert titles["0004"] == ["revision 4 of 4 · merge · head"]


def test_document_symbols_of_merge() -> None:
    root, result = _analyse("merge_revisions")
    path = root / "migrations/versions/0004_merge_projects_and_region.py"

    symbols = document_symbols(result, path)

    assert [symbol.name for symbol in symbols] == ["upgrade", "downgrade"]
    for symbol in symbols:
        assert all(child.span >= symbol.span for child in symbol.children)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param('op.drop_table("', {"members", "access_log"}, id="table"),
        pytest.param('op.drop_column("members", "', {"id", "name"}, id="column"),
        pytest.param('op.drop_column(column_name="', None, id="column without table"),
        pytest.param(
            'with op.batch_alter_table("members") as batch_op:\n'
            '    batch_op.drop_column("',
            {"id", "name"},
            id="batch",
        ),
        pytest.param(
            'op.add_column("members", sa.Column("', {"id", "name"}, id="new column"
        ),
        pytest.param(
            'with op.batch_alter_table("members") as batch_op:\n'
            '    batch_op.add_column(sa.Column("',
            {"id", "name"},
            id="new batch column",
        ),
        pytest.param('sa.Column("', None, id="column outside an operation"),
        pytest.param('ForeignKey("members.', {"id", "name"}, id="foreign key"),
        pytest.param('relationship("', {"Member", "AccessLog"}, id="relationship"),
        pytest.param('# op.drop_table("', None, id="comment"),
        pytest.param('op.drop_table("members", "', None, id="schema argument"),
        pytest.param('"""op.drop_table("""\nop.drop_table(', None, id="no string"),
        pytest.param(
            '"""Docstring with "quotes"."""\nop.drop_table("',
            {"members", "access_log"},
            id="after docstring",
        ),
    ],
)
def test_complete_at(typed: str, expected: set[str] | None) -> None:
    _, result = _analyse("dropped_table")
    environment = result.environments[0]
    lines = typed.split("\n")

    found = complete_at(
        environment, typed + "\nrest = 1\n", len(lines) - 1, len(lines[-1])
    )

    labels = {item.label for item in found.items} if found else None
    assert labels == expected


def test_complete_replaces_typed_prefix() -> None:
    _, result = _analyse("dropped_table")
    typed = 'x = ForeignKey("members.na'

    found = complete_at(result.environments[0], typed, 0, len(typed))

    assert found is not None
    assert found.start_column == len(typed) - 2


@pytest.mark.parametrize(
    ("fragment", "offset", "expected"),
    [
        pytest.param('"members",', 3, ("members", None), id="table"),
        pytest.param('sa.Column("seen_at"', 12, ("access_log", "seen_at"), id="column"),
    ],
)
def test_symbol_in_unparsed_buffer(
    fragment: str, offset: int, expected: tuple[str, str | None]
) -> None:
    root, result = _analyse("dropped_table")
    path = root / "migrations/versions/0001_create_members_and_access_log.py"
    text = path.read_text(encoding="utf-8") + '\n    op.add_column("mem\n'
    line = next(n for n, t in enumerate(text.splitlines()) if fragment in t)
    column = text.splitlines()[line].index(fragment) + offset

    symbol = symbol_at(result, path, text, line, column)

    assert symbol is not None
    assert (symbol.table, symbol.column) == expected
    assert symbol.history()


def test_hover_of_altered_column() -> None:
    root, result = _analyse("batch_alter_table")
    path = root / "migrations/versions/0002_add_avatar_and_require_bio.py"
    text = path.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines()) if 'alter_column("bio"' in t)
    column = text.splitlines()[line].index('"bio"') + 1

    symbol = symbol_at(result, path, text, line, column)

    assert symbol is not None
    assert (symbol.table, symbol.column) == ("profiles", "bio")
    markdown = hover_markdown(symbol)
    assert "- altered (NOT NULL) in `0002`" in markdown
    assert "At head: `Text`, NOT NULL." in markdown
