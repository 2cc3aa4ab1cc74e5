"""Mapped classes turned into tables: names, inherited columns, table args.

SQLAlchemy's rules, as of 2.x: a column attribute is taken from the first
class in the MRO that defines it, unless that class is itself mapped (then
the column belongs to the parent's table). ``__tablename__`` and
``__table_args__`` come from the class, a mixin or an abstract base, or a
``declared_attr`` anywhere; a plain one on a mapped parent does not count.
A mapped subclass without a table name adds its columns to its parent's
table (single-table inheritance).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from steward_lsp.engine.models.attributes import read_attribute
from steward_lsp.engine.models.classes import ClassIndex, ClassModel
from steward_lsp.engine.models.core import read_table
from steward_lsp.engine.models.linked_scope import ClassScope, ModuleScope
from steward_lsp.engine.models.linker import ClassBinding
from steward_lsp.engine.models.locations import attribute_location, class_location
from steward_lsp.engine.models.sqlmodel_fields import read_field
from steward_lsp.engine.models.summary import Attribute, ModuleSummary
from steward_lsp.engine.models.table_args import apply_table_args
from steward_lsp.engine.models.table_names import (
    declared_table_name,
    single_return,
    snake_case,
)
from steward_lsp.engine.schema import TableDef
from steward_lsp.engine.sqla_ast import ColumnRead, Unfollowed, follow, string

# Attributes of a declarative base that are configuration, not columns.
_BASE_SETTINGS = {"metadata", "registry", "type_annotation_map"}


@dataclass
class ClassTable:
    """The table a mapped class maps to, or why it maps none.

    ``owner`` is the table the class's columns went into: its own, or under
    single-table inheritance (``inherits``) a table holding only the columns
    the class adds to its parent's table, with the parent's name and schema.
    ``pending`` are the class references of foreign keys to resolve.
    """

    model: ClassModel
    table: TableDef | None
    owner: TableDef | None
    inherits: bool = False
    attribute_columns: dict[str, str] = field(default_factory=dict)
    pending: list[tuple[ColumnRead, ModuleSummary]] = field(default_factory=list)


@dataclass
class Report:
    """Unfollowed constructs found while building, per source file."""

    items: list[tuple[ModuleScope, Unfollowed]] = field(default_factory=list)

    def add(self, scope: ModuleScope, found: list[Unfollowed]) -> None:
        """Record what could not be followed in ``scope``'s module."""
        self.items.extend((scope, item) for item in found)


class DeclarativeBuilder:
    """Build the table of each mapped class, memoized per class."""

    def __init__(self, classes: ClassIndex, report: Report):
        self.classes = classes
        self.report = report
        self._tables: dict[tuple[int, str], ClassTable] = {}

    def built_tables(self) -> list[ClassTable]:
        """Return every class table built so far."""
        return list(self._tables.values())

    def class_table(self, binding: ClassBinding) -> ClassTable | None:
        """Return the table of a mapped class, or None for other classes."""
        key = (binding.module.serial, binding.info.name)
        if key in self._tables:
            return self._tables[key]
        model = self.classes.model(binding)
        if model.role != "mapped":
            return None
        placeholder = ClassTable(model, None, None)
        self._tables[key] = placeholder
        built = self._build(model)
        self._tables[key] = built
        return built

    def _build(self, model: ClassModel) -> ClassTable:
        binding = model.binding
        scope = self.classes.project.scope(binding.module)
        parent = self._mapped_parent(model)
        if "__table__" in binding.info.dunders:
            return self._explicit_table(model, scope)
        name, name_unfollowed = self._table_name(model, parent)
        self.report.add(scope, name_unfollowed)
        result = ClassTable(model, None, None)
        if name is None and parent is None:
            if not name_unfollowed:
                self.report.add(
                    scope,
                    [
                        Unfollowed(
                            binding.info.node, "a mapped class without a table name"
                        )
                    ],
                )
            return result
        if name is None:
            assert parent is not None
            if parent.owner is None:
                return result
            # Single-table inheritance: collect the columns apart, and let the
            # builder add them to the parent's table, which may be cached.
            result.owner = TableDef(parent.owner.name, parent.owner.schema)
            result.inherits = True
        else:
            result.table = TableDef(
                name=name,
                schema=model.base.metadata.schema if model.base else None,
                class_name=binding.info.name,
                location=class_location(binding),
            )
            result.owner = result.table
        if result.owner is None:
            return result
        self._add_columns(model, result, scope)
        if result.table is not None:
            self._apply_table_args(model, result.table, scope)
            result.table.bind_key = self._bind_key(model)
        self._report_bases(model, scope)
        return result

    def _bind_key(self, model: ClassModel) -> str | None:
        """Return the Flask-SQLAlchemy bind of ``model``'s table.

        Flask-SQLAlchemy 3 reads ``__bind_key__`` from the class or any parent
        and gives the model that bind's MetaData.

        NOTE: ``__table_args__ = {"info": {"bind_key": ...}}`` is not read as
        a bind, because Flask-SQLAlchemy 3.1 picks the engine from the
        MetaData's info only; version 2 read the table's info.
        """
        for ancestor in model.mro:
            value = ancestor.info.dunders.get("__bind_key__")
            if value is not None:
                return string(value, self.classes.project.scope(ancestor.module))
        return None

    def _explicit_table(self, model: ClassModel, scope: ModuleScope) -> ClassTable:
        """Map ``__table__ = Table(...)`` (or a module-level table) as it is."""
        node = model.binding.info.dunders["__table__"]
        target, target_scope = follow(node, scope)
        result = ClassTable(model, None, None)
        owner = target_scope if isinstance(target_scope, ModuleScope) else scope
        unfollowed: list[Unfollowed] = []
        read = None
        if isinstance(target, ast.Call) and owner.symbol(target.func) == "Table":
            read = read_table(target, owner, unfollowed)
        if read is None:
            self.report.add(
                scope,
                unfollowed[:1]
                or [Unfollowed(node, "a __table__ that is not a Table()")],
            )
            return result
        table = read[0]
        table.class_name = model.binding.info.name
        table.location = class_location(model.binding)
        result.table = result.owner = table
        result.attribute_columns = {name: name for name in table.columns}
        self.report.add(owner, unfollowed[:1])
        return result

    def _mapped_parent(self, model: ClassModel) -> ClassTable | None:
        for ancestor in model.mro[1:]:
            found = self.class_table(ancestor)
            if found is not None:
                return found
        return None

    # -- table name -------------------------------------------------------

    def _table_name(
        self, model: ClassModel, parent: ClassTable | None
    ) -> tuple[str | None, list[Unfollowed]]:
        flavour = model.base.flavour if model.base else "declarative"
        found = self._dunder(model, "__tablename__")
        if found is None and flavour == "sqlmodel":
            # SQLModel's own declared_attr names the table after the class.
            return model.binding.info.name.lower(), []
        if found is not None:
            owner, value, is_function = found
            scope = self.classes.project.scope(owner.module)
            name = (
                declared_table_name(value, model.binding.info.name)
                if is_function
                else string(value, scope)
            )
            if name is None:
                return None, [
                    Unfollowed(value, "a __tablename__ that is not a literal")
                ]
            if flavour == "flask" and parent is not None:
                # Flask-SQLAlchemy's __table_cls__ makes a subclass without a
                # primary key single-table, even with its own __tablename__.
                return (name if self._own_primary_key(model) else None), []
            return name, []
        if flavour == "flask" and (parent is None or self._own_primary_key(model)):
            return snake_case(model.binding.info.name), []
        return None, []

    def _own_primary_key(self, model: ClassModel) -> bool:
        scope = self.classes.project.scope(model.binding.module)
        for attribute in model.binding.info.attributes:
            column = read_attribute(attribute, scope, model.base)
            if column.read is not None and column.read.column.primary_key:
                return True
        return False

    def _dunder(
        self, model: ClassModel, name: str
    ) -> tuple[ClassBinding, ast.expr | ast.FunctionDef, bool] | None:
        """Return the class defining ``name``, its value, and if it is a function."""
        for ancestor in model.mro:
            function = ancestor.info.declared_attrs.get(name)
            if function is not None:
                return ancestor, function, True
            value = ancestor.info.dunders.get(name)
            if value is None:
                continue
            if (
                ancestor is not model.binding
                and self.classes.model(ancestor).role == "mapped"
            ):
                return None
            return ancestor, value, False
        return None

    # -- columns ----------------------------------------------------------

    def _add_columns(
        self, model: ClassModel, result: ClassTable, scope: ModuleScope
    ) -> None:
        table = result.owner
        assert table is not None
        for name, ancestor, attribute in self._column_attributes(model):
            owner_scope = self.classes.project.scope(ancestor.module)
            column = self._read(model, attribute, owner_scope, table)
            if column is None:
                continue
            location = attribute_location(ancestor, attribute)
            column.column.location = location
            for fk in column.column.foreign_keys:
                fk.location = location
            table.columns.setdefault(column.column.name, column.column)
            result.attribute_columns[name] = column.column.name
            if column.class_references:
                result.pending.append((column, ancestor.module))
        for ancestor in model.mro:
            if (
                ancestor is not model.binding
                and self.classes.model(ancestor).role == "mapped"
            ):
                break
            self._declared_columns(model, ancestor, result)

    def _column_attributes(
        self, model: ClassModel
    ) -> list[tuple[str, ClassBinding, Attribute]]:
        """Return the attributes that map columns of this class, own ones first."""
        seen: set[str] = set()
        found: list[tuple[str, ClassBinding, Attribute]] = []
        for ancestor in model.mro:
            role = self.classes.model(ancestor).role
            is_self = ancestor is model.binding
            for attribute in ancestor.info.attributes:
                if (
                    attribute.name in seen
                    or attribute.name in ancestor.info.declared_attrs
                ):
                    continue
                seen.add(attribute.name)
                if role == "mapped" and not is_self:
                    continue
                if role == "base" and attribute.name in _BASE_SETTINGS:
                    continue
                found.append((attribute.name, ancestor, attribute))
            seen.update(ancestor.info.declared_attrs)
        return found

    def _read(
        self,
        model: ClassModel,
        attribute: Attribute,
        scope: ModuleScope,
        table: TableDef,
    ) -> ColumnRead | None:
        flavour = model.base.flavour if model.base else "declarative"
        if flavour == "sqlmodel":
            column = read_field(attribute, scope)
        else:
            column = read_attribute(attribute, scope, model.base)
        self.report.add(scope, column.unfollowed[:1])
        if column.structural:
            table.uncertain = f"attribute {attribute.name} could not be followed"
        return column.read

    def _declared_columns(
        self, model: ClassModel, ancestor: ClassBinding, result: ClassTable
    ) -> None:
        table = result.owner
        assert table is not None
        scope = self.classes.project.scope(ancestor.module)
        for name, function in ancestor.info.declared_attrs.items():
            if name.startswith("__") or name in result.attribute_columns:
                continue
            value = single_return(function)
            if value is None:
                self.report.add(scope, [Unfollowed(function, f"declared_attr {name}")])
                table.uncertain = f"declared_attr {name} could not be followed"
                continue
            attribute = Attribute(name, function.returns, value, function)
            column = self._read(model, attribute, scope, table)
            if column is None:
                continue
            column.column.location = attribute_location(ancestor, attribute)
            table.columns.setdefault(column.column.name, column.column)
            result.attribute_columns[name] = column.column.name
            if column.class_references:
                result.pending.append((column, ancestor.module))

    # -- table args -------------------------------------------------------

    def _apply_table_args(
        self, model: ClassModel, table: TableDef, scope: ModuleScope
    ) -> None:
        found = self._dunder(model, "__table_args__")
        if found is None:
            return
        owner, value, is_function = found
        owner_scope = self.classes.project.scope(owner.module)
        node = single_return(value) if isinstance(value, ast.FunctionDef) else value
        if node is None or not isinstance(node, ast.expr):
            self.report.add(
                owner_scope, [Unfollowed(value, "a __table_args__ function")]
            )
            table.uncertain = "__table_args__ could not be followed"
            return
        unfollowed: list[Unfollowed] = []
        module = owner.module
        if is_function:
            # ``cls`` in a declared_attr is the mapped class.
            owner_scope = ClassScope(owner_scope, table.name, model.binding.info.name)
        readable = apply_table_args(
            table,
            node,
            owner_scope,
            unfollowed,
            lambda item: module.lines.location(module.path, item),
        )
        self.report.add(owner_scope, unfollowed[:1])
        if not readable:
            table.uncertain = "__table_args__ could not be followed"

    def _report_bases(self, model: ClassModel, scope: ModuleScope) -> None:
        from steward_lsp.engine.models.classes import COLUMN_FREE_BASES

        for node, qualified in model.external_bases:
            if qualified not in COLUMN_FREE_BASES:
                reason = f"columns inherited from {qualified}, outside the workspace"
                self.report.add(scope, [Unfollowed(node, reason)])
        for node in model.unresolved_bases:
            self.report.add(
                scope, [Unfollowed(node, f"base class {ast.unparse(node)}")]
            )
