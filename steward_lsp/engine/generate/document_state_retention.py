"""``retention-matrix.md`` of ``steward document-state``.

One matrix per environment: a row per PII class, a column per retention
period (shortest first, as ISO 8601 durations), and in each cell the tables
whose columns of that class are kept that long. A list of the classified
columns follows, then the columns that look like personal data but carry
no classification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from steward_lsp.engine.generate.tables import markdown_cell, sorted_tables
from steward_lsp.engine.rules.compliance import suggest_pii_class

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import EnvironmentAnalysis

NO_RETENTION = "none (STW602)"

_DURATION = re.compile(
    r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?"
)
# Seconds per unit of the groups above; years and months at their mean length.
_UNIT_SECONDS = (31_556_952, 2_629_746, 604_800, 86_400, 3_600, 60, 1)


@dataclass(frozen=True)
class Classified:
    """A column with a PII class, and its retention as written."""

    table: str
    column: str
    pii: str
    retention: str


def duration_seconds(text: str) -> int | None:
    """Return an ISO 8601 duration (``P7Y``, ``P90D``) in seconds, or None."""
    match = _DURATION.fullmatch(text)
    if match is None or not any(match.groups()) or text.endswith("T"):
        return None
    return sum(
        int(value) * unit
        for value, unit in zip(match.groups(), _UNIT_SECONDS, strict=True)
        if value
    )


def retention_order(text: str) -> tuple[int, int, str]:
    """Sort retentions shortest first, unparsable ones and none last."""
    seconds = duration_seconds(text)
    if seconds is not None:
        return (0, seconds, text)
    return (2 if text == NO_RETENTION else 1, 0, text)


def classified_columns(analysis: EnvironmentAnalysis) -> list[Classified]:
    """Return the columns whose ``info`` gives a PII class, by table and column."""
    found = []
    for table in sorted_tables(analysis):
        for column in table.columns.values():
            pii = column.info.get("pii")
            if not pii:
                continue
            retention = column.info.get("retention")
            found.append(
                Classified(
                    table.key,
                    column.name,
                    str(pii),
                    str(retention) if retention else NO_RETENTION,
                )
            )
    return found


def render_retention(environments: list[EnvironmentAnalysis]) -> str:
    """Return the Markdown of the retention matrix for ``environments``."""
    lines = [
        "# Retention matrix",
        "",
        "How long each class of personal data is kept, and in which tables, from "
        'the `info={"pii": ..., "retention": ...}` of each column. Retention is '
        "an ISO 8601 duration. Written by `steward document-state`.",
    ]
    for analysis in environments:
        lines += ["", f"## Environment `{analysis.environment.name}`", ""]
        lines += _environment(analysis)
    return "\n".join(lines) + "\n"


def _environment(analysis: EnvironmentAnalysis) -> list[str]:
    columns = classified_columns(analysis)
    lines = _matrix(columns) if columns else ["No column is classified as PII."]
    if columns:
        lines += ["", "| table | column | PII class | retention |"]
        lines.append("| --- | --- | --- | --- |")
        lines += [
            f"| `{c.table}` | `{c.column}` | {markdown_cell(c.pii)} | "
            f"{markdown_cell(c.retention)} |"
            for c in columns
        ]
    suspects = _unclassified(analysis)
    if suspects:
        lines += [
            "",
            "Columns that look like personal data but have no PII class (STW601):",
            "",
        ]
        lines += [f"- `{key}`: looks like {pii}" for key, pii in suspects]
    return lines


def _matrix(columns: list[Classified]) -> list[str]:
    classes = sorted({c.pii for c in columns})
    retentions = sorted({c.retention for c in columns}, key=retention_order)
    cells: dict[tuple[str, str], set[str]] = {}
    for column in columns:
        cells.setdefault((column.pii, column.retention), set()).add(column.table)
    header = "| PII class | " + " | ".join(markdown_cell(r) for r in retentions) + " |"
    lines = [header, "| --- |" + " --- |" * len(retentions)]
    for pii in classes:
        row = [
            ", ".join(f"`{t}`" for t in sorted(cells.get((pii, r), ())))
            for r in retentions
        ]
        lines.append(f"| {markdown_cell(pii)} | " + " | ".join(row) + " |")
    return lines


def _unclassified(analysis: EnvironmentAnalysis) -> list[tuple[str, str]]:
    patterns = analysis.environment.settings.pii_patterns
    found = []
    for table in sorted_tables(analysis):
        for column in table.columns.values():
            if "pii" in column.info:
                continue
            suggested = suggest_pii_class(column, patterns)
            if suggested is not None:
                found.append((f"{table.key}.{column.name}", suggested))
    return found
