"""Index and constraint operations applied to a working schema."""

from __future__ import annotations

import logging
from collections.abc import Callable

from steward_lsp.engine.migration import Operation
from steward_lsp.engine.replay_constraints import (
    drop_constraint,
    name_mysql_foreign_keys,
)
from steward_lsp.engine.replay_record import Recorder, changed_table
from steward_lsp.engine.replay_state import WorkingSchema

logger = logging.getLogger(__name__)

MYSQL_DIALECTS = {"mysql", "mariadb"}

Handler = Callable[[WorkingSchema, Operation, Recorder], None]


def _create_index(
    work: WorkingSchema, operation: Operation, recorder: Recorder
) -> None:
    index = operation.index
    table = changed_table(work, operation, recorder)
    if table is None or index is None:
        return
    if index.name is not None:
        table.indexes = [i for i in table.indexes if i.name != index.name]
    table.indexes.append(index)
    label = index.name or "unnamed index"
    recorder.event(table.key, operation, f"index {label} created")
    for expression in index.expressions:
        if expression in table.columns:
            recorder.event(
                f"{table.key}.{expression}", operation, f"indexed by {label}"
            )


def _drop_index(work: WorkingSchema, operation: Operation, recorder: Recorder) -> None:
    name = operation.constraint_name
    if name is None:
        return
    candidates = (
        [work.get(operation.table, operation.schema)]
        if operation.table
        else list(work.tables())
    )
    for candidate in candidates:
        if candidate is None:
            continue
        if any(i.name == name for i in candidate.indexes):
            table = work.edit(candidate.name, candidate.schema)
            assert table is not None
            table.indexes = [i for i in table.indexes if i.name != name]
            recorder.event(table.key, operation, f"index {name} dropped")
            return
        for column in candidate.columns.values():
            if (
                column.index
                and work.convention_name("ix", candidate, column.name) == name
            ):
                table = work.edit(candidate.name, candidate.schema)
                assert table is not None
                edited = work.edit_column(table, column.name)
                assert edited is not None
                # ``index=True, unique=True`` builds one unique index.
                edited.index = False
                edited.unique = False
                recorder.event(
                    f"{table.key}.{column.name}", operation, f"index {name} dropped"
                )
                return
    logger.debug("drop_index of unknown index %s", name)


def _create_unique(
    work: WorkingSchema, operation: Operation, recorder: Recorder
) -> None:
    table = changed_table(work, operation, recorder)
    if table is None or operation.unique is None:
        return
    table.uniques.append(operation.unique)
    recorder.event(
        table.key, operation, f"unique constraint {operation.unique.name or ''} created"
    )


def _create_foreign_key(
    work: WorkingSchema, operation: Operation, recorder: Recorder
) -> None:
    table = changed_table(work, operation, recorder)
    if table is None or operation.foreign_key is None:
        return
    table.foreign_keys.append(operation.foreign_key)
    if work.dialect in MYSQL_DIALECTS and operation.foreign_key.name is None:
        name_mysql_foreign_keys(work, table)
    recorder.event(table.key, operation, "foreign key created")
    for column in operation.foreign_key.columns:
        recorder.event(f"{table.key}.{column}", operation, "foreign key created")


def _create_check(
    work: WorkingSchema, operation: Operation, recorder: Recorder
) -> None:
    table = changed_table(work, operation, recorder)
    if table is None or operation.check is None:
        return
    table.checks.append(operation.check)
    recorder.event(table.key, operation, "check constraint created")


def _create_primary_key(
    work: WorkingSchema, operation: Operation, recorder: Recorder
) -> None:
    table = changed_table(work, operation, recorder)
    columns = operation.params.get("columns")
    if table is None or not isinstance(columns, tuple):
        return
    for name in columns:
        column = work.edit_column(table, str(name))
        if column is not None:
            column.primary_key = True
            column.nullable = False
    table.primary_key_name = operation.constraint_name
    recorder.event(table.key, operation, "primary key created")


def _drop_constraint(
    work: WorkingSchema, operation: Operation, recorder: Recorder
) -> None:
    name, kind = operation.constraint_name, operation.constraint_type
    table = changed_table(work, operation, recorder)
    if table is None or name is None:
        return
    if drop_constraint(work, table, name, kind):
        recorder.event(table.key, operation, f"constraint {name} dropped")
        return
    recorder.mark_uncertain(
        work,
        table.name,
        table.schema,
        f"drops constraint {name}, which the static analysis cannot match by name",
        operation,
    )


CONSTRAINT_HANDLERS: dict[str, Handler] = {
    "create_index": _create_index,
    "drop_index": _drop_index,
    "create_unique_constraint": _create_unique,
    "create_foreign_key": _create_foreign_key,
    "create_check_constraint": _create_check,
    "create_primary_key": _create_primary_key,
    "drop_constraint": _drop_constraint,
}
