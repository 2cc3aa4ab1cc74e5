"""SQLAlchemy as the oracle for constraint names, run in a subprocess.

:func:`sqlalchemy_names` imports a model package in a fresh interpreter,
lets SQLAlchemy apply each metadata's naming convention and returns the
names its PostgreSQL DDL compiler renders. :func:`steward_names` returns the
names steward predicts for the same tables from the static reading, in the
same shape, so a test compares the two dictionaries.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from steward_lsp.engine.rules.naming import convention_name
from steward_lsp.engine.rules.table_shape import table_indexes, table_uniques
from steward_lsp.engine.schema import SchemaState

# Per table key: the sorted names of each kind ("ix", "uq", "fk", "ck") and
# the primary key's name; None stands for an unnamed object.
TableNames = dict[str, object]

_ORACLE = textwrap.dedent(
    """
    import importlib, json, sys
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    preparer = postgresql.dialect().identifier_preparer

    def rendered(item):
        return preparer.format_constraint(item) if item.name else None

    def ordered(names):
        return sorted(names, key=lambda name: (name is None, name or ""))

    module = importlib.import_module(sys.argv[1])
    found = {}
    for value in vars(module).values():
        metadata = getattr(value, "metadata", value)
        if not isinstance(metadata, sa.MetaData):
            continue
        for table in metadata.tables.values():
            kinds = {"uq": sa.UniqueConstraint, "fk": sa.ForeignKeyConstraint,
                     "ck": sa.CheckConstraint}
            entry = {"ix": ordered(rendered(i) for i in table.indexes)}
            for kind, cls in kinds.items():
                entry[kind] = ordered(
                    rendered(c) for c in table.constraints
                    if isinstance(c, cls) and not getattr(c, "_type_bound", False)
                )
            entry["pk"] = rendered(table.primary_key)
            found[table.key] = entry
    if len(sys.argv) > 2:
        engine = sa.create_engine(sys.argv[2])
        with engine.begin() as conn:
            for value in vars(module).values():
                metadata = getattr(value, "metadata", value)
                if isinstance(metadata, sa.MetaData):
                    metadata.create_all(conn)
        engine.dispose()
    print(json.dumps(found))
    """
)


def sqlalchemy_names(
    package: Path, module: str, create_on: str | None = None
) -> dict[str, TableNames]:
    """Return SQLAlchemy's names for every table of ``package.module``.

    With ``create_on`` (a database URL), the subprocess also creates the
    tables there with ``MetaData.create_all``.
    """
    command = [sys.executable, "-c", _ORACLE, f"{package.name}.{module}"]
    if create_on is not None:
        command.append(create_on)
    result = subprocess.run(
        command,
        cwd=package.parent,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    names: dict[str, TableNames] = json.loads(result.stdout)
    return names


def steward_names(schema: SchemaState) -> dict[str, TableNames]:
    """Return the names steward gives the tables of ``schema``."""
    found: dict[str, TableNames] = {}
    for key, table in schema.tables.items():
        convention = schema.convention_of(table)
        fks = [
            convention_name(
                convention,
                "fk",
                table.name,
                fk.columns,
                fk.name,
                fk.referred_table,
                fk.referred_columns,
                schema=table.schema,
            )
            for fk in table.all_foreign_keys()
        ]
        checks = [
            convention_name(convention, "ck", table.name, (), check.name)
            for check in table.checks
        ]
        primary_key = convention_name(
            convention,
            "pk",
            table.name,
            table.primary_key,
            table.primary_key_name,
            schema=table.schema,
        )
        found[key] = {
            "ix": _ordered(i.name for i in table_indexes(table, convention)),
            "uq": _ordered(u.name for u in table_uniques(table, convention)),
            "fk": _ordered(fks),
            "ck": _ordered(checks),
            "pk": primary_key,
        }
    return found


def _ordered(names: object) -> list[str | None]:
    items = list(names)  # type: ignore[call-overload]
    return sorted(items, key=lambda name: (name is None, name or ""))
