"""Fix of a NOT NULL ``op.add_column`` without a server default: STW304.

The value is the model's ``server_default`` when the model declares one,
else a neutral literal for the column type (``sa.false()``, ``sa.text("0")``,
``sa.func.now()``, an empty string). Whether a neutral value is right for
the existing rows is the user's call, so "fix all" never applies it.
"""

from __future__ import annotations

import ast

from steward_lsp.engine.fixes.registry import Fix, FixRequest, fixer
from steward_lsp.engine.fixes.source import (
    SourceFile,
    call_name,
    module_alias,
    set_keyword,
)

_SA_PREFIX = "sa."


@fixer("STW304")
def add_server_default(request: FixRequest) -> Fix | None:
    """Return the fix that gives the added column a server default."""
    data = request.finding.data
    table, column = data.get("table"), data.get("column")
    if not isinstance(table, str) or not isinstance(column, str):
        return None

    source = SourceFile(request.text)
    operation = source.node_at(request.finding.location.span, ast.Call)
    column_call = _column_argument(operation)
    if column_call is None:
        return None
    value = _value(request, source, table, column)
    if value is None:
        return None

    edit = set_keyword(source, column_call, "server_default", value)
    title = f"Add server_default={value} to {table}.{column} (check the value)"
    return Fix(title, (edit,), safe=False)


def _column_argument(operation: ast.AST | None) -> ast.Call | None:
    if not isinstance(operation, ast.Call):
        return None
    arguments = [*operation.args, *(k.value for k in operation.keywords)]
    return next(
        (
            node
            for node in arguments
            if isinstance(node, ast.Call) and call_name(node) == "Column"
        ),
        None,
    )


def _value(
    request: FixRequest, source: SourceFile, table: str, column: str
) -> str | None:
    alias = module_alias(source, "sqlalchemy")
    model_default = _model_server_default(request, table, column)
    if model_default is not None:
        if alias is None:
            return None
        return f"{alias}.text({source.string(model_default)})"

    suggested = request.finding.data.get("server_default")
    if not isinstance(suggested, str):
        return None
    if suggested in ('""', "''"):
        return source.string("")
    if not suggested.startswith(_SA_PREFIX) or alias is None:
        return None
    return alias + "." + suggested.removeprefix(_SA_PREFIX).replace('"', source.quote)


def _model_server_default(request: FixRequest, table: str, column: str) -> str | None:
    if request.analysis is None:
        return None
    schema, _, name = table.rpartition(".")
    model_table = request.analysis.model_schema.get(name, schema or None)
    if model_table is None or column not in model_table.columns:
        return None
    return model_table.columns[column].server_default
