"""Replay of ``op.*`` calls along the revision graph to the schema at head."""

from __future__ import annotations

from dataclasses import dataclass, field

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.graph import RevisionGraph
from steward_lsp.engine.schema import SchemaState


@dataclass
class ReplayResult:
    """The schema at head (all heads merged) and what replay found."""

    head_schema: SchemaState = field(default_factory=SchemaState)
    findings: list[Finding] = field(default_factory=list)


def replay(revision_graph: RevisionGraph) -> ReplayResult:
    """Apply each revision's upgrade operations in graph order."""
    # TODO: real replay.
    return ReplayResult()
