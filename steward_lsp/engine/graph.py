"""The revision graph of one environment: heads, order, graph findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from steward_lsp.engine.config import Settings
from steward_lsp.engine.findings import Finding
from steward_lsp.engine.migration import RevisionScript


@dataclass
class RevisionGraph:
    """Revisions by id, their order from base to heads, and graph findings."""

    scripts: dict[str, RevisionScript] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    heads: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def build_graph(scripts: list[RevisionScript], settings: Settings) -> RevisionGraph:
    """Link ``scripts`` by down_revision and report STW401-STW404."""
    # TODO: real graph building.
    return RevisionGraph(scripts={s.revision: s for s in scripts if s.revision})
