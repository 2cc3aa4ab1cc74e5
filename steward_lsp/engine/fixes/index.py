"""Fixes of unindexed ledger-id and foreign-key columns: STW201 and STW202.

A column gets ``index=True``, unless its class declares its indexes as
``Index(...)`` items of ``__table_args__`` and none with ``index=True``:
then a matching ``Index("ix_<table>_<columns>", ...)`` joins the others.
"""

from __future__ import annotations

import ast

from steward_lsp.engine.fixes.columns import column_call, model_class
from steward_lsp.engine.fixes.registry import Fix, FixRequest, TextEdit, fixer
from steward_lsp.engine.fixes.source import (
    SourceFile,
    call_name,
    insert_before,
    insert_items,
    keyword,
    set_keyword,
)


@fixer("STW201", "STW202")
def index_column(request: FixRequest) -> Fix | None:
    """Return the fix that indexes the finding's column or columns."""
    data = request.finding.data
    table = str(data.get("table", ""))
    columns = _columns(data)
    if not table or not columns:
        return None

    source = SourceFile(request.text)
    node = source.node_at(request.finding.location.span)
    owner = model_class(source, node) if node is not None else None
    table_args = _table_args(owner) if owner is not None else None
    if table_args is not None and owner is not None and _declares_indexes(owner):
        if _index_name(table, columns) in _listed_index_names(table_args):
            # An earlier fix of the same columns ("fix all") added it already.
            return None
        edit = _table_index(source, table_args, table, columns)
        if edit is not None:
            title = f"Add Index({', '.join(columns)}) to __table_args__"
            return Fix(title, (edit,), safe=True)

    call = column_call(source, request.finding.location.span)
    if len(columns) != 1 or call is None:
        return None
    edit = set_keyword(source, call, "index", "True")
    return Fix(f"Add index=True to {columns[0]}", (edit,), safe=True)


def _columns(data: dict[str, object]) -> list[str]:
    if isinstance(data.get("column"), str):
        return [str(data["column"])]
    columns = data.get("columns")
    if isinstance(columns, list) and all(isinstance(c, str) for c in columns):
        return [str(c) for c in columns]
    return []


def _table_args(owner: ast.ClassDef) -> ast.Tuple | None:
    for statement in owner.body:
        if not isinstance(statement, ast.Assign):
            continue
        targets = [t.id for t in statement.targets if isinstance(t, ast.Name)]
        if "__table_args__" in targets and isinstance(statement.value, ast.Tuple):
            return statement.value
    return None


def _declares_indexes(owner: ast.ClassDef) -> bool:
    """Return whether the class puts Index() in __table_args__ and never index=True."""
    table_args = _table_args(owner)
    listed = table_args is not None and any(
        isinstance(item, ast.Call) and call_name(item) == "Index"
        for item in table_args.elts
    )
    flagged = any(
        isinstance(node, ast.Call) and _is_true(keyword(node, "index"))
        for node in ast.walk(owner)
    )
    return listed and not flagged


def _is_true(item: ast.keyword | None) -> bool:
    return (
        item is not None
        and isinstance(item.value, ast.Constant)
        and item.value.value is True
    )


def _table_index(
    source: SourceFile, table_args: ast.Tuple, table: str, columns: list[str]
) -> TextEdit | None:
    model_index = next(
        item
        for item in table_args.elts
        if isinstance(item, ast.Call) and call_name(item) == "Index"
    )
    function = ast.get_source_segment(source.text, model_index.func) or "Index"
    name = _index_name(table, columns)
    arguments = ", ".join(source.string(text) for text in [name, *columns])
    item = f"{function}({arguments})"
    last = table_args.elts[-1]
    try:
        if isinstance(last, ast.Dict):
            # The options dict must stay the last item of __table_args__.
            return insert_before(source, last, item)
        return insert_items(source, table_args, [item])
    except ValueError:
        return None


def _index_name(table: str, columns: list[str]) -> str:
    return "_".join(["ix", table.rpartition(".")[2], *columns])


def _listed_index_names(table_args: ast.Tuple) -> set[str]:
    """Return the literal names of the Index() items of ``__table_args__``."""
    return {
        item.args[0].value
        for item in table_args.elts
        if isinstance(item, ast.Call)
        and call_name(item) == "Index"
        and item.args
        and isinstance(item.args[0], ast.Constant)
        and isinstance(item.args[0].value, str)
    }
