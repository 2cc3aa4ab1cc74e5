"""Static parser of SQLAlchemy model modules.

:func:`parse_model_module` is the per-file pass, cached by the workspace per
file text; :func:`build_model_schema` links the cached summaries across
files into the schema the models declare. The implementation lives in
:mod:`steward_lsp.engine.models`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.models.builder import SchemaBuilder, reachable_modules
from steward_lsp.engine.models.summary import ModuleSummary, summarize_module
from steward_lsp.engine.project import Environment
from steward_lsp.engine.schema import SchemaState
from steward_lsp.engine.sources import ModuleLoader

__all__ = ["ModelResult", "ModuleSummary", "build_model_schema", "parse_model_module"]


@dataclass
class ModelResult:
    """The schema the models declare and the findings of parsing them."""

    schema: SchemaState = field(default_factory=SchemaState)
    findings: list[Finding] = field(default_factory=list)


def parse_model_module(path: Path, text: str) -> ModuleSummary:
    """Parse one module; raises SyntaxError when it is not valid Python."""
    return summarize_module(path.resolve(), text)


def build_model_schema(
    env: Environment, loader: ModuleLoader[ModuleSummary]
) -> ModelResult:
    """Build the declared schema from the environment's model files.

    Follows imports of workspace modules from ``env.model_files``; every
    table declared in a reached file counts. Constructs that cannot be
    followed give one STW100 finding each.

    NOTE: tables of unchanged modules are reused from the previous build, so
    callers must treat the returned tables as read-only.
    """
    modules = reachable_modules(env.model_files, loader)
    builder = SchemaBuilder(loader)
    schema = builder.build(modules)
    return ModelResult(schema, builder.findings())
