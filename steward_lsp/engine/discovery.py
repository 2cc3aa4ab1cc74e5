"""Discovery of Alembic environments from alembic.ini and pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from steward_lsp.engine.config import Settings
from steward_lsp.engine.project import Environment


def discover_environments(root: Path, settings: Settings) -> tuple[list[Environment], list[str]]:
    """Return the environments under ``root`` and configuration problems."""
    # TODO: real discovery.
    return [], []
