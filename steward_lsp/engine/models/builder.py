"""Linking the model modules of an environment into one declared schema."""

from __future__ import annotations

import ast
import logging
from collections import deque
from pathlib import Path

from steward_lsp.engine.findings import Finding, Severity
from steward_lsp.engine.models.classes import ClassIndex, read_convention
from steward_lsp.engine.models.core import read_table
from steward_lsp.engine.models.declarative import DeclarativeBuilder, Report
from steward_lsp.engine.models.linked_scope import Project
from steward_lsp.engine.models.linker import ClassBinding, Linker
from steward_lsp.engine.models.summary import ModuleSummary
from steward_lsp.engine.schema import (
    ForeignKeyDef,
    SchemaState,
    TableDef,
    TypeSpec,
    table_key,
)
from steward_lsp.engine.sources import ModuleLoader
from steward_lsp.engine.sqla_ast import Unfollowed, split_column_path

logger = logging.getLogger(__name__)

_MAX_SOURCE = 60


def reachable_modules(
    model_files: list[Path], loader: ModuleLoader[ModuleSummary]
) -> list[ModuleSummary]:
    """Return the model files and the workspace modules they import, in BFS order."""
    seen: set[Path] = set()
    queue = deque(path.resolve() for path in model_files)
    found: list[ModuleSummary] = []
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        summary = loader.summary(path)
        if summary is None:
            continue
        found.append(summary)
        for item in summary.imports:
            target = loader.resolve(item.module, path, item.level)
            if target is not None:
                queue.append(target)
            for name in item.names:
                submodule = f"{item.module}.{name}" if item.module else name
                child = loader.resolve(submodule, path, item.level)
                if child is not None:
                    queue.append(child)
    return found


class SchemaBuilder:
    """Build the declared schema of one environment's model modules."""

    def __init__(self, loader: ModuleLoader[ModuleSummary]):
        self.project = Project(Linker(loader))
        self.classes = ClassIndex(self.project)
        self.report = Report()
        self.declarative = DeclarativeBuilder(self.classes, self.report)
        self.project.column_path = self.column_path
        self.schema = SchemaState()
        self._conventions: list[dict[str, str]] = []

    def build(self, modules: list[ModuleSummary]) -> SchemaState:
        """Add every table the modules declare, then link foreign keys."""
        for module in modules:
            self._add_module(module)
        self._resolve_pending()
        self._fill_foreign_key_types()
        for module in modules:
            self._read_convention_assignments(module)
        if self._conventions:
            self.schema.naming_convention = dict(self._conventions[-1])
        return self.schema

    def findings(self) -> list[Finding]:
        """Return one STW100 finding per line with a construct not followed."""
        findings: list[Finding] = []
        seen: set[tuple[Path, int]] = set()
        for scope, item in self.report.items:
            module = scope.module
            location = module.lines.location(module.path, item.node)
            key = (module.path, location.span.start_line)
            if key in seen:
                continue
            seen.add(key)
            findings.append(
                Finding(
                    "STW100",
                    unfollowed_message(item),
                    location,
                    severity=Severity.INFORMATION,
                )
            )
        return sorted(findings, key=Finding.sort_key)

    def _add_module(self, module: ModuleSummary) -> None:
        scope = self.project.scope(module)
        for info in module.classes.values():
            built = self.declarative.class_table(ClassBinding(module, info))
            if built is None or built.table is None:
                continue
            self._add_table(built.table)
            base = built.model.base
            if base is not None and base.metadata.naming_convention:
                self._remember(base.metadata.naming_convention)
        for table_call in module.tables:
            unfollowed: list[Unfollowed] = []
            read = read_table(table_call.call, scope, unfollowed)
            self.report.add(scope, unfollowed[:1])
            if read is None:
                continue
            table, metadata = read
            self._add_table(table)
            if metadata.naming_convention:
                self._remember(metadata.naming_convention)

    def _add_table(self, table: TableDef) -> None:
        if table.key in self.schema.tables:
            logger.debug("table %s is declared twice; keeping the first", table.key)
            return
        self.schema.add(table)

    def _remember(self, convention: dict[str, str]) -> None:
        if convention not in self._conventions:
            self._conventions.insert(0, convention)

    def _read_convention_assignments(self, module: ModuleSummary) -> None:
        scope = self.project.scope(module)
        for statement in module.conventions:
            convention = read_convention(statement.value, scope)
            if convention:
                self._conventions.append(convention)

    # -- foreign keys ---------------------------------------------------------

    def column_path(self, module: ModuleSummary, node: ast.expr) -> str | None:
        """Return ``[schema.]table.column`` for ``Model.attr`` written in ``module``."""
        if not isinstance(node, ast.Attribute):
            return None
        binding = self.project.linker.resolve(module, node.value)
        if not isinstance(binding, ClassBinding):
            return None
        built = self.declarative.class_table(binding)
        if built is None or built.owner is None:
            return None
        column = built.attribute_columns.get(node.attr, node.attr)
        return f"{built.owner.key}.{column}"

    def _resolve_pending(self) -> None:
        for built in self.declarative.built_tables():
            for read, module in built.pending:
                for fk, node in read.class_references:
                    path = self.column_path(module, node)
                    target = split_column_path(path) if path else None
                    if target is None:
                        continue
                    fk.referred_schema, fk.referred_table, referred = target
                    fk.referred_columns = (referred,)

    def _fill_foreign_key_types(self) -> None:
        """Give a column written without a type the type of the column it refers to."""
        for table in self.schema.tables.values():
            for column in table.columns.values():
                if column.type is not None:
                    continue
                column.type = self._referred_type(table, column.foreign_keys)

    def _referred_type(
        self, table: TableDef, foreign_keys: list[ForeignKeyDef]
    ) -> TypeSpec:
        for fk in foreign_keys:
            referred = self.schema.tables.get(
                table_key(fk.referred_table, fk.referred_schema)
            )
            if referred is None or not fk.referred_columns:
                continue
            target = referred.columns.get(fk.referred_columns[0])
            if target is not None and target.type is not None:
                return target.type
        return TypeSpec("NullType", text="", known=False)


def unfollowed_message(item: Unfollowed) -> str:
    """Return the STW100 message for a construct the parser could not follow."""
    source = ast.unparse(item.node) if isinstance(item.node, ast.expr) else ""
    if len(source) > _MAX_SOURCE:
        source = source[: _MAX_SOURCE - 3] + "..."
    shown = f" ({source})" if source else ""
    return (
        f"steward cannot follow {item.reason}{shown} without running the code; "
        "the rest of the file is still analysed"
    )
