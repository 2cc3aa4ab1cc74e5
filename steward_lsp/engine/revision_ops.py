"""One ``op.*`` or ``batch_op.*`` call read into an :class:`Operation`.

Arguments are bound to parameter names with the signatures of Alembic's own
``Operations`` and ``BatchOperations`` methods, so positional and keyword
spellings read alike. Positional arguments beyond what the current
signatures allow (older Alembic accepted ``schema`` positionally) fill the
keyword-only parameters in order.
"""

from __future__ import annotations

import ast
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

from alembic.operations import BatchOperations, Operations

from steward_lsp.engine.migration import DialectGuard, Operation
from steward_lsp.engine.revision_scope import LocalScope, module_function
from steward_lsp.engine.revision_sql import execute_sql, named_table
from steward_lsp.engine.schema import (
    CheckConstraintDef,
    ColumnDef,
    ForeignKeyDef,
    IndexDef,
    Location,
    TableDef,
    UniqueConstraintDef,
)
from steward_lsp.engine.sqla_ast import (
    UNREADABLE,
    PrimaryKeyDef,
    Scope,
    Unfollowed,
    column_def,
    constraint_name,
    dialect_options,
    follow,
    index_expression,
    literal,
    server_default_text,
    source_text,
    string,
    table_item,
    type_spec,
)

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


@dataclass
class OpContext:
    """The surroundings of an operation call: scope, batch table, guards, flags."""

    scope: Scope
    locate: Callable[[ast.AST], Location]
    batch_table: str | None = None
    batch_schema: str | None = None
    in_autocommit_block: bool = False
    understood: bool = True
    guards: tuple[DialectGuard, ...] = ()
    unfollowed: list[Unfollowed] = field(default_factory=list)


@dataclass
class _Bound:
    """Call arguments by parameter name; extra keywords kept apart."""

    named: dict[str, ast.expr]
    varargs: list[ast.expr]
    extra: dict[str, ast.expr]
    complete: bool


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
    signature = _signature(name, batch)
    reader = _READERS.get(name)
    if signature is None or reader is None:
        # An operation of a plugin (alembic_utils, alembic-postgresql-enum) or
        # one replay does not model (create_exclude_constraint): keep its
        # string arguments, which may name the tables it touches.
        operation.understood = False
        operation.params["strings"] = _string_arguments(call, context)
        return operation
    bound = _bind(signature, call)
    if not bound.complete:
        operation.understood = False
    reader(operation, bound, context)
    return operation


def _string_arguments(call: ast.Call, context: OpContext) -> tuple[str, ...]:
    nodes = [*call.args, *(item.value for item in call.keywords)]
    found = [string(node, context.scope) for node in nodes]
    return tuple(text for text in found if text is not None)


@functools.cache
def _signature(name: str, batch: bool) -> inspect.Signature | None:
    owner = BatchOperations if batch else Operations
    method = getattr(owner, name, None)
    if method is None or name.startswith("_") or not callable(method):
        return None
    try:
        return inspect.signature(method)
    except (TypeError, ValueError):
        return None


def _bind(signature: inspect.Signature, call: ast.Call) -> _Bound:
    parameters = [p for p in signature.parameters.values() if p.name != "self"]
    named: dict[str, ast.expr] = {}
    varargs: list[ast.expr] = []
    extra: dict[str, ast.expr] = {}
    complete = True
    fillable = [
        p
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    has_varargs = any(p.kind is p.VAR_POSITIONAL for p in parameters)
    positional_count = sum(1 for p in fillable if p.kind is not p.KEYWORD_ONLY)
    for position, arg in enumerate(call.args):
        if has_varargs and position >= positional_count:
            # A starred argument here is expanded by the reader, if it can.
            varargs.append(arg)
        elif isinstance(arg, ast.Starred):
            complete = False
        elif position < len(fillable):
            named[fillable[position].name] = arg
        else:
            complete = False
    known = {p.name for p in fillable}
    for item in call.keywords:
        if item.arg is None:
            complete = False
        elif item.arg in known:
            named[item.arg] = item.value
        else:
            extra[item.arg] = item.value
    return _Bound(named, varargs, extra, complete)


# -- readers, one per operation ---------------------------------------------


def _text(node: ast.expr | None, context: OpContext) -> str | None:
    return string(node, context.scope) if node is not None else None


def _set_table(
    operation: Operation,
    bound: _Bound,
    context: OpContext,
    key: str = "table_name",
    schema_key: str = "schema",
) -> None:
    if operation.batch:
        return
    node = bound.named.get(key)
    operation.table = _text(node, context)
    if operation.table is None:
        operation.understood = False
    operation.schema = _text(bound.named.get(schema_key), context)


def _read_create_table(operation: Operation, bound: _Bound, context: OpContext) -> None:
    _set_table(operation, bound, context)
    table = TableDef(
        name=operation.table or "",
        schema=_text(bound.extra.get("schema"), context),
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
        table.comment = _text(comment, context)
    info = literal(bound.extra.get("info"), context.scope)
    if isinstance(info, dict):
        table.info = {str(key): value for key, value in info.items()}
    operation.table_def = table
    operation.params.update(_literal_params(bound, context, ("if_not_exists",)))


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


def _read_drop_table(operation: Operation, bound: _Bound, context: OpContext) -> None:
    _set_table(operation, bound, context)


def _read_rename_table(operation: Operation, bound: _Bound, context: OpContext) -> None:
    _set_table(operation, bound, context, key="old_table_name")
    operation.new_name = _text(bound.named.get("new_table_name"), context)
    if operation.new_name is None:
        operation.understood = False


def _read_add_column(operation: Operation, bound: _Bound, context: OpContext) -> None:
    _set_table(operation, bound, context)
    node = bound.named.get("column")
    call = _call(node, context)
    if call is None:
        operation.understood = False
        return
    operation.column = column_def(
        call, context.scope, context.unfollowed, locate=context.locate
    )
    operation.column_name = operation.column.name
    operation.params.update(
        _literal_params(
            bound, context, ("insert_before", "insert_after", "if_not_exists")
        )
    )


def _read_drop_column(operation: Operation, bound: _Bound, context: OpContext) -> None:
    _set_table(operation, bound, context)
    operation.column_name = _text(bound.named.get("column_name"), context)
    if operation.column_name is None:
        operation.understood = False


def _read_alter_column(operation: Operation, bound: _Bound, context: OpContext) -> None:
    _set_table(operation, bound, context)
    operation.column_name = _text(bound.named.get("column_name"), context)
    if operation.column_name is None:
        operation.understood = False
    arguments = {**bound.extra, **bound.named}
    for key in _TYPE_KEYWORDS:
        node = arguments.get(key)
        if node is not None and not _is_none(node):
            operation.params[key] = type_spec(node, context.scope, context.unfollowed)
    for key in _DEFAULT_KEYWORDS:
        node = arguments.get(key)
        if node is None or _is_false(node):
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


def _read_create_index(operation: Operation, bound: _Bound, context: OpContext) -> None:
    _set_table(operation, bound, context)
    columns = _elements(bound.named.get("columns"), context)
    expressions = tuple(
        index_expression(node, context.scope, context.unfollowed) for node in columns
    )
    unique = literal(bound.named.get("unique"), context.scope) is True
    name = constraint_name(bound.named.get("index_name"), context.scope)
    call_options = _keyword_call(bound, context)
    operation.index = IndexDef(
        name,
        expressions,
        unique,
        dialect_options(call_options, context.scope),
        location=operation.location,
    )
    operation.constraint_name = name
    operation.params.update(_literal_params(bound, context, ("if_not_exists",)))


def _read_drop_index(operation: Operation, bound: _Bound, context: OpContext) -> None:
    if not operation.batch:
        operation.table = _text(bound.named.get("table_name"), context)
        operation.schema = _text(bound.named.get("schema"), context)
    name = constraint_name(bound.named.get("index_name"), context.scope)
    operation.constraint_name = name
    if name is None:
        operation.understood = False
    operation.index = IndexDef(name, (), location=operation.location)
    operation.params.update(_literal_params(bound, context, ("if_exists",)))


def _read_create_unique(
    operation: Operation, bound: _Bound, context: OpContext
) -> None:
    _set_table(operation, bound, context)
    name = constraint_name(bound.named.get("constraint_name"), context.scope)
    columns = _names(bound.named.get("columns"), operation, context)
    operation.constraint_name = name
    operation.constraint_type = "unique"
    operation.unique = UniqueConstraintDef(columns, name, location=operation.location)


def _read_create_primary_key(
    operation: Operation, bound: _Bound, context: OpContext
) -> None:
    _set_table(operation, bound, context)
    operation.constraint_name = constraint_name(
        bound.named.get("constraint_name"), context.scope
    )
    operation.constraint_type = "primary"
    operation.params["columns"] = _names(bound.named.get("columns"), operation, context)


def _read_create_foreign_key(
    operation: Operation, bound: _Bound, context: OpContext
) -> None:
    _set_table(
        operation, bound, context, key="source_table", schema_key="source_schema"
    )
    referent = _text(bound.named.get("referent_table"), context)
    if referent is None:
        operation.understood = False
    name = constraint_name(bound.named.get("constraint_name"), context.scope)
    operation.constraint_name = name
    operation.constraint_type = "foreignkey"
    operation.foreign_key = ForeignKeyDef(
        columns=_names(bound.named.get("local_cols"), operation, context),
        referred_table=referent or "",
        referred_columns=_names(bound.named.get("remote_cols"), operation, context),
        referred_schema=_text(bound.named.get("referent_schema"), context),
        name=name,
        ondelete=_text(bound.named.get("ondelete"), context),
        onupdate=_text(bound.named.get("onupdate"), context),
        location=operation.location,
    )
    # postgresql_not_valid=True and the like, as source text.
    operation.params.update(
        dialect_options(_keyword_call(bound, context), context.scope)
    )


def _read_create_check(operation: Operation, bound: _Bound, context: OpContext) -> None:
    _set_table(operation, bound, context)
    name = constraint_name(bound.named.get("constraint_name"), context.scope)
    condition = bound.named.get("condition")
    text = _text(condition, context)
    if text is None and condition is not None:
        text = source_text(condition)
    operation.constraint_name = name
    operation.constraint_type = "check"
    operation.check = CheckConstraintDef(text or "", name, location=operation.location)


def _read_drop_constraint(
    operation: Operation, bound: _Bound, context: OpContext
) -> None:
    _set_table(operation, bound, context)
    operation.constraint_name = constraint_name(
        bound.named.get("constraint_name"), context.scope
    )
    if operation.constraint_name is None:
        operation.understood = False
    kind = _text(bound.named.get("type_"), context)
    operation.constraint_type = kind
    operation.params.update(_literal_params(bound, context, ("if_exists",)))


def _read_execute(operation: Operation, bound: _Bound, context: OpContext) -> None:
    read = execute_sql(bound.named.get("sqltext"), context.scope)
    operation.sql = read.sql
    operation.params.update(read.params)
    if not read.understood:
        operation.understood = False


def _read_bulk_insert(operation: Operation, bound: _Bound, context: OpContext) -> None:
    table = named_table(bound.named.get("table"), context.scope)
    if table is not None:
        operation.table, operation.schema = table
    rows = literal(bound.named.get("rows"), context.scope)
    if isinstance(rows, tuple):
        operation.params["rows"] = len(rows)


def _read_table_comment(
    operation: Operation, bound: _Bound, context: OpContext
) -> None:
    _set_table(operation, bound, context)
    operation.params.update(
        _literal_params(bound, context, ("comment", "existing_comment"))
    )


# -- helpers ----------------------------------------------------------------


def _call(node: ast.expr | None, context: OpContext) -> ast.Call | None:
    if node is None:
        return None
    target = node
    if isinstance(target, ast.Name):
        bound = context.scope.value(target.id)
        if bound is not None:
            target = bound[0]
    return target if isinstance(target, ast.Call) else None


def _elements(node: ast.expr | None, context: OpContext) -> list[ast.expr]:
    if node is None:
        return []
    target = node
    if isinstance(target, ast.Name):
        bound = context.scope.value(target.id)
        if bound is not None:
            target = bound[0]
    if isinstance(target, (ast.List, ast.Tuple)):
        return list(target.elts)
    return [node]


def _names(
    node: ast.expr | None, operation: Operation, context: OpContext
) -> tuple[str, ...]:
    value = literal(node, context.scope)
    if isinstance(value, str):
        return (value,)
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return tuple(str(v) for v in value)
    operation.understood = False
    return ()


def _literal_params(
    bound: _Bound, context: OpContext, keys: tuple[str, ...]
) -> dict[str, object]:
    params: dict[str, object] = {}
    arguments = {**bound.extra, **bound.named}
    for key in keys:
        node = arguments.get(key)
        if node is None:
            continue
        value = literal(node, context.scope)
        if value is not UNREADABLE:
            params[key] = value
    for key, node in bound.extra.items():
        if key in params:
            continue
        value = literal(node, context.scope)
        params[key] = value if value is not UNREADABLE else source_text(node)
    return params


def _keyword_call(bound: _Bound, context: OpContext) -> ast.Call:
    """Return a call node holding the extra keywords, for dialect_options."""
    keywords = [ast.keyword(arg=key, value=value) for key, value in bound.extra.items()]
    return ast.Call(func=ast.Name(id="_", ctx=ast.Load()), args=[], keywords=keywords)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


_Reader = Callable[[Operation, _Bound, OpContext], None]

_READERS: dict[str, _Reader] = {
    "create_table": _read_create_table,
    "drop_table": _read_drop_table,
    "rename_table": _read_rename_table,
    "add_column": _read_add_column,
    "drop_column": _read_drop_column,
    "alter_column": _read_alter_column,
    "create_index": _read_create_index,
    "drop_index": _read_drop_index,
    "create_unique_constraint": _read_create_unique,
    "create_primary_key": _read_create_primary_key,
    "create_foreign_key": _read_create_foreign_key,
    "create_check_constraint": _read_create_check,
    "drop_constraint": _read_drop_constraint,
    "execute": _read_execute,
    "bulk_insert": _read_bulk_insert,
    "create_table_comment": _read_table_comment,
    "drop_table_comment": _read_table_comment,
}
