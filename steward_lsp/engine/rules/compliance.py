"""Compliance rules on the model schema: STW601 and STW602.

Classification lives on the column as SQLAlchemy's ``info`` dictionary:
``info={"pii": "email", "retention": "P7Y"}``, retention as an ISO 8601
duration.
"""

from __future__ import annotations

import fnmatch

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.rules.context import RuleContext
from steward_lsp.engine.schema import ColumnDef


def check_compliance(context: RuleContext) -> list[Finding]:
    """Report unclassified personal data and PII without retention."""
    patterns = context.settings.pii_patterns
    # Tables repeat column names (id, created_at); match each name once.
    suggestions: dict[str, str | None] = {}
    findings: list[Finding] = []
    for table in context.model_schema.tables.values():
        for column in table.columns.values():
            if column.location is None:
                continue
            data: dict[str, object] = {"table": table.key, "column": column.name}
            qualified = f"{table.key}.{column.name}"
            pii = column.info.get("pii")
            if pii is None:
                if column.name not in suggestions:
                    suggestions[column.name] = suggest_pii_class(column, patterns)
                suggested = suggestions[column.name]
                if suggested is None:
                    continue
                message = (
                    f"column {qualified} looks like personal data ({suggested}) but "
                    f'has no PII classification; add info={{"pii": "{suggested}", '
                    '"retention": ...}'
                )
                findings.append(
                    Finding(
                        "STW601",
                        message,
                        column.location,
                        data={**data, "pii": suggested},
                    )
                )
            elif not pii:
                continue
            elif "retention" not in column.info:
                message = (
                    f"column {qualified} is classified as PII ({pii}) but has no "
                    'retention policy; add "retention" to its info, as an ISO 8601 '
                    'duration such as "P7Y"'
                )
                findings.append(
                    Finding(
                        "STW602",
                        message,
                        column.location,
                        data={**data, "pii": str(pii)},
                    )
                )
    return findings


def suggest_pii_class(column: ColumnDef, patterns: dict[str, list[str]]) -> str | None:
    """Return the PII class whose name patterns match the column, if any."""
    for pii_class, globs in patterns.items():
        if any(fnmatch.fnmatchcase(column.name, glob) for glob in globs):
            return pii_class
    return None
