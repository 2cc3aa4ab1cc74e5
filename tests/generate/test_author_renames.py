"""A probable rename of an indexed column, authored and run by Alembic."""

from __future__ import annotations

from pathlib import Path

import pytest
from author_support import Alembic, copy_project, steward, written_paths

FIXTURE = Path(__file__).resolve().parents[1] / "workspaces" / "diff_column_renamed"


def indexed_rename_project(destination: Path, url: str) -> Path:
    """Copy the rename fixture with an index on the renamed column, both sides."""
    project = copy_project(FIXTURE, destination, url)
    models = project / "models.py"
    models.write_text(
        models.read_text(encoding="utf-8").replace(
            "mapped_column(String(200))", "mapped_column(String(200), index=True)"
        ),
        encoding="utf-8",
    )
    revision = project / "migrations" / "versions" / "0001_create_receipts.py"
    revision.write_text(
        revision.read_text(encoding="utf-8").replace(
            '        sa.PrimaryKeyConstraint("id"),\n    )\n',
            '        sa.PrimaryKeyConstraint("id"),\n    )\n'
            '    op.create_index("ix_receipts_memo", "receipts", ["memo"])\n',
        ),
        encoding="utf-8",
    )
    return project


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_indexed_column_rename_runs(
    dialect: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if dialect == "sqlite":
        url = f"sqlite:///{tmp_path / 'renamed.sqlite'}"
    else:
        url = request.getfixturevalue("postgresql_url")
    project = indexed_rename_project(tmp_path / "project", url)
    alembic = Alembic(project, url)
    alembic.upgrade()

    completed = steward("author-migration", "-m", "rename memo", cwd=project)

    assert completed.returncode == 0, completed.stderr
    [revision] = [p for p in written_paths(completed, project) if p.suffix == ".py"]
    upgrade = revision.read_text(encoding="utf-8").split("def downgrade")[0]
    assert "new_column_name='note'" in upgrade
    alembic.upgrade()
    assert alembic.compare() == []
    alembic.downgrade("0001")
    assert alembic.current() == ["0001"]
    alembic.upgrade()
    assert alembic.compare() == []
