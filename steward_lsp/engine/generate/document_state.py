"""``steward document-state``: the data contract and the retention matrix.

``data-contract.md`` lists every table and column the models declare: types,
nullability, keys, defaults, PII class and retention from the column's
``info``, the description from ``comment=`` or ``doc=``, and the revision
that introduced it. Each environment's section ends with the lineage of
ledger ids through foreign keys. The ledger and compliance findings
(STW501, STW502, STW601, STW602) are listed under the table they are on.
``retention-matrix.md`` comes from
:mod:`steward_lsp.engine.generate.document_state_retention`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from steward_lsp.engine.generate import (
    GenerateRequest,
    GenerateResult,
    Option,
    output_dir,
)
from steward_lsp.engine.generate.output import with_mark

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import EnvironmentAnalysis
    from steward_lsp.engine.schema import ColumnDef, TableDef

COMMAND = "document-state"
CONTRACT_NAME = "data-contract.md"
RETENTION_NAME = "retention-matrix.md"
CONTRACT_CODES = ("STW501", "STW502", "STW601", "STW602")

OPTIONS: tuple[Option, ...] = ()

_HEADER = (
    "| column | type | SQL type | null | keys | default | PII class | retention "
    "| description | introduced in |"
)


def generate(request: GenerateRequest) -> GenerateResult:
    """Return the data contract and the retention matrix of the workspace."""
    from steward_lsp.engine.generate.document_state_retention import (
        render_retention,
    )
    from steward_lsp.engine.generate.tables import chosen_environments

    environments = chosen_environments(request)
    folder = output_dir(request, environments[0])
    lines = [
        "# Data contract",
        "",
        "Every table and column the models declare, with its keys, personal-data "
        "classification and the revision that introduced it. Written by "
        "`steward document-state` from the models and the migration chain; the "
        f"retention of personal data per class is in `{RETENTION_NAME}`.",
    ]
    for analysis in environments:
        lines += ["", *render_contract(analysis, request)]
    files = [
        with_mark(folder / CONTRACT_NAME, COMMAND, "\n".join(lines) + "\n"),
        with_mark(folder / RETENTION_NAME, COMMAND, render_retention(environments)),
    ]
    tables = sum(len(a.model_schema.tables) for a in environments)
    columns = sum(
        len(t.columns) for a in environments for t in a.model_schema.tables.values()
    )
    summary = f"{tables} table(s) and {columns} column(s) in {CONTRACT_NAME}"
    return GenerateResult(files=files, summary=summary)


def render_contract(
    analysis: EnvironmentAnalysis, request: GenerateRequest
) -> list[str]:
    """Return the contract section of one environment, lineage last."""
    from steward_lsp.engine.generate.document_state_lineage import render_lineage
    from steward_lsp.engine.generate.tables import sorted_tables

    environment = analysis.environment
    lines = [f"## Environment `{environment.name}`", ""]
    lines.append(f"Dialect: {environment.dialect or 'not known (default)'}.")
    if not analysis.model_schema.tables:
        lines += ["", "The models of this environment declare no tables."]
    for table in sorted_tables(analysis):
        lines += ["", *_table_section(analysis, table, request)]
    lines += ["", *render_lineage(analysis)]
    return lines


def _table_section(
    analysis: EnvironmentAnalysis, table: TableDef, request: GenerateRequest
) -> list[str]:
    from steward_lsp.engine.generate.tables import (
        finding_text,
        introduced_in,
        source_place,
        table_findings,
    )

    lines = [f"### `{table.key}`", ""]
    facts = []
    place = source_place(table, request.root)
    if place:
        model = f"Model `{table.class_name}` in" if table.class_name else "Declared in"
        facts.append(f"{model} `{place}`.")
    description = _description(table.comment, table.doc)
    if description:
        facts.append(description)
    owner = table.info.get("owner")
    facts.append(
        f"Owner: {owner}." if owner else 'Owner: not set (`info={"owner": ...}`).'
    )
    created = introduced_in(analysis, table.key)
    if created is not None:
        facts.append(f"Created in revision `{created.revision}` ({created.message}).")
    else:
        facts.append("No revision creates it.")
    lines += [" ".join(facts), "", _HEADER, "|" + " --- |" * 10]
    lines += [_column_row(analysis, table, column) for column in table.columns.values()]
    findings = [f for f in table_findings(analysis, table) if f.code in CONTRACT_CODES]
    if findings:
        lines += ["", "Ledger and personal-data findings:", ""]
        lines += [f"- {finding_text(f, request.root)}" for f in findings]
    return lines


def _column_row(
    analysis: EnvironmentAnalysis, table: TableDef, column: ColumnDef
) -> str:
    from steward_lsp.engine.generate.tables import (
        introduced_in,
        markdown_cell,
        sql_type,
        written_type,
    )

    introduced = introduced_in(analysis, f"{table.key}.{column.name}")
    revision = (
        f"`{introduced.revision}` {introduced.message}"
        if introduced is not None
        else "no revision"
    )
    cells = [
        f"`{column.name}`",
        f"`{written_type(column)}`",
        f"`{sql_type(column, analysis.environment.dialect)}`",
        "NULL" if column.nullable and not column.primary_key else "NOT NULL",
        _keys(analysis, table, column),
        _default(column),
        *_classification(analysis, column),
        _description(column.comment, column.doc),
        revision,
    ]
    return "| " + " | ".join(markdown_cell(cell) for cell in cells) + " |"


def _keys(analysis: EnvironmentAnalysis, table: TableDef, column: ColumnDef) -> str:
    from steward_lsp.engine.generate.tables import (
        is_chain_column,
        is_ledger_column,
        is_unique_column,
    )

    keys = []
    if column.primary_key:
        keys.append("PK")
    for fk in table.all_foreign_keys():
        if column.name in fk.columns:
            position = fk.columns.index(column.name)
            referred = fk.referred_columns[position : position + 1]
            target = (
                f"{fk.referred_table}.{referred[0]}" if referred else fk.referred_table
            )
            keys.append(f"FK → {target}")
    if is_unique_column(table, column, analysis.model_schema.convention_of(table)):
        keys.append("UK")
    if is_ledger_column(column, analysis):
        keys.append("ledger id")
    if is_chain_column(column, analysis):
        keys.append("chain id")
    return ", ".join(keys)


def _default(column: ColumnDef) -> str:
    if column.server_default is not None:
        return f"server: `{column.server_default}`"
    if column.has_python_default:
        return "Python-side"
    return ""


def _classification(analysis: EnvironmentAnalysis, column: ColumnDef) -> list[str]:
    """Return the PII class and retention cells of ``column``."""
    from steward_lsp.engine.rules.compliance import suggest_pii_class

    pii = column.info.get("pii")
    retention = column.info.get("retention")
    if pii is None:
        patterns = analysis.environment.settings.pii_patterns
        suggested = suggest_pii_class(column, patterns)
        if suggested is None:
            return ["", ""]
        return [f"unclassified, looks like {suggested} (STW601)", ""]
    if not pii:
        return ["not personal data", ""]
    return [str(pii), str(retention) if retention else "none (STW602)"]


def _description(comment: str | None, doc: str | None) -> str:
    parts = [text for text in (comment, doc) if text]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    return " ".join(parts)
