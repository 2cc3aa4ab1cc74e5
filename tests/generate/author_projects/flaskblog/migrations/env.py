"""Flask-Migrate 4's env.py, with the app made here instead of by `flask db`."""

from alembic import context
from flask import current_app

from blog import create_app

config = context.config
create_app(config.get_main_option("sqlalchemy.url")).app_context().push()
target_db = current_app.extensions["migrate"].db


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_online():
    conf_args = current_app.extensions["migrate"].configure_args
    with target_db.engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=get_metadata(), **conf_args
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
