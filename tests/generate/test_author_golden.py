"""Golden files of the revisions author-migration renders.

Each fixture project under ``author_projects`` is analysed on a dialect, and
its revision is rendered with a fixed revision id and date. The text must
equal ``golden/author/<project>-<dialect>.py.txt``. After a deliberate
change to the rendering, regenerate the files with::

    STEWARD_UPDATE_GOLDEN=1 pytest tests/generate/test_author_golden.py

and review the diff.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from author_support import PROJECTS, REPO_ROOT, copy_project

from steward_lsp.engine.analysis import Workspace
from steward_lsp.engine.generate import select_environment
from steward_lsp.engine.generate.author import author_revision

GOLDEN = Path(__file__).resolve().parent / "golden" / "author"
UPDATE = bool(os.environ.get("STEWARD_UPDATE_GOLDEN"))
REVISION_ID = "0a1b2c3d4e5f"
CREATE_DATE = datetime.datetime(2026, 1, 15, 9, 30, 0)

URLS = {
    "sqlite": "sqlite:///%(here)s/golden.sqlite3",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/golden",
    "mysql": "mysql+pymysql://root:@127.0.0.1:3306/golden",
}
CASES = [
    pytest.param(project, dialect, id=f"{project}-{dialect}")
    for project in ("shop", "ledger")
    for dialect in ("sqlite", "postgresql")
] + [
    pytest.param("ledger", "mysql", id="ledger-mysql"),
    pytest.param("diff_enum_members", "postgresql", id="enum-members-postgresql"),
]
# Fixture projects of the drift rules that the goldens also render.
SOURCES = {"diff_enum_members": REPO_ROOT / "tests" / "workspaces"}


def _render(project: str, dialect: str, tmp_path: Path) -> tuple[Path, str]:
    source = SOURCES.get(project, PROJECTS) / project
    root = copy_project(source, tmp_path / project, URLS[dialect])
    analysis = Workspace(root).analyze()
    environment = select_environment(analysis, None)
    authored = author_revision(
        environment,
        "catch up with models",
        revision_id=REVISION_ID,
        create_date=CREATE_DATE,
    )
    assert authored is not None
    return authored.file.path.relative_to(root), authored.file.text


@pytest.mark.parametrize(("project", "dialect"), CASES)
def test_revision_matches_golden(project: str, dialect: str, tmp_path: Path) -> None:
    path, text = _render(project, dialect, tmp_path)
    golden = GOLDEN / f"{project}-{dialect}.py.txt"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")

    assert path == Path("migrations/versions/0a1b2c3d4e5f_catch_up_with_models.py")
    assert text == golden.read_text(encoding="utf-8")


def test_revision_compiles(tmp_path: Path) -> None:
    for project in ("shop", "ledger"):
        for dialect in URLS:
            _, text = _render(project, dialect, tmp_path / dialect)
            compile(text, f"{project}-{dialect}", "exec")


def test_file_template_names_revision(tmp_path: Path) -> None:
    root = copy_project(PROJECTS / "shop", tmp_path / "shop", URLS["sqlite"])
    ini = root / "alembic.ini"
    template = "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s"
    ini.write_text(
        ini.read_text().replace(
            "path_separator = space",
            f"path_separator = space\nfile_template = {template}\n"
            "truncate_slug_length = 8",
        )
    )
    environment = select_environment(Workspace(root).analyze(), None)

    authored = author_revision(
        environment,
        "catch up with models",
        revision_id=REVISION_ID,
        create_date=CREATE_DATE,
    )

    assert authored is not None
    assert authored.file.path.name == "2026_01_15_0a1b2c3d4e5f_catch_.py"
    assert authored.file.marked is False
