"""A warm Workspace reads every change on disk despite its read and type caches."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from test_rules_workspace import CREATE_DOCUMENTS, DOCUMENTS_MODEL, write_project

from steward_lsp.engine.analysis import Workspace
from steward_lsp.engine.rules.type_compare import compare_types
from steward_lsp.engine.schema import TypeSpec

WORKSPACES = Path(__file__).resolve().parents[2] / "workspaces"

HOUR_AGO_NS = 3_600_000_000_000


def codes(workspace: Workspace) -> list[str]:
    """Return the codes of every finding of a fresh analysis."""
    return [finding.code for finding in workspace.analyze().all_findings()]


def write_models(root: Path, length: int, state: str, mtime_ns: int) -> None:
    """Write models.py and give it the modification time ``mtime_ns``."""
    path = root / "models.py"
    header = path.read_text(encoding="utf-8").split("\n\nclass Document")[0]
    path.write_text(header + DOCUMENTS_MODEL.format(length=length, state=state))
    os.utime(path, ns=(mtime_ns, mtime_ns))


def project(root: Path) -> tuple[Workspace, int]:
    """Write a clean project with an hour-old models.py and analyse it once."""
    write_project(
        root,
        DOCUMENTS_MODEL.format(length=100, state="draft"),
        [("0001", None, CREATE_DOCUMENTS)],
        compare_server_default=True,
    )
    old = os.stat(root / "models.py").st_mtime_ns - HOUR_AGO_NS
    write_models(root, 100, "draft", old)
    workspace = Workspace(root)
    assert codes(workspace) == []
    return workspace, old


def test_reread_on_new_mtime(tmp_path: Path) -> None:
    workspace, old = project(tmp_path)
    write_models(tmp_path, 200, "draft", old + 1_000_000_000)
    assert codes(workspace) == ["STW105"]


def test_reread_on_new_size(tmp_path: Path) -> None:
    workspace, old = project(tmp_path)
    write_models(tmp_path, 100, "published", old)
    assert codes(workspace) == ["STW109"]


def test_reread_recent_file_at_same_stat(tmp_path: Path) -> None:
    workspace, _ = project(tmp_path)
    now = os.stat(tmp_path / "models.py").st_ctime_ns
    write_models(tmp_path, 100, "draft", now)
    assert codes(workspace) == []
    # Rewritten within the same timestamp at the same size: a cache keyed by
    # (mtime, size) alone would miss this edit.
    write_models(tmp_path, 200, "draft", now)
    assert codes(workspace) == ["STW105"]


def test_repeated_type_comparison_is_equal() -> None:
    model, head = TypeSpec("String", (100,)), TypeSpec("String", (200,))
    first = compare_types(model, head, "sqlite")
    assert first is not None and first.differs
    assert compare_types(model, head, "sqlite") == first
    same = compare_types(TypeSpec("String", (200,)), head, "sqlite")
    assert same is not None and not same.differs


def test_unhashable_type_is_compared() -> None:
    # Enum accepts unknown keywords, and a list value makes the spec unhashable.
    model = TypeSpec("Enum", ("a", "b"), (("info_list", [1]),))
    head = TypeSpec("Enum", ("a", "bb"))
    for _ in range(2):
        result = compare_types(model, head, "sqlite")
        assert result is not None
        assert (result.differs, result.model_ddl, result.head_ddl) == (
            True,
            "VARCHAR(1)",
            "VARCHAR(2)",
        )


RECEIPT_MODEL = """\
from sqlalchemy.orm import Mapped, mapped_column

from models import Base


class Receipt(Base):
    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
"""


def test_save_without_new_imports_keeps_discovery(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(WORKSPACES / "extra_column_at_head", root)
    models = root / "models.py"
    workspace = Workspace(root)
    workspace.analyze()
    workspace.file_changed(models)
    discovered = workspace.environments()

    models.write_text(models.read_text() + "\n# a comment\n", encoding="utf-8")
    workspace.file_changed(models)

    assert workspace.environments() is discovered


def test_save_with_new_model_class_rediscovers(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(WORKSPACES / "extra_column_at_head", root)
    # env.py reaches only the base, and no module imports the model modules,
    # so discovery finds them by scanning for subclasses of that base.
    models = root / "models.py"
    text = models.read_text(encoding="utf-8")
    base, _, order = text.partition("class Order(Base):")
    models.write_text(base, encoding="utf-8")
    (root / "orders.py").write_text(
        base.replace(
            "class Base(DeclarativeBase):\n    pass\n", "from models import Base\n"
        )
        + "class Order(Base):"
        + order,
        encoding="utf-8",
    )
    receipts = root / "receipts.py"
    receipts.write_text("def total() -> int:\n    return 0\n", encoding="utf-8")
    workspace = Workspace(root)
    before = workspace.analyze()
    workspace.file_changed(receipts)
    workspace.analyze()

    receipts.write_text(RECEIPT_MODEL, encoding="utf-8")
    workspace.file_changed(receipts)
    after = workspace.analyze()

    assert "receipts.py" not in {f.location.path.name for f in before.all_findings()}
    codes = {(f.code, f.location.path.name) for f in after.all_findings()}
    assert ("STW101", "receipts.py") in codes


def test_unparsed_revision_holds_back_drift(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(WORKSPACES / "extra_column_at_head", root)
    revision = root / "migrations" / "versions" / "0002_add_legacy_code.py"
    text = revision.read_text(encoding="utf-8")
    revision.write_text(
        text.replace(
            "def upgrade() -> None:\n", "def upgrade() -> None:\n    op.add_col(\n"
        ),
        encoding="utf-8",
    )

    findings = Workspace(root).analyze().all_findings()

    assert [(f.code, f.location.path.name) for f in findings] == [
        ("STW001", "0002_add_legacy_code.py")
    ]


def test_computed_down_revision_holds_back_drift(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(WORKSPACES / "extra_column_at_head", root)
    revision = root / "migrations" / "versions" / "0002_add_legacy_code.py"
    text = revision.read_text(encoding="utf-8")
    assert "down_revision = '0001'" in text
    revision.write_text(
        text.replace("down_revision = '0001'", "down_revision = str(1).zfill(4)"),
        encoding="utf-8",
    )

    findings = Workspace(root).analyze().all_findings()

    [finding] = [f for f in findings if f.code == "STW001"]
    assert "down_revision is not a literal" in finding.message
    assert finding.location.path == revision
    assert finding.location.span.start_line == 11
    codes = {f.code for f in findings}
    assert not codes & {"STW104", "STW401"}
