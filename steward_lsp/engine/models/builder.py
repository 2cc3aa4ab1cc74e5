"""Linking the model modules of an environment into one declared schema.

Each module's tables are computed once and cached on its summary, keyed
by the parse serials of the module and of every workspace module it
imports, directly or not. After an edit only the edited module and the
modules importing it are linked again; the others reuse their tables.
Cached tables are shared between analyses, so the steps that cross files
(single-table inheritance, a foreign key's type taken from the column it
refers to) copy a table before changing it.
"""

from __future__ import annotations

import ast
import logging
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path

from steward_lsp.engine.findings import Finding, Severity
from steward_lsp.engine.models.classes import ClassIndex, read_convention
from steward_lsp.engine.models.core import read_table
from steward_lsp.engine.models.declarative import DeclarativeBuilder, Report
from steward_lsp.engine.models.linked_scope import ModuleScope, Project
from steward_lsp.engine.models.linker import ClassBinding, Linker
from steward_lsp.engine.models.summary import ModuleSummary
from steward_lsp.engine.schema import (
    ForeignKeyDef,
    IndexDef,
    SchemaState,
    TableDef,
    TypeSpec,
    table_key,
)
from steward_lsp.engine.sources import ModuleLoader
from steward_lsp.engine.sqla_ast import (
    ColumnRead,
    Unfollowed,
    foreign_key_target,
    index_def,
    split_column_path,
)

logger = logging.getLogger(__name__)

_MAX_SOURCE = 60


@dataclass
class ModuleTables:
    """The schema contribution of one module, computed once per dependency key.

    ``inherited`` contains, per parent table key, the columns that classes of
    this module add to a parent's table by single-table inheritance, and
    ``indexes`` the module-level ``Index(...)`` calls with their table key.
    ``table_conventions`` is the naming convention of each table's MetaData,
    None where that MetaData is not known, and ``assigned_conventions`` the
    ``X.metadata.naming_convention = {...}`` statements of the module.
    """

    tables: list[TableDef] = field(default_factory=list)
    inherited: list[TableDef] = field(default_factory=list)
    indexes: list[tuple[str, IndexDef]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    table_conventions: dict[str, dict[str, str] | None] = field(default_factory=dict)
    assigned_conventions: list[dict[str, str]] = field(default_factory=list)


def import_paths(
    module: ModuleSummary, loader: ModuleLoader[ModuleSummary]
) -> list[Path]:
    """Return the workspace files ``module`` imports, resolved once per parse."""
    if module.import_paths is not None:
        return module.import_paths
    found: list[Path] = []
    for item in module.imports:
        target = loader.resolve(item.module, module.path, item.level)
        if target is not None:
            found.append(target)
        for name in item.names:
            submodule = f"{item.module}.{name}" if item.module else name
            child = loader.resolve(submodule, module.path, item.level)
            if child is not None:
                found.append(child)
    # NOTE: a module created later is found only once the importing file is
    # parsed again; the workspace re-parses a file when its text changes.
    module.import_paths = found
    return found


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
        queue.extend(import_paths(summary, loader))
    return found


class SchemaBuilder:
    """Build the declared schema of one environment's model modules."""

    def __init__(self, loader: ModuleLoader[ModuleSummary]):
        self.loader = loader
        self.project = Project(Linker(loader))
        self.classes = ClassIndex(self.project)
        self.report = Report()
        self.declarative = DeclarativeBuilder(self.classes, self.report)
        self.project.column_path = self.column_path
        self.schema = SchemaState()
        self._copied: set[str] = set()
        self._findings: list[Finding] = []

    def build(self, modules: list[ModuleSummary]) -> SchemaState:
        """Add every table the modules declare, then link across files."""
        closures = self._closures(modules)
        contributions = [self._module_tables(module, closures) for module in modules]
        conventions: dict[str, dict[str, str] | None] = {}
        assigned: list[dict[str, str]] = []
        for contribution in contributions:
            for table in contribution.tables:
                if self._add_table(table):
                    conventions[table.key] = contribution.table_conventions[table.key]
            assigned.extend(contribution.assigned_conventions)
            self._findings.extend(contribution.findings)
        for contribution in contributions:
            for columns in contribution.inherited:
                self._add_inherited(columns)
            for key, index in contribution.indexes:
                if key in self.schema.tables:
                    self._writable(key).indexes.append(index)
        self._fill_foreign_key_types()
        self._set_conventions(conventions, assigned)
        return self.schema

    def _set_conventions(
        self,
        conventions: dict[str, dict[str, str] | None],
        assigned: list[dict[str, str]],
    ) -> None:
        """Give each table its metadata's convention, and pick Alembic's.

        A table whose MetaData is not known (``db.Table(...)``, a MetaData
        passed through a function) gets the one convention the known tables
        share, if they share one.

        NOTE: an assignment ``X.metadata.naming_convention = {...}`` is not
        tied to the metadata of ``X``. It applies to every table whose
        ``MetaData(...)`` sets no convention, and the last one wins.
        """
        known = {
            tuple(sorted(c.items())) for c in conventions.values() if c is not None
        }
        if assigned:
            fallback = dict(assigned[-1])
        elif len(known) == 1:
            fallback = dict(next(iter(known)))
        else:
            fallback = {}
        for key, convention in conventions.items():
            self.schema.table_conventions[key] = dict(convention or fallback)
        distinct = {
            tuple(sorted(c.items())) for c in self.schema.table_conventions.values()
        }
        # Alembic's operations take the convention of ``target_metadata`` only
        # when it is one MetaData (alembic.operations.schemaobj), and a list
        # gives them SQLAlchemy's default. Tables with different conventions
        # are on different MetaData objects, so env.py must list several.
        if len(distinct) == 1:
            self.schema.naming_convention = dict(distinct.pop())
        elif not distinct:
            self.schema.naming_convention = fallback

    def findings(self) -> list[Finding]:
        """Return one STW100 finding per line with a construct not followed.

        A project TypeDecorator whose stored type is chosen at run time is
        reported once, at its first use, however many columns use it.
        """
        unique: dict[tuple[str, int] | str, Finding] = {}
        for finding in sorted(self._findings, key=Finding.sort_key):
            decorator = finding.data.get("type_decorator")
            key = (
                decorator
                if isinstance(decorator, str)
                else (str(finding.location.path), finding.location.span.start_line)
            )
            unique.setdefault(key, finding)
        return sorted(unique.values(), key=Finding.sort_key)

    # -- per module -----------------------------------------------------------

    def _closures(self, modules: list[ModuleSummary]) -> dict[int, frozenset[int]]:
        """Return, per module serial, the serials of every module it imports."""
        by_path = {module.path: module for module in modules}
        closures: dict[int, frozenset[int]] = {}
        for module in modules:
            seen: set[int] = set()
            stack = [module]
            while stack:
                current = stack.pop()
                for path in import_paths(current, self.loader):
                    child = by_path.get(path)
                    if child is not None and child.serial not in seen:
                        seen.add(child.serial)
                        stack.append(child)
            closures[module.serial] = frozenset(seen)
        return closures

    def _module_tables(
        self, module: ModuleSummary, closures: dict[int, frozenset[int]]
    ) -> ModuleTables:
        key = (module.serial, closures.get(module.serial, frozenset()))
        if module.linked is not None and module.linked[0] == key:
            cached = module.linked[1]
            assert isinstance(cached, ModuleTables)
            return cached
        result = self._link_module(module)
        module.linked = (key, result)
        return result

    def _link_module(self, module: ModuleSummary) -> ModuleTables:
        result = ModuleTables()
        start = len(self.report.items)
        scope = self.project.scope(module)
        for info in module.classes.values():
            try:
                built = self.declarative.class_table(ClassBinding(module, info))
            except Exception:  # noqa: BLE001 - one class must not stop the others
                logger.exception(
                    "reading class %s in %s failed", info.name, module.path
                )
                reason = f"class {info.name} (an internal error, logged)"
                self.report.add(scope, [Unfollowed(info.node, reason)])
                continue
            if built is None or built.owner is None:
                continue
            self._resolve_pending(built.pending)
            if built.inherits:
                result.inherited.append(built.owner)
            elif built.table is not None:
                result.tables.append(built.table)
                base = built.model.base
                result.table_conventions[built.table.key] = (
                    base.metadata.naming_convention if base is not None else {}
                )
        for table_call in module.tables:
            unfollowed: list[Unfollowed] = []
            read = read_table(table_call.call, scope, unfollowed)
            self.report.add(scope, unfollowed[:1])
            if read is not None:
                result.tables.append(read[0])
                result.table_conventions[read[0].key] = self._core_convention(
                    table_call.call, scope, read[1].naming_convention
                )
        for call in module.indexes:
            self._module_index(call, scope, result)
        for statement in module.conventions:
            convention = read_convention(statement.value, scope)
            if convention:
                result.assigned_conventions.append(convention)
        result.findings = [
            _finding(item_scope.module, item)
            for item_scope, item in self.report.items[start:]
        ]
        return result

    def _core_convention(
        self, call: ast.Call, scope: ModuleScope, read: dict[str, str]
    ) -> dict[str, str] | None:
        """Return the convention of a ``Table()``'s MetaData, None if unknown.

        ``Table("t", Base.metadata, ...)`` takes the convention of the
        declarative base ``Base``.
        """
        if read:
            return read
        target = call.args[1] if len(call.args) > 1 else None
        if isinstance(target, ast.Attribute) and target.attr == "metadata":
            binding = self.project.linker.resolve(scope.module, target.value)
            if isinstance(binding, ClassBinding):
                base = self.classes.model(binding).base
                if base is not None:
                    return base.metadata.naming_convention
        return None

    def _module_index(
        self, call: ast.Call, scope: ModuleScope, result: ModuleTables
    ) -> None:
        """Read ``Index("ix", func.lower(User.email))`` written after the class."""
        key = self._index_table(call, scope)
        if key is None:
            self.report.add(scope, [Unfollowed(call, "the table of an Index()")])
            return
        unfollowed: list[Unfollowed] = []
        index = index_def(call, scope, unfollowed)
        index.location = scope.module.lines.location(scope.module.path, call)
        self.report.add(scope, unfollowed[:1])
        result.indexes.append((key, index))

    def _index_table(self, call: ast.Call, scope: ModuleScope) -> str | None:
        for node in call.args[1:]:
            for child in ast.walk(node):
                if not isinstance(child, ast.Attribute):
                    continue
                path = self.column_path(scope.module, child)
                if path is None:
                    path = foreign_key_target_text(child, scope)
                if path is not None:
                    return path.rsplit(".", 1)[0]
        return None

    # -- across modules -------------------------------------------------------

    def _add_table(self, table: TableDef) -> bool:
        """Add ``table`` unless its key is taken; return whether it was added."""
        if table.key in self.schema.tables:
            logger.debug("table %s is declared twice; keeping the first", table.key)
            return False
        self.schema.add(table)
        return True

    def _writable(self, key: str) -> TableDef:
        """Return the schema's table ``key``, copied first if it may be cached."""
        table = self.schema.tables[key]
        if key not in self._copied:
            table = replace(
                table, columns=dict(table.columns), indexes=list(table.indexes)
            )
            self.schema.tables[key] = table
            self._copied.add(key)
        return table

    def _add_inherited(self, columns: TableDef) -> None:
        if columns.key not in self.schema.tables:
            return
        table = self._writable(columns.key)
        for name, column in columns.columns.items():
            table.columns.setdefault(name, column)
        if columns.uncertain and not table.uncertain:
            table.uncertain = columns.uncertain

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

    def _resolve_pending(self, pending: list[tuple[ColumnRead, ModuleSummary]]) -> None:
        for read, module in pending:
            for fk, node in read.class_references:
                path = self.column_path(module, node)
                target = split_column_path(path) if path else None
                if target is None:
                    continue
                fk.referred_schema, fk.referred_table, referred = target
                fk.referred_columns = (referred,)

    def _fill_foreign_key_types(self) -> None:
        """Give a column written without a type the type of the column it refers to."""
        for key in list(self.schema.tables):
            table = self.schema.tables[key]
            for name, column in table.columns.items():
                if column.type is not None:
                    continue
                spec = self._referred_type(table, column.foreign_keys)
                writable = self._writable(key)
                writable.columns[name] = replace(column, type=spec)

    def _referred_type(
        self, table: TableDef, foreign_keys: list[ForeignKeyDef]
    ) -> TypeSpec:
        for fk in foreign_keys:
            key = table_key(fk.referred_table, fk.referred_schema)
            referred = self.schema.tables.get(key)
            if referred is None or not fk.referred_columns:
                continue
            target = referred.columns.get(fk.referred_columns[0])
            if target is not None and target.type is not None:
                return target.type
        return TypeSpec("NullType", text="", known=False)


def foreign_key_target_text(node: ast.expr, scope: ModuleScope) -> str | None:
    """Return ``[schema.]table.column`` for ``table.c.column`` of a ``Table()``."""
    target = foreign_key_target(node, scope)
    if target is None:
        return None
    schema, table, column = target
    return f"{schema}.{table}.{column}" if schema else f"{table}.{column}"


def _finding(module: ModuleSummary, item: Unfollowed) -> Finding:
    location = module.lines.location(module.path, item.node)
    data: dict[str, object] = {}
    if item.type_decorator is not None:
        data["type_decorator"] = item.type_decorator
    return Finding(
        "STW100",
        unfollowed_message(item),
        location,
        severity=Severity.INFORMATION,
        data=data,
    )


def unfollowed_message(item: Unfollowed) -> str:
    """Return the STW100 message for a construct the parser could not follow."""
    source = ast.unparse(item.node) if isinstance(item.node, ast.expr) else ""
    if len(source) > _MAX_SOURCE:
        source = source[: _MAX_SOURCE - 3] + "..."
    shown = f": {source}" if source else ""
    if item.type_decorator is not None:
        return (
            f"steward cannot follow {item.reason} without running the code{shown}; "
            "no column of this type is compared with the migrations"
        )
    return (
        f"steward cannot follow {item.reason} without running the code{shown}; "
        "the rest of the file is still analysed"
    )
