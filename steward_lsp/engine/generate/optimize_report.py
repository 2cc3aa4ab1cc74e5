"""The Markdown of ``db-optimization.md``.

Paths are relative to the workspace root and lines 1-based, as
``steward check`` prints them, so the report reads the same on every
machine and stays stable under ``--check``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from steward_lsp.engine.generate.optimize_pool import (
    POOL_OPTIONS,
    engine_dialect,
    pool_advice,
)

if TYPE_CHECKING:
    from steward_lsp.engine.generate import GenerateRequest
    from steward_lsp.engine.generate.optimize import Advice, Predicate
    from steward_lsp.engine.generate.optimize_explain import Plans
    from steward_lsp.engine.schema import Location

_USE_NAMES = {"filter": "filter", "join": "join", "order": "order by", "get": "get"}


def render_report(advice: Advice, request: GenerateRequest, plans: Plans | None) -> str:
    """Return the whole report of one environment."""
    root = request.root
    environment = advice.analysis.environment
    lines = [
        "# Database optimization",
        "",
        f"Environment `{environment.name}`, dialect {advice.dialect or 'unknown'}. "
        f"The statements to apply are in `sql-samples.sql`.",
    ]
    lines += _missing(advice, root)
    lines += _predicates(advice, root)
    lines += _redundant(advice, root)
    lines += _engines(advice, root)
    lines += _plans(plans)
    return "\n".join(lines) + "\n"


def _missing(advice: Advice, root: Path) -> list[str]:
    lines = ["", "## Missing indexes", ""]
    if not advice.missing:
        return [
            *lines,
            "None: every ledger id, foreign key and query column is indexed.",
        ]
    lines += [
        "Ledger ids (STW201), foreign keys (STW202) and query columns (STW203) "
        "that no index, unique constraint or primary key serves.",
        "",
    ]
    rows = [
        [
            missing.table.key,
            ", ".join(missing.columns),
            ", ".join(missing.reasons),
            f"`{missing.name}`",
            _where(missing.declared, root) if missing.declared else "",
            ", ".join(_where(site, root) for site in missing.sites),
        ]
        for missing in advice.missing
    ]
    headers = ["table", "columns", "needed for", "suggested index", "declared at"]
    return lines + _table([*headers, "query sites"], rows)


def _predicates(advice: Advice, root: Path) -> list[str]:
    lines = ["", "## Query predicates", ""]
    if not advice.predicates:
        return [
            *lines,
            "No query in the data-access code filters, joins or orders on a "
            "model column steward could map.",
        ]
    lines += [
        "Every column the data-access code filters, joins or orders on, and "
        "whether an index serves it.",
        "",
    ]
    rows = [
        [
            predicate.table.key,
            ", ".join(predicate.columns),
            _USE_NAMES[predicate.kind],
            _indexed(predicate),
            ", ".join(_where(site, root) for site in predicate.sites),
        ]
        for predicate in advice.predicates
    ]
    return lines + _table(["table", "columns", "use", "indexed", "query sites"], rows)


def _indexed(predicate: Predicate) -> str:
    if predicate.covered:
        return "yes"
    if not predicate.scans:
        return "no, another filter of the query is indexed"
    return "**no**"


def _redundant(advice: Advice, root: Path) -> list[str]:
    lines = ["", "## Redundant indexes", ""]
    if not advice.redundant:
        return [*lines, "None."]
    lines += [
        "Indexes whose columns start another index or the primary key (STW204); "
        "each costs writes and serves no lookup the longer one does not.",
        "",
    ]
    rows = [
        [
            redundant.table.key,
            f"`{redundant.name}`",
            ", ".join(redundant.columns),
            redundant.covered_by,
            _where(redundant.declared, root),
        ]
        for redundant in advice.redundant
    ]
    headers = ["table", "index", "columns", "covered by", "declared at"]
    return lines + _table(headers, rows)


def _engines(advice: Advice, root: Path) -> list[str]:
    lines = ["", "## Connection pools", ""]
    engines = sorted(
        advice.analysis.queries.engines, key=lambda e: _where(e.location, root)
    )
    if not engines:
        return [
            *lines,
            "No `create_engine` or `create_async_engine` call found in the "
            "project's code.",
        ]
    rows = [
        [
            f"`{engine.function}`",
            _where(engine.location, root),
            *(
                f"`{engine.options[name]}`" if name in engine.options else "default"
                for name in POOL_OPTIONS
            ),
        ]
        for engine in engines
    ]
    lines += _table(["call", "at", *POOL_OPTIONS], rows)
    for engine in engines:
        advice_lines = pool_advice(engine, engine_dialect(engine, advice.dialect))
        lines += ["", f"`{engine.function}` at {_where(engine.location, root)}:", ""]
        if not advice_lines:
            lines.append("- The pool settings need no change.")
        lines += [f"- {sentence}." for sentence in advice_lines]
    return lines


def _plans(plans: Plans | None) -> list[str]:
    lines = ["", "## Query plans", ""]
    if plans is None:
        return [
            *lines,
            "No database URL was given (the `database_url` option or the variable "
            "the `database_url_env` setting names), so no plans were read.",
        ]
    lines.append(f"Read-only `EXPLAIN` on `{plans.database}`.")
    for note in plans.notes:
        lines += ["", f"> {note}"]
    for plan in plans.plans:
        predicate = plan.predicate
        title = (
            f"{predicate.table.key}({', '.join(predicate.columns)}), "
            f"{_USE_NAMES[predicate.kind]}"
        )
        lines += ["", f"### {title}", "", "```sql", plan.statement, "```", ""]
        if plan.error is not None:
            lines.append(f"EXPLAIN failed: {plan.error}")
            continue
        lines += ["```text", *plan.lines, "```"]
    return lines


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _where(location: Location, root: Path) -> str:
    path = location.path
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = path.as_posix()
    return f"{shown}:{location.span.start_line + 1}"
