"""Fix of an index built under a write lock on PostgreSQL: STW306.

``CREATE INDEX CONCURRENTLY`` cannot run inside a transaction, so the call
gets ``postgresql_concurrently=True`` and moves into
``op.get_context().autocommit_block()``, unless it is in one already.
"""

from __future__ import annotations

import ast

from steward_lsp.engine.fixes.registry import Fix, FixRequest, TextEdit, fixer
from steward_lsp.engine.fixes.source import SourceFile, call_name, set_keyword
from steward_lsp.engine.pyast import dotted_name
from steward_lsp.engine.schema import Span


@fixer("STW306")
def build_concurrently(request: FixRequest) -> Fix | None:
    """Return the fix that builds the finding's index concurrently."""
    if request.finding.data.get("operation") != "create_index":
        return None

    source = SourceFile(request.text)
    call = source.node_at(request.finding.location.span, ast.Call)
    if not isinstance(call, ast.Call) or call_name(call) != "create_index":
        return None
    operations = dotted_name(call.func)
    if operations is None or "." not in operations:
        return None
    statement = source.parents.get(call)
    if not isinstance(statement, ast.Expr):
        return None

    option = set_keyword(source, call, "postgresql_concurrently", "True")
    title = "Build the index with postgresql_concurrently=True"
    if _in_autocommit_block(source, statement):
        return Fix(title, (option,), safe=True)

    op_name = operations.rpartition(".")[0]
    edit = _wrap_in_autocommit_block(source, statement, option, op_name)
    return Fix(f"{title} in an autocommit block", (edit,), safe=True)


def _in_autocommit_block(source: SourceFile, statement: ast.stmt) -> bool:
    block = source.ancestor(statement, ast.With)
    if not isinstance(block, ast.With):
        return False
    # The call is op.get_context().autocommit_block(), no dotted name.
    return any(
        isinstance(item.context_expr, ast.Call)
        and isinstance(item.context_expr.func, ast.Attribute)
        and item.context_expr.func.attr == "autocommit_block"
        for item in block.items
    )


def _wrap_in_autocommit_block(
    source: SourceFile, statement: ast.stmt, option: TextEdit, op_name: str
) -> TextEdit:
    """Return one edit that indents the statement's lines under the block.

    The edit spans whole lines, so a comment after the call moves with it.
    """
    span = source.span(statement)
    first, last = span.start_line, span.end_line
    lines = source.lines[first : last + 1]
    where = option.span
    row = where.start_line - first
    changed = lines[row][: where.start_col] + option.new_text
    lines[row] = changed + lines[row][where.end_col :]
    lines = "\n".join(lines).split("\n")
    indent = source.line_indent(first)
    unit = source.indent_unit
    body = "\n".join(f"{unit}{line}" if line.strip() else line for line in lines)
    text = f"with {op_name}.get_context().autocommit_block():\n{body}"
    return TextEdit(Span(first, len(indent), last, source.line_end(last)), text)
