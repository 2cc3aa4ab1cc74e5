"""Alembic operations for the drift of one environment, with safety rewrites.

The operations are those autogenerate would produce (``CreateTableOp``,
``AddColumnOp``, ``AlterColumnOp``, ``CreateIndexOp``, ...), built from
SQLAlchemy objects, in the order that lets each one run: new tables (by
foreign-key dependency), changes to existing tables, dropped tables. Each
drop carries the object it drops, so ``UpgradeOps.reverse()`` can re-create
it in the downgrade. Four rewrites make the upgrade safe on a database
with rows: see :func:`author_table.plan_table_changes`.
"""

from __future__ import annotations

from alembic.operations import ops

from steward_lsp.engine.generate.author_drift import TableDrift
from steward_lsp.engine.generate.author_plan import (
    Plan,
    Planner,
    enum_names,
    index_op,
)
from steward_lsp.engine.generate.author_schema import UnbuildableType, build_table
from steward_lsp.engine.generate.author_table import plan_table_changes
from steward_lsp.engine.schema import SchemaState, TableDef, table_key


def plan_operations(
    drifts: list[TableDrift],
    dialect: str | None,
    model_schema: SchemaState,
    head_schema: SchemaState,
) -> Plan:
    """Return the upgrade operations for ``drifts``, in an order that runs."""
    planner = Planner(
        dialect,
        model_schema.naming_convention,
        model_enums=enum_names(model_schema),
        head_enums=enum_names(head_schema),
        head_schema=head_schema,
        model_schema=model_schema,
    )
    created = [d for d in drifts if d.created and d.pair.model is not None]
    dropped = [d for d in drifts if d.dropped and d.pair.head is not None]
    changed = [d for d in drifts if d not in created and d not in dropped]
    for drift in _by_dependency(created, model_side=True):
        planner.plan.operations.extend(plan_new_table(drift, planner))
    for drift in changed:
        if drift.pair.model is not None and drift.pair.head is not None:
            planner.plan.operations.extend(plan_table_changes(drift, planner))
    for drift in reversed(_by_dependency(dropped, model_side=False)):
        planner.plan.operations.extend(plan_dropped_table(drift, planner))
    return planner.plan


def _by_dependency(drifts: list[TableDrift], *, model_side: bool) -> list[TableDrift]:
    """Return ``drifts`` ordered so that a referred table comes first.

    Tables in a cycle of foreign keys keep their order, after the others.
    """
    tables = {}
    for drift in drifts:
        table = drift.pair.model if model_side else drift.pair.head
        assert table is not None
        tables[table.key] = (drift, table)
    ordered: list[str] = []
    remaining = list(tables)
    while remaining:
        ready = [
            key
            for key in remaining
            if all(
                referred in ordered or referred == key or referred not in tables
                for referred in _referred_keys(tables[key][1])
            )
        ]
        if not ready:
            ordered.extend(remaining)
            break
        ordered.extend(ready)
        remaining = [key for key in remaining if key not in ready]
    return [tables[key][0] for key in ordered]


def _referred_keys(table: TableDef) -> set[str]:
    return {
        table_key(fk.referred_table, fk.referred_schema)
        for fk in table.all_foreign_keys()
    }


def plan_new_table(drift: TableDrift, planner: Planner) -> list[ops.MigrateOperation]:
    """Return ``create_table`` and the indexes of a table the models add."""
    assert drift.pair.model is not None
    model = drift.pair.model
    return _create_table(model, drift, planner, "not created", planner.head_enums)


def plan_dropped_table(
    drift: TableDrift, planner: Planner
) -> list[ops.MigrateOperation]:
    """Return the index drops and ``drop_table`` of a table no model declares.

    They are the inverse of creating the table as it is at head, so the
    downgrade re-creates it.
    """
    head = drift.pair.head
    assert head is not None
    creates = _create_table(head, drift, planner, "not dropped", planner.model_enums)
    if not creates:
        return []
    planner.note(
        f"table {head.key} is dropped with its rows; the downgrade "
        "re-creates the table but not the rows"
    )
    return [operation.reverse() for operation in reversed(creates)]


def _create_table(
    table: TableDef,
    drift: TableDrift,
    planner: Planner,
    skipped: str,
    kept_enums: set[str],
) -> list[ops.MigrateOperation]:
    try:
        built = build_table(table, planner.metadata(table), planner.dialect)
    except UnbuildableType as exc:
        planner.note(
            f"table {table.key}: {skipped}, because steward cannot build the "
            f"{exc}; write this change by hand"
        )
        return []
    columns = list(table.columns.values())
    operations = planner.enum_types(columns, implicit=True, kept=kept_enums)
    operations.append(ops.CreateTableOp.from_table(built))
    for data in drift.indexes:
        index = index_op(table, data.get("index"), planner)
        if index is not None:
            operations.append(index)
    return operations
