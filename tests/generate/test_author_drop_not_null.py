"""A dropped NOT NULL column comes back nullable in the downgrade, for rows."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from author_support import PROJECTS, Alembic, copy_project, steward, written_paths


def test_downgrade_of_dropped_not_null_column_runs_on_rows(
    tmp_path: Path, sqlite_url: str
) -> None:
    root = copy_project(PROJECTS / "shop", tmp_path / "shop", sqlite_url)
    alembic = Alembic(root, sqlite_url)
    synced = steward("author-migration", "-m", "sync", "--no-round-trip", cwd=root)
    assert synced.returncode == 0, synced.stderr
    alembic.upgrade()
    models = root / "shop" / "models.py"
    text = models.read_text(encoding="utf-8")
    models.write_text(
        text.replace("    nickname: Mapped[str] = mapped_column(String(40))\n", ""),
        encoding="utf-8",
    )
    dropped = steward(
        "author-migration", "-m", "drop nickname", "--no-round-trip", cwd=root
    )
    assert dropped.returncode == 0, dropped.stderr
    [revision] = written_paths(dropped, root)
    assert "nullable=True" in revision.read_text(encoding="utf-8")
    alembic.upgrade()
    previous = alembic.current()
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO accounts (id, email, display_name, region) "
            "VALUES (1, 'a@example.com', 'A', 'eu')"
        )
    engine.dispose()

    alembic.downgrade("-1")

    assert alembic.current() != previous
    with sa.create_engine(sqlite_url).connect() as connection:
        rows = connection.exec_driver_sql("SELECT id, nickname FROM accounts").all()
    assert rows == [(1, None)]
