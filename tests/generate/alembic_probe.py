"""Run Alembic on a project and print what it reports, as JSON on stdout.

The author-migration tests run this in a subprocess from the project
folder, so the project's models are imported fresh each time::

    python alembic_probe.py URL upgrade TARGET
    python alembic_probe.py URL downgrade TARGET
    python alembic_probe.py URL current
    python alembic_probe.py URL compare
    python alembic_probe.py URL schema
    python alembic_probe.py URL verify HEAD[,HEAD...]

``verify`` does in one process what the tests otherwise ask for step by
step: upgrade to the given previous heads, upgrade to heads, compare,
downgrade to the first previous head, and report the heads and whether the
shape is the one from before the upgrade.

``compare`` runs the project's own env.py with a migration function that
calls ``compare_metadata``, so the project's compare options apply.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory


def main(url: str, action: str, *arguments: str) -> Any:
    config = Config(str(Path.cwd() / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    if action == "upgrade":
        command.upgrade(config, arguments[0])
        return None
    if action == "downgrade":
        command.downgrade(config, arguments[0])
        return None
    if action == "verify":
        return verify(config, url, arguments[0].split(","))
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            if action == "current":
                heads = MigrationContext.configure(connection).get_current_heads()
                return sorted(heads)
            if action == "schema":
                return reflect(connection)
    finally:
        engine.dispose()
    if action == "compare":
        return compare(config)
    raise SystemExit(f"unknown action {action!r}")


def verify(config: Config, url: str, previous: list[str]) -> dict[str, Any]:
    for head in previous:
        command.upgrade(config, head)
    before = main(url, "schema")
    command.upgrade(config, "heads")
    diffs = compare(config)
    command.downgrade(config, previous[0])
    return {
        "compare": diffs,
        "current": main(url, "current"),
        "same shape": main(url, "schema") == before,
    }


def compare(config: Config) -> list[dict[str, Any]]:
    diffs: list[Any] = []

    def run(_heads: object, context: MigrationContext) -> list[Any]:
        diffs.extend(compare_metadata(context, context.opts["target_metadata"]))
        return []

    script = ScriptDirectory.from_config(config)
    with EnvironmentContext(config, script, fn=run):
        script.run_env()
    flat = [
        entry
        for diff in diffs
        for entry in (diff if isinstance(diff, list) else [diff])
    ]
    return [describe(entry) for entry in flat]


def describe(diff: tuple[Any, ...]) -> dict[str, Any]:
    kind = diff[0]
    table = column = None
    if kind.startswith("modify_"):
        table, column = diff[2], diff[3]
    elif kind in ("add_column", "remove_column"):
        table, column = diff[2], diff[3].name
    elif hasattr(diff[1], "table") and diff[1].table is not None:
        table = diff[1].table.name
    elif isinstance(diff[1], sa.Table):
        table = diff[1].name
    return {"kind": kind, "table": table, "column": column, "text": repr(diff)}


def reflect(connection: sa.Connection) -> dict[str, Any]:
    inspector = sa.inspect(connection)
    shape: dict[str, Any] = {}
    if connection.dialect.name == "postgresql":
        shape["enum types"] = sorted(
            [e["name"], e["labels"]] for e in inspector.get_enums()
        )
    for table in sorted(inspector.get_table_names()):
        if table == "alembic_version":
            continue
        shape[table] = {
            # SQLite's batch mode re-creates a table with its columns in
            # another order, which no comparison counts as a difference.
            "columns": sorted(
                [c["name"], str(c["type"]), c["nullable"], str(c.get("default"))]
                for c in inspector.get_columns(table)
            ),
            "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
            "indexes": sorted(
                [i["name"], i["column_names"], bool(i["unique"])]
                for i in inspector.get_indexes(table)
            ),
            "uniques": sorted(
                sorted(u["column_names"])
                for u in inspector.get_unique_constraints(table)
            ),
            "foreign_keys": sorted(
                [
                    fk["constrained_columns"],
                    fk["referred_table"],
                    fk["referred_columns"],
                ]
                for fk in inspector.get_foreign_keys(table)
            ),
        }
    return shape


if __name__ == "__main__":
    sys.path.insert(0, str(Path.cwd()))
    print(json.dumps(main(*sys.argv[1:])))
