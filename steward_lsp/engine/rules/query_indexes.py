"""STW203: data-access code filters, joins or orders on an unindexed column.

The scan of the data-access code (:mod:`steward_lsp.engine.queries`) finds
the columns each query looks up; a lookup is served as for STW201 and
STW202, by the primary key or the leading columns of an index or unique
constraint. The finding sits on the column in the query, where the reader
sees which query scans.
"""

from __future__ import annotations

from steward_lsp.engine.findings import Finding

# A module import, because queries.resolve imports rules helpers in turn.
from steward_lsp.engine.queries import resolve
from steward_lsp.engine.queries.uses import UseKind
from steward_lsp.engine.rules.context import RuleContext

_VERBS = {
    UseKind.FILTER: "filters on",
    UseKind.JOIN: "joins on",
    UseKind.ORDER: "orders by",
    UseKind.GET: "looks up",
}


def check_query_indexes(context: RuleContext) -> list[Finding]:
    """Report query columns that no index, unique constraint or primary key serves."""
    schema = context.model_schema
    findings: list[Finding] = []
    reported: set[tuple[object, ...]] = set()
    names: dict[tuple[str, tuple[str, ...]], str] = {}
    for need in resolve.index_needs(context.queries, schema):
        key = (need.location, need.table.key, need.columns)
        if need.covered or need.by_other_filter or key in reported:
            continue
        reported.add(key)
        index_name = names.get((need.table.key, need.columns))
        if index_name is None:
            index_name = resolve.suggested_index_name(schema, need.table, need.columns)
            names[(need.table.key, need.columns)] = index_name
        findings.append(
            Finding(
                "STW203",
                _message(need),
                need.location,
                data={
                    "table": need.table.key,
                    "column": need.columns[0],
                    "columns": list(need.columns),
                    "use": need.kind.value,
                    "index": {"name": index_name, "columns": list(need.columns)},
                },
            )
        )
    return findings


def _message(need: resolve.IndexNeed) -> str:
    if len(need.columns) == 1:
        target = f"{need.table.key}.{need.columns[0]}"
    else:
        target = f"{need.table.key}({', '.join(need.columns)})"
    if need.relationship is not None:
        start = f"loading {need.relationship} joins on {target}"
    else:
        start = f"this query {_VERBS[need.kind]} {target}"
    fix = (
        "add an index that starts with these columns"
        if len(need.columns) > 1
        else "add index=True on the column or an index that starts with it"
    )
    return f"{start}, which no index serves, so the database scans the table; {fix}"
