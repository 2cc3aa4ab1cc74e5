from alembic import context
from sqlalchemy import engine_from_config, pool

from app import db

config = context.config


# As in Flask-Migrate's multi-database template, each bind is migrated with
# the metadata of that bind; this project configures the default one only.
def get_metadata(bind):
    if bind == "":
        bind = None
    return db.metadatas[bind]


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=get_metadata(""),
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations(engine_name="")


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            upgrade_token="_upgrades",
            downgrade_token="_downgrades",
            target_metadata=get_metadata(""),
        )
        with context.begin_transaction():
            context.run_migrations(engine_name="")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
