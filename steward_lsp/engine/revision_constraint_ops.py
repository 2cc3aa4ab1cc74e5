"""Index and constraint operations of a revision read into Operations."""

from __future__ import annotations

from steward_lsp.engine.migration import Operation
from steward_lsp.engine.revision_args import (
    Bound,
    OpContext,
    Reader,
    element_nodes,
    keyword_call,
    literal_params,
    name_list,
    set_table,
    text_argument,
)
from steward_lsp.engine.schema import (
    CheckConstraintDef,
    ForeignKeyDef,
    IndexDef,
    UniqueConstraintDef,
)
from steward_lsp.engine.sqla_ast import (
    constraint_name,
    dialect_options,
    index_expression,
    literal,
    source_text,
)


def _read_create_index(operation: Operation, bound: Bound, context: OpContext) -> None:
    set_table(operation, bound, context)
    columns = element_nodes(bound.named.get("columns"), context)
    expressions = tuple(
        index_expression(node, context.scope, context.unfollowed) for node in columns
    )
    # BatchOperations.create_index takes ``unique`` in its **kw.
    unique_node = bound.named.get("unique") or bound.extra.get("unique")
    unique = literal(unique_node, context.scope) is True
    name = constraint_name(bound.named.get("index_name"), context.scope)
    call_options = keyword_call(bound, context)
    operation.index = IndexDef(
        name,
        expressions,
        unique,
        dialect_options(call_options, context.scope),
        location=operation.location,
    )
    operation.constraint_name = name
    operation.params.update(literal_params(bound, context, ("if_not_exists",)))


def _read_drop_index(operation: Operation, bound: Bound, context: OpContext) -> None:
    if not operation.batch:
        operation.table = text_argument(bound.named.get("table_name"), context)
        operation.schema = text_argument(bound.named.get("schema"), context)
    name = constraint_name(bound.named.get("index_name"), context.scope)
    operation.constraint_name = name
    if name is None:
        operation.understood = False
    operation.index = IndexDef(name, (), location=operation.location)
    operation.params.update(literal_params(bound, context, ("if_exists",)))


def _read_create_unique(operation: Operation, bound: Bound, context: OpContext) -> None:
    set_table(operation, bound, context)
    name = constraint_name(bound.named.get("constraint_name"), context.scope)
    columns = name_list(bound.named.get("columns"), operation, context)
    operation.constraint_name = name
    operation.constraint_type = "unique"
    operation.unique = UniqueConstraintDef(columns, name, location=operation.location)


def _read_create_primary_key(
    operation: Operation, bound: Bound, context: OpContext
) -> None:
    set_table(operation, bound, context)
    operation.constraint_name = constraint_name(
        bound.named.get("constraint_name"), context.scope
    )
    operation.constraint_type = "primary"
    operation.params["columns"] = name_list(
        bound.named.get("columns"), operation, context
    )


def _read_create_foreign_key(
    operation: Operation, bound: Bound, context: OpContext
) -> None:
    set_table(operation, bound, context, key="source_table", schema_key="source_schema")
    referent = text_argument(bound.named.get("referent_table"), context)
    if referent is None:
        operation.understood = False
    name = constraint_name(bound.named.get("constraint_name"), context.scope)
    operation.constraint_name = name
    operation.constraint_type = "foreignkey"
    operation.foreign_key = ForeignKeyDef(
        columns=name_list(bound.named.get("local_cols"), operation, context),
        referred_table=referent or "",
        referred_columns=name_list(bound.named.get("remote_cols"), operation, context),
        referred_schema=text_argument(bound.named.get("referent_schema"), context),
        name=name,
        ondelete=text_argument(bound.named.get("ondelete"), context),
        onupdate=text_argument(bound.named.get("onupdate"), context),
        location=operation.location,
    )
    # postgresql_not_valid=True and the like, as source text.
    operation.params.update(
        dialect_options(keyword_call(bound, context), context.scope)
    )


def _read_create_check(operation: Operation, bound: Bound, context: OpContext) -> None:
    set_table(operation, bound, context)
    name = constraint_name(bound.named.get("constraint_name"), context.scope)
    condition = bound.named.get("condition")
    text = text_argument(condition, context)
    if text is None and condition is not None:
        text = source_text(condition)
    operation.constraint_name = name
    operation.constraint_type = "check"
    operation.check = CheckConstraintDef(text or "", name, location=operation.location)


def _read_drop_constraint(
    operation: Operation, bound: Bound, context: OpContext
) -> None:
    set_table(operation, bound, context)
    operation.constraint_name = constraint_name(
        bound.named.get("constraint_name"), context.scope
    )
    if operation.constraint_name is None:
        operation.understood = False
    kind = text_argument(bound.named.get("type_"), context)
    operation.constraint_type = kind
    operation.params.update(literal_params(bound, context, ("if_exists",)))


CONSTRAINT_READERS: dict[str, Reader] = {
    "create_index": _read_create_index,
    "drop_index": _read_drop_index,
    "create_unique_constraint": _read_create_unique,
    "create_primary_key": _read_create_primary_key,
    "create_foreign_key": _read_create_foreign_key,
    "create_check_constraint": _read_create_check,
    "drop_constraint": _read_drop_constraint,
}
