"""One ``op.*`` or ``batch_op.*`` call read into an :class:`Operation`.

Table, column and raw SQL operations are read here; index and constraint
operations in :mod:`steward_lsp.engine.revision_constraint_ops`, and the
arguments are bound in :mod:`steward_lsp.engine.revision_args`.
"""

from __future__ import annotations

import ast

from steward_lsp.engine.migration import Operation
from steward_lsp.engine.revision_args import (
    Bound,
    OpContext,
    Reader,
    alembic_signature,
    bind_arguments,
    call_argument,
    is_false,
    is_none,
    literal_params,
    set_table,
    text_argument,
)
from steward_lsp.engine.revision_constraint_ops import CONSTRAINT_READERS
from steward_lsp.engine.revision_scope import LocalScope, module_function
from steward_lsp.engine.revision_sql import execute_sql, named_table
from steward_lsp.engine.schema import (
    CheckConstraintDef,
    ColumnDef,
    ForeignKeyDef,
    IndexDef,
    TableDef,
    UniqueConstraintDef,
)
from steward_lsp.engine.sqla_ast import (
    UNREADABLE,
    PrimaryKeyDef,
    Scope,
    Unfollowed,
    follow,
    literal,
    read_column,
    server_default_text,
    string,
    table_item,
    type_spec,
)

__all__ = ["OpContext", "read_operation"]

# alter_column keywords whose value is a type, a server default or a literal.
_TYPE_KEYWORDS = ("type_", "existing_type")
_DEFAULT_KEYWORDS = ("server_default", "existing_server_default")
_LITERAL_KEYWORDS = (
    "nullable",
    "existing_nullable",
    "comment",
    "existing_comment",
    "new_column_name",
    "autoincrement",
    "existing_autoincrement",
    "postgresql_using",
)


def read_operation(name: str, call: ast.Call, context: OpContext) -> Operation:
    """Read the call ``op.<name>(...)`` (or ``batch_op.<name>``) into an Operation."""
    batch = context.batch_table is not None
    operation = Operation(
        name=name,
        location=context.locate(call),
        batch=batch,
        in_autocommit_block=context.in_autocommit_block,
        understood=context.understood,
        dialect_guards=context.guards,
    )
    if batch:
        operation.table = context.batch_table
        operation.schema = context.batch_schema
    signature = alembic_signature(name, batch)
    reader = _READERS.get(name)
    if signature is None or reader is None:
        # An operation of a plugin (alembic_utils, alembic-postgresql-enum) or
        # one replay does not model (create_exclude_constraint): keep its
        # string arguments, which may name the tables it touches.
        operation.understood = False
        operation.params["strings"] = _string_arguments(call, context)
        return operation
    bound = bind_arguments(signature, call)
    if not bound.complete:
        operation.understood = False
    reader(operation, bound, context)
    return operation


def _string_arguments(call: ast.Call, context: OpContext) -> tuple[str, ...]:
    nodes = [*call.args, *(item.value for item in call.keywords)]
    found = [string(node, context.scope) for node in nodes]
    return tuple(text for text in found if text is not None)


# -- readers, one per operation ---------------------------------------------


def _read_create_table(operation: Operation, bound: Bound, context: OpContext) -> None:
    set_table(operation, bound, context)
    table = TableDef(
        name=operation.table or "",
        schema=text_argument(bound.extra.get("schema"), context),
        location=operation.location,
    )
    operation.schema = table.schema
    for node in bound.varargs:
        items = _starred_items(node, context) if isinstance(node, ast.Starred) else None
        if isinstance(node, ast.Starred) and items is None:
            operation.understood = False
            continue
        for item_node, item_scope in items or [(node, context.scope)]:
            item = table_item(item_node, item_scope, context.unfollowed, context.locate)
            if item is None:
                operation.understood = False
            else:
                _add_table_item(table, item)
    comment = bound.extra.get("comment")
    if comment is not None:
        table.comment = text_argument(comment, context)
    info = literal(bound.extra.get("info"), context.scope)
    if isinstance(info, dict):
        table.info = {str(key): value for key, value in info.items()}
    operation.table_def = table
    operation.params.update(literal_params(bound, context, ("if_not_exists",)))


def _starred_items(
    node: ast.Starred, context: OpContext
) -> list[tuple[ast.expr, Scope]] | None:
    """Expand ``*COLUMNS`` (a literal list) or ``*_timestamps()`` (a helper of
    the same file that returns one); None when it cannot be expanded."""
    target, scope = follow(node.value, context.scope)
    if isinstance(target, (ast.List, ast.Tuple)):
        return [(element, scope) for element in target.elts]
    if not (isinstance(target, ast.Call) and isinstance(target.func, ast.Name)):
        return None
    found = module_function(scope, target.func.id)
    if found is None:
        return None
    function, module = found
    body = [
        statement
        for statement in function.body
        if not (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
        )
    ]
    if len(body) != 1 or not isinstance(body[0], ast.Return):
        return None
    returned = body[0].value
    if not isinstance(returned, (ast.List, ast.Tuple)):
        return None
    local = LocalScope.inside(module)
    parameters = [*function.args.posonlyargs, *function.args.args]
    for parameter, argument in zip(parameters, target.args, strict=False):
        local.arguments[parameter.arg] = (argument, scope)
    return [(element, local) for element in returned.elts]


def _add_table_item(
    table: TableDef,
    item: ColumnDef
    | IndexDef
    | UniqueConstraintDef
    | ForeignKeyDef
    | CheckConstraintDef
    | PrimaryKeyDef,
) -> None:
    if isinstance(item, ColumnDef):
        table.columns[item.name] = item
    elif isinstance(item, PrimaryKeyDef):
        table.primary_key_name = item.name
        for name in item.columns:
            column = table.columns.get(name)
            if column is not None:
                column.primary_key = True
                column.nullable = False
    elif isinstance(item, IndexDef):
        table.indexes.append(item)
    elif isinstance(item, UniqueConstraintDef):
        table.uniques.append(item)
    elif isinstance(item, ForeignKeyDef):
        table.foreign_keys.append(item)
    else:
        table.checks.append(item)


def _read_drop_table(operation: Operation, bound: Bound, context: OpContext) -> None:
    set_table(operation, bound, context)


def _read_rename_table(operation: Operation, bound: Bound, context: OpContext) -> None:
    set_table(operation, bound, context, key="old_table_name")
    operation.new_name = text_argument(bound.named.get("new_table_name"), context)
    if operation.new_name is None:
        operation.understood = False


def _read_add_column(operation: Operation, bound: Bound, context: OpContext) -> None:
    set_table(operation, bound, context)
    node = bound.named.get("column")
    call = call_argument(node, context)
    if call is None:
        operation.understood = False
        return
    read = read_column(call, context.scope, context.unfollowed, locate=context.locate)
    operation.column = read.column
    operation.column_name = operation.column.name
    if "identity" in read.explicit:
        operation.params["identity"] = True
    operation.params.update(
        literal_params(
            bound, context, ("insert_before", "insert_after", "if_not_exists")
        )
    )


def _read_drop_column(operation: Operation, bound: Bound, context: OpContext) -> None:
    set_table(operation, bound, context)
    operation.column_name = text_argument(bound.named.get("column_name"), context)
    if operation.column_name is None:
        operation.understood = False


def _read_alter_column(operation: Operation, bound: Bound, context: OpContext) -> None:
    set_table(operation, bound, context)
    operation.column_name = text_argument(bound.named.get("column_name"), context)
    if operation.column_name is None:
        operation.understood = False
    arguments = {**bound.extra, **bound.named}
    for key in _TYPE_KEYWORDS:
        node = arguments.get(key)
        if node is not None and not is_none(node):
            operation.params[key] = type_spec(node, context.scope, context.unfollowed)
    for key in _DEFAULT_KEYWORDS:
        node = arguments.get(key)
        if node is None or is_false(node):
            continue
        text = server_default_text(node, context.scope)
        if text is UNREADABLE:
            operation.understood = False
            context.unfollowed.append(Unfollowed(node, f"{key} cannot be read as SQL"))
            continue
        operation.params[key] = text
    for key in _LITERAL_KEYWORDS:
        node = arguments.get(key)
        if node is None:
            continue
        value = literal(node, context.scope)
        if value is UNREADABLE:
            operation.understood = False
            continue
        if key == "comment" and value is False:
            continue
        operation.params[key] = value
    new_name = operation.params.get("new_column_name")
    operation.new_name = new_name if isinstance(new_name, str) else None


def _read_execute(operation: Operation, bound: Bound, context: OpContext) -> None:
    read = execute_sql(bound.named.get("sqltext"), context.scope)
    operation.sql = read.sql
    operation.params.update(read.params)
    if not read.understood:
        operation.understood = False


def _read_bulk_insert(operation: Operation, bound: Bound, context: OpContext) -> None:
    table = named_table(bound.named.get("table"), context.scope)
    if table is not None:
        operation.table, operation.schema = table
    rows = literal(bound.named.get("rows"), context.scope)
    if isinstance(rows, tuple):
        operation.params["rows"] = len(rows)


def _read_table_comment(operation: Operation, bound: Bound, context: OpContext) -> None:
    set_table(operation, bound, context)
    operation.params.update(
        literal_params(bound, context, ("comment", "existing_comment"))
    )


# -- helpers ----------------------------------------------------------------


_READERS: dict[str, Reader] = {
    **CONSTRAINT_READERS,
    "create_table": _read_create_table,
    "drop_table": _read_drop_table,
    "rename_table": _read_rename_table,
    "add_column": _read_add_column,
    "drop_column": _read_drop_column,
    "alter_column": _read_alter_column,
    "execute": _read_execute,
    "bulk_insert": _read_bulk_insert,
    "create_table_comment": _read_table_comment,
    "drop_table_comment": _read_table_comment,
}
