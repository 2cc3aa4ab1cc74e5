"""The body of ``upgrade()`` / ``downgrade()`` read into operations, in order.

Followed statically: ``op.*`` calls, ``with op.batch_alter_table(...) as
batch_op:`` blocks, ``with op.get_context().autocommit_block():``, local
variables, module-level helper variables and helper functions of the same
file (inlined with their arguments), loops over literal lists (unrolled),
``connection.execute(...)`` on ``op.get_bind()``, and ``if`` tests of the
dialect name, whose branches are both read with a DialectGuard on each
operation. Calls that change no table (logging, ORM sessions, connection
commits, ``Enum(...).create(bind)``) are skipped. Any other ``if``, loop or
call of a function defined elsewhere is listed in
:attr:`MigrationFunction.opaque`, and the operations under it are marked not
understood.
"""

from __future__ import annotations

import ast
import dataclasses
from dataclasses import dataclass, field

from steward_lsp.engine.migration import DialectGuard, MigrationFunction, Operation
from steward_lsp.engine.pyast import dotted_name
from steward_lsp.engine.revision_dialect import dialect_guard
from steward_lsp.engine.revision_ops import OpContext, read_operation
from steward_lsp.engine.revision_scope import LocalScope, ModuleScope
from steward_lsp.engine.revision_sql import execute_sql
from steward_lsp.engine.schema import Location, Span
from steward_lsp.engine.sqla_ast import (
    Scope,
    follow,
    literal,
    string,
    type_class,
)

# Helper functions are inlined this deep; deeper calls count as opaque.
_MAX_INLINE_DEPTH = 4
# Literal loops with more items than this are not unrolled.
_MAX_UNROLL = 64
# Calls at statement level that change no schema.
_HARMLESS_CALLS = {"print", "logging", "logger", "log", "warnings", "time", "sys"}
_CONNECTION_EXECUTE = {"execute", "exec_driver_sql"}
_HARMLESS_CONNECTION_CALLS = {
    "commit",
    "rollback",
    "begin",
    "close",
    "scalar",
    "scalars",
}
_SESSION_FACTORIES = {"Session", "sessionmaker", "scoped_session"}
_HARMLESS_OP_CALLS = {
    "get_bind",
    "get_context",
    "f",
    "inline_literal",
    "batch_alter_table",
}


@dataclass
class _Frame:
    """The reading state of one block: names, batch aliases, enclosing tests."""

    scope: Scope
    context: OpContext
    batch_aliases: dict[str, tuple[str | None, str | None]] = field(
        default_factory=dict
    )
    connections: set[str] = field(default_factory=set)
    depth: int = 0

    def nested(self, **changes: object) -> _Frame:
        context = dataclasses.replace(self.context, **changes)  # type: ignore[arg-type]
        return _Frame(
            self.scope,
            context,
            dict(self.batch_aliases),
            # Python names are function-wide, so a connection bound in a
            # block stays bound after it.
            self.connections,
            self.depth,
        )


def read_function(
    node: ast.FunctionDef | ast.AsyncFunctionDef, module: ModuleScope
) -> MigrationFunction:
    """Read ``upgrade()`` or ``downgrade()`` into a :class:`MigrationFunction`."""
    header = module.lines.span(node)
    line_end = len(module.lines.lines[header.start_line]) if module.lines.lines else 0
    function = MigrationFunction(
        present=True,
        location=Location(
            module.path,
            Span(header.start_line, header.start_col, header.start_line, line_end),
        ),
        empty=_is_empty(node.body),
        raises=_raises(node.body),
    )
    scope = LocalScope.inside(module)
    context = OpContext(scope=scope, locate=module.locate)
    reader = _BodyReader(module, function)
    reader.walk(node.body, _Frame(scope, context))
    return function


def _is_empty(body: list[ast.stmt]) -> bool:
    for statement in body:
        if isinstance(statement, ast.Pass):
            continue
        if isinstance(statement, ast.Expr) and isinstance(
            statement.value, ast.Constant
        ):
            continue
        return False
    return True


def _raises(body: list[ast.stmt]) -> bool:
    return any(isinstance(statement, ast.Raise) for statement in body)


class _BodyReader:
    """A statement walker that appends operations and opaque calls to a function."""

    def __init__(self, module: ModuleScope, function: MigrationFunction):
        self.module = module
        self.function = function

    def walk(self, statements: list[ast.stmt], frame: _Frame) -> None:
        for statement in statements:
            if isinstance(statement, ast.Return):
                return
            self._statement(statement, frame)

    def _statement(self, statement: ast.stmt, frame: _Frame) -> None:
        if isinstance(statement, ast.Expr):
            value = statement.value
            if isinstance(value, ast.Await):
                value = value.value
            if isinstance(value, ast.Call):
                self._call(value, frame)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            self._assign(statement, frame)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            self._with(statement, frame)
        elif isinstance(statement, ast.If):
            self._if(statement, frame)
        elif isinstance(statement, (ast.For, ast.AsyncFor)):
            self._for(statement, frame)
        elif isinstance(statement, ast.While):
            self._unfollowed_block(statement, [statement.body], frame)
        elif isinstance(statement, ast.Try):
            self.walk(statement.body, frame)
            unsure = frame.nested(understood=False)
            for handler in statement.handlers:
                self.walk(handler.body, unsure)
            self.walk(statement.orelse, frame)
            self.walk(statement.finalbody, frame)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            frame.scope.bind_statement(statement)

    # -- statements ---------------------------------------------------------

    def _assign(self, statement: ast.Assign | ast.AnnAssign, frame: _Frame) -> None:
        value = statement.value
        if value is None:
            return
        if isinstance(value, ast.Call) and self._is_op_call(value, frame):
            self._call(value, frame)
        frame.scope.bind_statement(statement)
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [statement.target]
        )
        for target in targets:
            if isinstance(target, ast.Name) and self._is_connection(value, frame):
                frame.connections.add(target.id)

    def _with(self, statement: ast.With | ast.AsyncWith, frame: _Frame) -> None:
        inner = frame
        for item in statement.items:
            call = item.context_expr
            called = dotted_name(call.func) if isinstance(call, ast.Call) else None
            if (
                isinstance(call, ast.Call)
                and called
                and called.endswith("batch_alter_table")
            ):
                table, schema = self._batch_table(call, frame)
                inner = inner.nested()
                if isinstance(item.optional_vars, ast.Name):
                    inner.batch_aliases[item.optional_vars.id] = (table, schema)
            elif (
                isinstance(call, ast.Call)
                and _attribute_name(call.func) == "autocommit_block"
            ):
                inner = inner.nested(in_autocommit_block=True)
        self.walk(statement.body, inner)

    def _batch_table(
        self, call: ast.Call, frame: _Frame
    ) -> tuple[str | None, str | None]:
        table_node = call.args[0] if call.args else _keyword(call, "table_name")
        schema_node = call.args[1] if len(call.args) > 1 else _keyword(call, "schema")
        table = string(table_node, frame.scope) if table_node is not None else None
        schema = string(schema_node, frame.scope) if schema_node is not None else None
        if table is None:
            self._opaque(call, frame)
        return table, schema

    def _if(self, statement: ast.If, frame: _Frame) -> None:
        guard = dialect_guard(statement.test, frame.scope)
        if guard is None:
            # NOTE: an ``if`` on anything but the dialect name is followed on
            # both branches with its operations marked not understood, so
            # replay keeps their tables uncertain instead of guessing.
            self._unfollowed_block(statement, [statement.body, statement.orelse], frame)
            return
        negated = DialectGuard(guard.names, not guard.negated)
        self.walk(statement.body, frame.nested(guards=(*frame.context.guards, guard)))
        self.walk(
            statement.orelse, frame.nested(guards=(*frame.context.guards, negated))
        )

    def _for(self, statement: ast.For | ast.AsyncFor, frame: _Frame) -> None:
        items = literal(statement.iter, frame.scope)
        target = statement.target
        if (
            isinstance(items, tuple)
            and len(items) <= _MAX_UNROLL
            and isinstance(target, ast.Name)
            and not statement.orelse
        ):
            iterated = follow(statement.iter, frame.scope)[0]
            elements = (
                iterated.elts if isinstance(iterated, (ast.List, ast.Tuple)) else []
            )
            if len(elements) == len(items):
                for element in elements:
                    inner = frame.nested()
                    inner.scope = LocalScope.inside(frame.scope)
                    inner.context.scope = inner.scope
                    assert isinstance(inner.scope, LocalScope)
                    inner.scope.values[target.id] = element
                    self.walk(statement.body, inner)
                return
        self._unfollowed_block(statement, [statement.body, statement.orelse], frame)

    def _unfollowed_block(
        self, statement: ast.stmt, bodies: list[list[ast.stmt]], frame: _Frame
    ) -> None:
        """Walk a block whose runs cannot be known, marking its operations.

        The block is listed as opaque only when it contains operations or
        calls, so every opaque entry without either inside is a call.
        Operations of an inlined helper lie in the helper, not in the block,
        so they alone do not list it. They are still marked not understood.
        """
        unsure = frame.nested(understood=False)
        first_operation = len(self.function.operations)
        position = len(self.function.opaque)
        for body in bodies:
            self.walk(body, unsure)
        location = self.module.locate(statement)
        inside = any(
            location.span.start_line
            <= operation.location.span.start_line
            <= location.span.end_line
            for operation in self.function.operations[first_operation:]
        )
        if inside or len(self.function.opaque) != position:
            self.function.opaque.insert(position, location)

    # -- calls --------------------------------------------------------------

    def _call(self, call: ast.Call, frame: _Frame) -> None:
        func = call.func
        if isinstance(func, ast.Attribute):
            owner = func.value
            if isinstance(owner, ast.Name) and owner.id in frame.batch_aliases:
                table, schema = frame.batch_aliases[owner.id]
                context = dataclasses.replace(
                    frame.context,
                    batch_table=table or "",
                    batch_schema=schema,
                    understood=frame.context.understood and table is not None,
                )
                self._append(read_operation(func.attr, call, context))
                return
            if self._is_op(owner, frame):
                if func.attr not in _HARMLESS_OP_CALLS:
                    self._append(read_operation(func.attr, call, frame.context))
                return
            if self._is_connection(owner, frame):
                if func.attr in _CONNECTION_EXECUTE:
                    self._append(_connection_execute(call, frame.context))
                    return
                if func.attr in _HARMLESS_CONNECTION_CALLS:
                    return
            if _is_orm_session(owner, frame.scope):
                # ORM sessions in data migrations add, query and commit rows.
                return
            if func.attr in {"create", "drop"} and _is_type_object(owner, frame.scope):
                # ``sa.Enum(...).create(op.get_bind())`` creates a type, no table.
                return
        if isinstance(func, ast.Name) and func.id in self.module.functions:
            self._inline(func.id, call, frame)
            return
        if self._is_harmless(func, frame):
            return
        self._opaque(call, frame)

    def _inline(self, name: str, call: ast.Call, frame: _Frame) -> None:
        helper = self.module.functions[name]
        if frame.depth >= _MAX_INLINE_DEPTH or name in {"upgrade", "downgrade"}:
            self._opaque(call, frame)
            return
        scope = LocalScope.inside(self.module)
        parameters = [*helper.args.posonlyargs, *helper.args.args]
        for parameter, argument in zip(parameters, call.args, strict=False):
            scope.arguments[parameter.arg] = (argument, frame.scope)
        for keyword_arg in call.keywords:
            if keyword_arg.arg is not None:
                scope.arguments[keyword_arg.arg] = (keyword_arg.value, frame.scope)
        defaults = helper.args.defaults
        for parameter, default in zip(
            parameters[len(parameters) - len(defaults) :], defaults, strict=True
        ):
            scope.arguments.setdefault(parameter.arg, (default, self.module))
        inner = frame.nested()
        inner.scope = scope
        inner.context.scope = scope
        inner.depth = frame.depth + 1
        self.walk(helper.body, inner)

    def _is_op(self, node: ast.expr, frame: _Frame) -> bool:
        qualified = frame.scope.qualify(node)
        if qualified is not None:
            return qualified in {"alembic.op", "alembic.context"}
        return isinstance(node, ast.Name) and node.id == "op"

    def _is_op_call(self, call: ast.Call, frame: _Frame) -> bool:
        func = call.func
        return (
            isinstance(func, ast.Attribute)
            and self._is_op(func.value, frame)
            and func.attr not in _HARMLESS_OP_CALLS
        )

    def _is_connection(self, node: ast.expr, frame: _Frame) -> bool:
        """Return whether ``node`` is ``op.get_bind()`` or a name bound to it."""
        if isinstance(node, ast.Name):
            if node.id in frame.connections:
                return True
            # A helper's parameter bound to ``op.get_bind()`` at the call.
            node = follow(node, frame.scope)[0]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            return node.func.attr == "get_bind" and self._is_op(node.func.value, frame)
        return False

    def _is_harmless(self, func: ast.expr, frame: _Frame) -> bool:
        dotted = dotted_name(func)
        if dotted is not None and dotted.split(".")[0] in _HARMLESS_CALLS:
            return True
        # SQLAlchemy constructors (sa.table, sa.MetaData) have no effect here.
        return frame.scope.symbol(func) is not None

    def _append(self, operation: Operation) -> None:
        self.function.operations.append(operation)

    def _opaque(self, node: ast.AST, frame: _Frame) -> None:
        self.function.opaque.append(self.module.locate(node))


def _connection_execute(call: ast.Call, context: OpContext) -> Operation:
    argument = call.args[0] if call.args else _keyword(call, "statement")
    read = execute_sql(argument, context.scope)
    operation = Operation(
        name="execute",
        location=context.locate(call),
        sql=read.sql,
        params={**read.params, "via": "connection"},
        in_autocommit_block=context.in_autocommit_block,
        understood=context.understood and read.understood,
        dialect_guards=context.guards,
    )
    return operation


def _is_orm_session(node: ast.expr, scope: Scope) -> bool:
    """Return whether ``node`` is, or names, an ORM session such as ``Session(...)``."""
    target, target_scope = follow(node, scope)
    if not isinstance(target, ast.Call):
        return False
    func = target.func
    if isinstance(func, ast.Call):
        func = func.func
    return target_scope.symbol(func) in _SESSION_FACTORIES


def _is_type_object(node: ast.expr, scope: Scope) -> bool:
    """Return whether ``node`` is, or names, a SQLAlchemy type such as ``Enum(...)``."""
    target, target_scope = follow(node, scope)
    if isinstance(target, ast.Call):
        target = target.func
    symbol = target_scope.symbol(target)
    return symbol is not None and type_class(symbol) is not None


def _attribute_name(node: ast.expr) -> str | None:
    return node.attr if isinstance(node, ast.Attribute) else None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for item in call.keywords:
        if item.arg == name:
            return item.value
    return None
