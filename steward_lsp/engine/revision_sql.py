"""The SQL of ``op.execute(...)`` and the table of ``op.bulk_insert(...)``.

``op.execute`` takes a string, ``text("...")`` or a SQLAlchemy Core
statement. The SQL text is kept where it can be read. An f-string keeps its
literal parts, with ``{...}`` for each placeholder, in
``params["sql_template"]``, which is enough to tell DML from DDL. Core statements
built with ``insert``/``update``/``delete`` are DML and need no SQL text.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from steward_lsp.engine.pyast import dotted_name
from steward_lsp.engine.sqla_ast import (
    UNREADABLE,
    Scope,
    follow,
    keyword,
    literal,
    string,
)

_DML_METHODS = {"insert", "update", "delete", "select"}
_TEXT_WRAPPERS = {"bindparams", "columns", "execution_options"}


@dataclass
class ExecuteRead:
    """The statement of ``op.execute``: SQL text, DML kind, readability."""

    sql: str | None = None
    params: dict[str, object] = field(default_factory=dict)
    understood: bool = True


def execute_sql(node: ast.expr | None, scope: Scope) -> ExecuteRead:
    """Read the statement argument of ``op.execute`` or ``connection.execute``."""
    if node is None:
        return ExecuteRead(understood=False)
    target, target_scope = follow(node, scope)
    text = string(target, target_scope)
    if text is not None:
        return ExecuteRead(sql=text)
    if isinstance(target, ast.JoinedStr):
        return _template(target, target_scope)
    if isinstance(target, ast.Call):
        unwrapped = _text_argument(target, target_scope)
        if unwrapped is not None:
            return execute_sql(unwrapped, target_scope)
        kind = _core_statement(target, target_scope)
        if kind == "update":
            sql = core_update_sql(target, target_scope)
            if sql is not None:
                return ExecuteRead(sql=sql, params={"dml": kind})
        if kind is not None:
            return ExecuteRead(params={"dml": kind})
    return ExecuteRead(params={"source": ast.unparse(node)}, understood=False)


def _text_argument(call: ast.Call, scope: Scope) -> ast.expr | None:
    """Return the string argument of ``text("...")`` (``.bindparams()`` allowed)."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _TEXT_WRAPPERS:
        inner = func.value
        if isinstance(inner, ast.Call):
            return _text_argument(inner, scope)
        return None
    called = dotted_name(func) or ""
    if scope.symbol(func) == "text" or called == "text" or called.endswith(".text"):
        return call.args[0] if call.args else keyword(call, "text")
    return None


def _core_statement(call: ast.Call, scope: Scope) -> str | None:
    """Return "insert", "update", "delete" or "select" for a Core statement."""
    node: ast.expr = call
    while isinstance(node, ast.Call):
        func = node.func
        symbol = scope.symbol(func)
        if symbol in _DML_METHODS:
            return symbol
        if isinstance(func, ast.Attribute):
            if func.attr in _DML_METHODS:
                return func.attr
            node = func.value
        else:
            break
    return None


def core_update_sql(call: ast.Call, scope: Scope) -> str | None:
    """Return ``UPDATE t SET c = NULL, ...`` for a Core ``update().values(...)``.

    The statement names the table and the columns it writes, which is what
    the backfill check needs; the values are placeholders. None when the
    table or the columns cannot be read: ``sa.update(t)`` and ``t.update()``
    with ``t`` a ``sa.table(...)`` or ``sa.Table(...)``, and ``.values()``
    with keywords or a literal dict of string keys.
    """
    columns: list[str] = []
    table: tuple[str, str | None] | None = None
    node: ast.expr = call
    while isinstance(node, ast.Call):
        func = node.func
        method = func.attr if isinstance(func, ast.Attribute) else None
        if method == "values":
            found = _values_columns(node, scope)
            if found is None:
                return None
            columns.extend(found)
        if scope.symbol(func) == "update" or (
            isinstance(func, ast.Name) and func.id == "update"
        ):
            table = named_table(node.args[0] if node.args else None, scope)
            break
        if method == "update" and isinstance(func, ast.Attribute):
            table = named_table(func.value, scope)
            break
        if not isinstance(func, ast.Attribute):
            return None
        node = func.value
    if table is None or not columns:
        return None
    name, schema = table
    qualified = f"{schema}.{name}" if schema else name
    assignments = ", ".join(f"{column} = NULL" for column in columns)
    return f"UPDATE {qualified} SET {assignments}"


def _values_columns(call: ast.Call, scope: Scope) -> list[str] | None:
    names = [k.arg for k in call.keywords if k.arg is not None]
    if len(names) != len(call.keywords):
        return None
    for argument in call.args:
        target, target_scope = follow(argument, scope)
        if not isinstance(target, ast.Dict):
            return None
        for key in target.keys:
            text = string(key, target_scope) if key is not None else None
            if text is None:
                return None
            names.append(text)
    return names


def _template(node: ast.JoinedStr, scope: Scope) -> ExecuteRead:
    parts: list[str] = []
    complete = True
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(value.value)
            continue
        if isinstance(value, ast.FormattedValue):
            resolved = literal(value.value, scope)
            if resolved is not UNREADABLE and value.format_spec is None:
                parts.append(str(resolved))
                continue
        parts.append("{...}")
        complete = False
    text = "".join(parts)
    if complete:
        return ExecuteRead(sql=text)
    return ExecuteRead(params={"sql_template": text}, understood=False)


def named_table(node: ast.expr | None, scope: Scope) -> tuple[str, str | None] | None:
    """Return (name, schema) of ``sa.table("t")``, ``sa.Table("t", ...)`` or a
    name bound to one or to ``op.create_table("t", ...)``."""
    if node is None:
        return None
    target, target_scope = follow(node, scope)
    if not isinstance(target, ast.Call) or not target.args:
        return None
    symbol = target_scope.symbol(target.func)
    called = dotted_name(target.func) or ""
    if symbol not in {"table", "Table"} and not called.endswith("create_table"):
        return None
    name = string(target.args[0], target_scope)
    if name is None:
        return None
    return name, string(keyword(target, "schema"), target_scope)
