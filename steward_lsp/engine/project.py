"""Alembic environments found in a workspace.

A workspace may hold several environments (a monorepo, a core chain and a
plugin chain); each is analysed on its own and findings never mix chains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from steward_lsp.engine.config import Settings


@dataclass
class CompareOptions:
    """Comparison options read from ``context.configure(...)`` in env.py.

    The defaults are Alembic's own (1.12 and later compare types by
    default and leave server defaults alone). ``include_tables`` and
    ``exclude_tables`` come from simple ``include_object`` / ``include_name``
    filters that test a table name against literals; None means no filter.
    """

    compare_type: bool = True
    compare_server_default: bool = False
    include_schemas: bool = False
    render_as_batch: bool = False
    include_tables: set[str] | None = None
    exclude_tables: set[str] = field(default_factory=set)


@dataclass
class Environment:
    """One Alembic environment and the model modules it compares against.

    ``name`` is the script location relative to the workspace root, which
    tells environments apart in messages. ``model_files`` are the files the
    analysis reads for models, found by following ``target_metadata`` in
    env.py or named by ``[tool.steward] models``. ``source_roots`` are the
    folders from which dotted module names are resolved.
    """

    name: str
    root: Path
    config_file: Path | None
    script_location: Path
    version_locations: list[Path]
    env_py: Path | None
    model_files: list[Path] = field(default_factory=list)
    source_roots: list[Path] = field(default_factory=list)
    compare: CompareOptions = field(default_factory=CompareOptions)
    dialect: str | None = None
    file_template: str | None = None
    settings: Settings = field(default_factory=Settings)
    problems: list[str] = field(default_factory=list)
    config_section: str = "alembic"
    """The ini section of the environment (``alembic --name``), for the deep engine."""

    def revision_files(self) -> list[Path]:
        """Return the revision files in the version locations, sorted."""
        files: set[Path] = set()
        for folder in self.version_locations:
            if folder.is_dir():
                files.update(
                    path
                    for path in folder.rglob("*.py")
                    if path.name != "__init__.py" and "__pycache__" not in path.parts
                )
        return sorted(files)
