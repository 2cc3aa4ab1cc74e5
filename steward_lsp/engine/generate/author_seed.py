"""The ``--seed`` stub: a module that backfills the nullable columns a revision adds.

It goes to ``<script_location>/seeds/<revision>_seed.py``: beside the
migrations it belongs to, but outside the version locations, where Alembic
would load it as a revision. Each nullable column without a server default
gets one ``_fill`` call with ``None`` for the user to replace; a column left
at None is not touched. A NOT NULL column is not listed: the revision
backfills it between adding it nullable and making it NOT NULL.

The stub is the user's to edit, so like the revision it carries no mark and
is written only where no file exists yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from steward_lsp.engine.generate.output import GeneratedFile

if TYPE_CHECKING:
    from steward_lsp.engine.generate.author_plan import Plan
    from steward_lsp.engine.project import Environment

SEED_FOLDER = "seeds"

_HEADER = '''\
"""Backfill the nullable columns that revision {revision} adds.

Written once by `steward author-migration --seed`, which never overwrites
it: edit this file. Replace each None below with the value existing rows
get, then run it once after `alembic upgrade {revision}`, for example:

    with engine.begin() as connection:
        backfill(connection)

A NOT NULL column is not listed: rows must have its value before the
revision makes it NOT NULL, so the revision backfills it itself, in the
UPDATE marked TODO between its add_column and alter_column.
"""

import sqlalchemy as sa

REVISION = {revision!r}


def backfill(connection: sa.Connection) -> None:
    """Give every row whose new column is NULL its value."""
'''

_FILL = """

def _fill(
    connection: sa.Connection, table: str, column: str, value: object
) -> None:
    if value is None:
        return
    schema, _, name = table.rpartition(".")
    target = sa.table(name, sa.column(column), schema=schema or None)
    connection.execute(
        sa.update(target).where(target.c[column].is_(None)).values({column: value})
    )
"""


def seed_stub(environment: Environment, revision: str, plan: Plan) -> GeneratedFile:
    """Return the backfill stub for the columns ``plan`` adds."""
    path = environment.script_location / SEED_FOLDER / f"{revision}_seed.py"
    calls = [
        f"    _fill(connection, {table!r}, {column!r}, None)  # TODO: the value"
        for table, column in plan.added_columns
    ]
    body = _HEADER.format(revision=revision) + "\n".join(calls) + "\n" + _FILL
    return GeneratedFile(path, body, marked=False)
