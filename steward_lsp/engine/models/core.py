"""Core ``Table("name", metadata, Column(...), ...)`` calls read into tables."""

from __future__ import annotations

import ast

from steward_lsp.engine.models.classes import MetadataInfo, read_metadata
from steward_lsp.engine.models.linked_scope import ModuleScope
from steward_lsp.engine.models.table_args import add_table_item
from steward_lsp.engine.schema import Location, Span, TableDef
from steward_lsp.engine.sqla_ast import Unfollowed, keyword, literal, string, table_item

_ITEM_SYMBOLS = {
    "Column",
    "mapped_column",
    "Index",
    "UniqueConstraint",
    "PrimaryKeyConstraint",
    "ForeignKeyConstraint",
    "CheckConstraint",
}


def read_table(
    call: ast.Call, scope: ModuleScope, unfollowed: list[Unfollowed]
) -> tuple[TableDef, MetadataInfo] | None:
    """Read a ``Table(...)`` call; None when its name is not a literal."""
    if not call.args:
        return None
    name = string(call.args[0], scope)
    if name is None:
        unfollowed.append(Unfollowed(call.args[0], "the name of a Table()"))
        return None
    module = scope.module
    items = list(call.args[1:])
    metadata = MetadataInfo()
    if items and not _is_table_item(items[0], scope):
        metadata = _table_metadata(items.pop(0), scope)
    schema = string(keyword(call, "schema"), scope) or metadata.schema
    table = TableDef(name=name, schema=schema, location=table_location(call, scope))
    comment = keyword(call, "comment")
    table.comment = string(comment, scope) if comment is not None else None
    info = literal(keyword(call, "info"), scope)
    if isinstance(info, dict):
        table.info = {str(key): value for key, value in info.items()}
    # Flask-SQLAlchemy 3's db.Table(..., bind_key=...) puts the table on that
    # bind's MetaData.
    table.bind_key = string(keyword(call, "bind_key"), scope)
    for item in items:
        found = table_item(
            item,
            scope,
            unfollowed,
            lambda node: module.lines.location(module.path, node),
        )
        if found is None:
            table.uncertain = "a Table() argument could not be followed"
            continue
        add_table_item(table, found)
    return table, metadata


def _is_table_item(node: ast.expr, scope: ModuleScope) -> bool:
    return isinstance(node, ast.Call) and scope.symbol(node.func) in _ITEM_SYMBOLS


def _table_metadata(node: ast.expr, scope: ModuleScope) -> MetadataInfo:
    """Read the metadata argument: a ``MetaData()`` variable or ``Base.metadata``."""
    if isinstance(node, ast.Attribute) and node.attr == "metadata":
        return MetadataInfo()
    return read_metadata(node, scope)


def table_location(call: ast.Call, scope: ModuleScope) -> Location:
    """Return the span from ``Table(`` to the end of the table name."""
    module = scope.module
    start = module.lines.span(call)
    name_end = module.lines.span(call.args[0]) if call.args else start
    return Location(
        module.path,
        Span(start.start_line, start.start_col, name_end.end_line, name_end.end_col),
    )
