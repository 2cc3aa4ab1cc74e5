"""Static parser of SQLAlchemy model modules."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.project import Environment
from steward_lsp.engine.schema import SchemaState
from steward_lsp.engine.sources import ModuleLoader


@dataclass
class ModuleSummary:
    """What one module declares, before names are linked across modules."""

    path: Path
    tree: ast.Module


@dataclass
class ModelResult:
    """The schema the models declare and the findings of parsing them."""

    schema: SchemaState = field(default_factory=SchemaState)
    findings: list[Finding] = field(default_factory=list)


def parse_model_module(path: Path, text: str) -> ModuleSummary:
    """Parse one module; raises SyntaxError when it is not valid Python."""
    return ModuleSummary(path, ast.parse(text, filename=str(path)))


def build_model_schema(env: Environment, loader: ModuleLoader[ModuleSummary]) -> ModelResult:
    """Build the declared schema from the environment's model files."""
    # TODO: real model parsing.
    return ModelResult()
