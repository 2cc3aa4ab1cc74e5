"""The STW306 fix on a real PostgreSQL: the index builds concurrently and rolls back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from steward_lsp.engine.analysis import Workspace
from steward_lsp.engine.fixes import FixRequest, fix_for
from steward_lsp.engine.fixes.source import apply_edits

EXAMPLE = Path(__file__).parents[2] / "examples" / "defects" / "postgres"
REVISION = Path("migrations/versions/5c5182ac705d_index_evidence_tx_hash.py")
INDEX_QUERY = sa.text(
    "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
    "WHERE c.relname = 'ix_evidence_tx_hash'"
)


def _alembic(root: Path, *arguments: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "alembic", *arguments],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr


def _index_validity(url: str) -> list[bool]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [bool(valid) for (valid,) in connection.execute(INDEX_QUERY)]
    finally:
        engine.dispose()


def test_concurrent_index_runs_on_postgresql(
    tmp_path: Path, postgresql_url: str
) -> None:
    root = tmp_path / "postgres"
    shutil.copytree(EXAMPLE, root)
    ini = root / "alembic.ini"
    ini.write_text(
        ini.read_text(encoding="utf-8").replace(
            "postgresql+psycopg://postgres@127.0.0.1:5432/defects", postgresql_url
        ),
        encoding="utf-8",
    )
    analysis = Workspace(root).analyze().environments[0]
    path = (root / REVISION).resolve()
    finding = next(
        f
        for f in analysis.findings
        if f.code == "STW306" and f.data.get("operation") == "create_index"
    )
    text = path.read_text(encoding="utf-8")

    fix = fix_for(FixRequest(finding, text, analysis))
    assert fix is not None
    path.write_text(apply_edits(text, fix.edits), encoding="utf-8")
    _alembic(root, "upgrade", "head")
    after_upgrade = _index_validity(postgresql_url)
    _alembic(root, "downgrade", "dc09b2a58771")

    assert after_upgrade == [True]
    assert _index_validity(postgresql_url) == []
    left = Workspace(root).analyze().findings.get(path, [])
    assert [f.data.get("operation") for f in left if f.code == "STW306"] == [
        "alter_column"
    ]
