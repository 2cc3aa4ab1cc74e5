"""author-migration on a Flask-Migrate project that sets render_as_batch=True.

The project keeps its database URL in the app, so steward finds no dialect,
and its env.py gets ``render_as_batch`` from ``Migrate(...)`` through
``configure_args``. Alembic runs the written revision on SQLite.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa
from author_support import PROJECTS, Alembic, steward, written_paths

_CHANGED_MODELS = """\
import sqlalchemy as sa

from blog import db


class Post(db.Model):
    __tablename__ = "post"
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text)
    flagged = db.Column(db.Boolean, nullable=False, server_default=sa.false())
    region = db.Column(db.String(8), nullable=False)
"""


def test_flask_migrate_batch_revision_runs_on_sqlite(
    tmp_path: Path, sqlite_url: str
) -> None:
    project = tmp_path / "flaskblog"
    shutil.copytree(PROJECTS / "flaskblog", project)
    alembic = Alembic(project, sqlite_url)
    alembic.upgrade()
    engine = sa.create_engine(sqlite_url, poolclass=sa.NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO post (id, title) VALUES (1, 'a')"))
    (project / "blog" / "models.py").write_text(_CHANGED_MODELS, encoding="utf-8")

    completed = steward(
        "author-migration",
        "-m",
        "widen title",
        "--seed",
        "--no-round-trip",
        cwd=project,
    )

    assert completed.returncode == 0, completed.stderr
    assert "--seed: no seed file" in completed.stderr
    [revision] = written_paths(completed, project)
    text = revision.read_text(encoding="utf-8")
    assert "with op.batch_alter_table('post'" in text
    assert "\n    op.alter_column" not in text
    # The user replaces NULL in the placeholder, following its TODO comment.
    placeholder = "SET region = NULL WHERE"
    assert text.count(placeholder) == 1
    revision.write_text(text.replace(placeholder, "SET region = 'eu' WHERE"))

    alembic.upgrade()
    assert alembic.compare() == []
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT region, flagged FROM post"))
        assert row.one() == ("eu", 0)
    alembic.downgrade("-1")
    assert alembic.current() == ["8f3701123206"]
    columns = {c["name"]: c for c in sa.inspect(engine).get_columns("post")}
    assert set(columns) == {"id", "title", "body"}
    assert columns["title"]["type"].length == 140


_ENUM_MODELS = """\
from blog import db


class Post(db.Model):
    __tablename__ = "post"
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(140), nullable=False)
    body = db.Column(db.Text)
    status = db.Column(db.Enum("draft", "live", name="post_status"))
"""


def test_enum_column_note_and_seed(tmp_path: Path, sqlite_url: str) -> None:
    project = tmp_path / "flaskblog"
    shutil.copytree(PROJECTS / "flaskblog", project)
    alembic = Alembic(project, sqlite_url)
    alembic.upgrade()
    (project / "blog" / "models.py").write_text(_ENUM_MODELS, encoding="utf-8")

    completed = steward(
        "author-migration", "-m", "status", "--seed", "--no-round-trip", cwd=project
    )

    assert completed.returncode == 0, completed.stderr
    assert "post.status is a native sa.Enum" in completed.stderr
    assert "add_column does not create its type" in completed.stderr
    _revision, seed = written_paths(completed, project)
    seed_text = seed.read_text(encoding="utf-8")
    assert "_fill(connection, 'post', 'status', None)" in seed_text
    alembic.upgrade()
    assert alembic.compare() == []
