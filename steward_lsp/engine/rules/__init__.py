"""Rules: compare the model schema with the head schema and inspect revisions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from steward_lsp.engine.config import Settings
from steward_lsp.engine.findings import Finding
from steward_lsp.engine.graph import RevisionGraph
from steward_lsp.engine.migration import RevisionScript
from steward_lsp.engine.project import Environment
from steward_lsp.engine.replay import ReplayResult
from steward_lsp.engine.schema import SchemaState


@dataclass
class RuleContext:
    """Inputs of every rule for one environment."""

    environment: Environment
    settings: Settings
    model_schema: SchemaState
    head_schema: SchemaState
    scripts: list[RevisionScript]
    revision_graph: RevisionGraph
    replay_result: ReplayResult


def run_rules(context: RuleContext) -> list[Finding]:
    """Run every rule family on ``context`` and return the findings."""
    # TODO: drift, index, safety and ledger/compliance families.
    return []


def apply_ignores(
    findings: list[Finding], sources: dict[Path, str], settings: Settings, root: Path
) -> list[Finding]:
    """Drop findings suppressed by ``# steward: ignore[...]`` or settings."""
    # TODO: inline and configured ignores.
    return findings
