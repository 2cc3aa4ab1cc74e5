"""The inputs every rule reads for one environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from steward_lsp.engine.config import Settings
from steward_lsp.engine.graph import RevisionGraph
from steward_lsp.engine.migration import RevisionScript
from steward_lsp.engine.project import Environment
from steward_lsp.engine.queries.uses import ProjectQueries
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
    unparsed_model_files: tuple[Path, ...] = ()
    """Model and revision files that never parsed; drift rules report nothing."""
    queries: ProjectQueries = field(default_factory=ProjectQueries)
    models_unusable: bool = False
    """The models found declare no table while the chain does; drift rules
    report nothing."""

    @property
    def dialect(self) -> str | None:
        """Return the dialect name without driver (``postgresql``), if known."""
        name = self.settings.dialect or self.environment.dialect
        if not name:
            return None
        return name.split("+", 1)[0].lower()

    def head_uncertain_everywhere(self) -> bool:
        """Return whether replay could not tell which tables raw SQL changed."""
        return bool(self.replay_result.uncertain_everywhere)

    def is_table_uncertain(self, key: str) -> bool:
        """Return whether replay marked the table ``key`` as uncertain."""
        return key in self.replay_result.uncertain_tables

    def schema_before(self, revision: str) -> SchemaState | None:
        """Return the schema just before ``revision`` ran, if replay recorded it."""
        return self.replay_result.schema_before.get(revision)
