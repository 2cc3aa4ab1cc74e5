"""Roles of workspace classes: declarative base, mapped model, abstract base
or mixin, with the base (metadata, flavour) each class belongs to.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from steward_lsp.engine.models.linked_scope import ModuleScope, Project
from steward_lsp.engine.models.linker import ClassBinding, ValueBinding
from steward_lsp.engine.sqla_ast import FLASK_DB, canonical_symbol, keyword, literal

_DECLARATIVE_BASES = {"DeclarativeBase", "DeclarativeBaseNoMeta"}
_BASE_FACTORIES = {"declarative_base"}
_CONVENTION_KEYS = {
    "Index": "ix",
    "UniqueConstraint": "uq",
    "PrimaryKeyConstraint": "pk",
    "ForeignKeyConstraint": "fk",
    "CheckConstraint": "ck",
}
# Classes outside SQLAlchemy that are known to add no columns.
COLUMN_FREE_BASES = {
    "builtins.object",
    "abc.ABC",
    "typing.Generic",
    "flask_login.UserMixin",
    "flask_login.mixins.UserMixin",
    "pydantic.BaseModel",
    "sqlalchemy.orm.MappedAsDataclass",
    "sqlalchemy.ext.asyncio.AsyncAttrs",
    "sqlalchemy_serializer.SerializerMixin",
}


@dataclass
class MetadataInfo:
    """The options of a ``MetaData(...)`` that affect DDL."""

    naming_convention: dict[str, str] = field(default_factory=dict)
    schema: str | None = None


@dataclass
class BaseInfo:
    """A declarative base: ``flavour`` is ``declarative``, ``flask`` or ``sqlmodel``.

    ``type_map`` contains the ``type_annotation_map`` entries as written, each
    with the scope of the module that wrote it.
    """

    flavour: str
    metadata: MetadataInfo
    type_map: list[tuple[ast.expr, ast.expr, ModuleScope]] = field(default_factory=list)


@dataclass
class ClassModel:
    """A workspace class with its role; ``mro`` starts with the class itself."""

    binding: ClassBinding
    role: str
    base: BaseInfo | None
    mro: list[ClassBinding]
    external_bases: list[tuple[ast.expr, str]] = field(default_factory=list)
    unresolved_bases: list[ast.expr] = field(default_factory=list)


class ClassIndex:
    """Classify workspace classes, memoized per class."""

    def __init__(self, project: Project):
        self.project = project
        self._models: dict[tuple[int, str], ClassModel] = {}
        self._value_bases: dict[tuple[int, int], BaseInfo | None] = {}

    def model(self, binding: ClassBinding) -> ClassModel:
        """Return the role of ``binding``, classifying its bases first."""
        key = (binding.module.serial, binding.info.name)
        found = self._models.get(key)
        if found is not None:
            return found
        # A placeholder stops inheritance cycles (``class A(B)``/``class B(A)``).
        self._models[key] = ClassModel(binding, "mixin", None, [binding])
        found = self._classify(binding)
        self._models[key] = found
        return found

    def _classify(self, binding: ClassBinding) -> ClassModel:
        scope = self.project.scope(binding.module)
        info = binding.info
        parents: list[ClassModel] = []
        base: BaseInfo | None = None
        is_base = False
        external: list[tuple[ast.expr, str]] = []
        unresolved: list[ast.expr] = []
        for node in info.bases:
            found = self._base_of(node, scope)
            if isinstance(found, BaseInfo):
                base = base or found
                continue
            if isinstance(found, ClassBinding):
                parent = self.model(found)
                parents.append(parent)
                base = base or parent.base
                continue
            qualified = scope.qualify(node)
            if qualified is None:
                unresolved.append(node)
                continue
            symbol = canonical_symbol(qualified)
            if symbol in _DECLARATIVE_BASES:
                is_base = True
            elif qualified.startswith("sqlmodel") and qualified.endswith("SQLModel"):
                base = base or BaseInfo("sqlmodel", MetadataInfo())
            elif not qualified.startswith("sqlalchemy"):
                external.append((node, qualified))
        mro = _linearize(binding, parents)
        decorated = self._decorator_base(binding, scope)
        if isinstance(decorated, ast.Call):
            base_info = self._registry_base(decorated, scope, "declarative")
            return ClassModel(binding, "base", base_info, mro)
        base = base or decorated
        if is_base:
            return ClassModel(binding, "base", self._class_base(binding, scope), mro)
        role = self._role(info_has_abstract(binding), base, binding)
        return ClassModel(binding, role, base, mro, external, unresolved)

    def _decorator_base(
        self, binding: ClassBinding, scope: ModuleScope
    ) -> BaseInfo | ast.Call | None:
        """Read ``@registry.mapped`` (a mapped class) and ``@as_declarative()``.

        Returns the registry's base for the first, and the ``as_declarative``
        call for the second, whose class is then a declarative base.
        """
        for decorator in binding.info.node.decorator_list:
            if isinstance(decorator, ast.Call):
                if scope.symbol(decorator.func) == "as_declarative":
                    return decorator
                continue
            if isinstance(decorator, ast.Attribute) and decorator.attr in {
                "mapped",
                "mapped_as_dataclass",
            }:
                registry = _registry_call(decorator.value, scope)
                if registry is not None:
                    return self._registry_base(*registry, "declarative")
        return None

    def _role(
        self, abstract: bool, base: BaseInfo | None, binding: ClassBinding
    ) -> str:
        if base is None:
            return "mixin"
        if base.flavour == "sqlmodel":
            table = literal(
                binding.info.keywords.get("table"), self.project.scope(binding.module)
            )
            return "mapped" if table is True else "mixin"
        return "abstract" if abstract else "mapped"

    def _base_of(
        self, node: ast.expr, scope: ModuleScope
    ) -> BaseInfo | ClassBinding | None:
        """Return a workspace class, or the base a non-class expression builds."""
        qualified = scope.qualify(node)
        if qualified == f"{FLASK_DB}.Model":
            return self._flask_base(node, scope)
        binding = self.project.linker.resolve(scope.module, node)
        if isinstance(binding, ClassBinding):
            return binding
        if isinstance(binding, ValueBinding):
            return self._value_base(binding)
        return None

    def _value_base(self, binding: ValueBinding) -> BaseInfo | None:
        key = (binding.module.serial, id(binding.value))
        if key not in self._value_bases:
            self._value_bases[key] = self._read_value_base(binding)
        return self._value_bases[key]

    def _read_value_base(self, binding: ValueBinding) -> BaseInfo | None:
        scope = self.project.scope(binding.module)
        call = binding.value
        if not isinstance(call, ast.Call):
            return None
        symbol = scope.symbol(call.func)
        if symbol in _BASE_FACTORIES:
            return self._registry_base(call, scope, "declarative")
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "generate_base":
            registry = _registry_call(func.value, scope)
            if registry is not None:
                return self._registry_base(*registry, "declarative")
        return None

    def _registry_base(
        self, call: ast.Call, scope: ModuleScope, flavour: str
    ) -> BaseInfo:
        metadata = read_metadata(keyword(call, "metadata"), scope)
        info = BaseInfo(flavour, metadata)
        type_map = keyword(call, "type_annotation_map")
        if type_map is not None:
            info.type_map = _type_map_entries(type_map, scope)
        return info

    def _class_base(self, binding: ClassBinding, scope: ModuleScope) -> BaseInfo:
        info = BaseInfo("declarative", MetadataInfo())
        metadata = binding.info.attribute("metadata")
        if metadata is not None and metadata.value is not None:
            info.metadata = read_metadata(metadata.value, scope)
        registry = binding.info.attribute("registry")
        if registry is not None and isinstance(registry.value, ast.Call):
            registry_info = self._registry_base(registry.value, scope, "declarative")
            if (
                registry_info.metadata.naming_convention
                or registry_info.metadata.schema
            ):
                info.metadata = registry_info.metadata
            info.type_map.extend(registry_info.type_map)
        type_map = binding.info.attribute("type_annotation_map")
        if type_map is not None and type_map.value is not None:
            info.type_map.extend(_type_map_entries(type_map.value, scope))
        return info

    def _flask_base(self, node: ast.expr, scope: ModuleScope) -> BaseInfo:
        assert isinstance(node, ast.Attribute)
        binding = self.project.linker.resolve(scope.module, node.value)
        metadata = MetadataInfo()
        if isinstance(binding, ValueBinding) and isinstance(binding.value, ast.Call):
            owner = self.project.scope(binding.module)
            metadata = read_metadata(keyword(binding.value, "metadata"), owner)
            model_class = keyword(binding.value, "model_class")
            if model_class is not None:
                found = owner.class_binding(model_class)
                if found is not None:
                    model = self.model(found)
                    if model.role == "base" and model.base is not None:
                        return BaseInfo(
                            "flask", model.base.metadata, model.base.type_map
                        )
        return BaseInfo("flask", metadata)


def info_has_abstract(binding: ClassBinding) -> bool:
    """Return whether the class body sets ``__abstract__ = True``."""
    value = binding.info.dunders.get("__abstract__")
    return isinstance(value, ast.Constant) and value.value is True


def _registry_call(
    node: ast.expr, scope: ModuleScope
) -> tuple[ast.Call, ModuleScope] | None:
    """Return a ``registry(...)`` call and the scope of the module it is in."""
    if isinstance(node, ast.Call) and scope.symbol(node.func) == "registry":
        return node, scope
    if isinstance(node, ast.Name):
        bound = scope.value(node.id)
        if bound is not None and isinstance(bound[0], ast.Call):
            owner = bound[1]
            if (
                isinstance(owner, ModuleScope)
                and owner.symbol(bound[0].func) == "registry"
            ):
                return bound[0], owner
    return None


def read_metadata(node: ast.expr | None, scope: ModuleScope) -> MetadataInfo:
    """Read ``MetaData(naming_convention=..., schema=...)``, following names."""
    if node is None:
        return MetadataInfo()
    target: ast.expr = node
    owner: ModuleScope = scope
    bound = scope.value(node.id) if isinstance(node, ast.Name) else None
    if bound is not None and isinstance(bound[1], ModuleScope):
        target, owner = bound[0], bound[1]
    if not isinstance(target, ast.Call) or owner.symbol(target.func) != "MetaData":
        return MetadataInfo()
    schema = literal(keyword(target, "schema"), owner)
    return MetadataInfo(
        naming_convention=read_convention(keyword(target, "naming_convention"), owner),
        schema=schema if isinstance(schema, str) else None,
    )


def read_convention(node: ast.expr | None, scope: ModuleScope) -> dict[str, str]:
    """Read a naming-convention dict; keys may be constraint classes."""
    if node is None:
        return {}
    bound = scope.value(node.id) if isinstance(node, ast.Name) else None
    if bound is not None and isinstance(bound[1], ModuleScope):
        node, scope = bound[0], bound[1]
    if not isinstance(node, ast.Dict):
        return {}
    convention: dict[str, str] = {}
    for key_node, value_node in zip(node.keys, node.values, strict=True):
        if key_node is None:
            continue
        key = literal(key_node, scope)
        if not isinstance(key, str):
            key = _CONVENTION_KEYS.get(scope.symbol(key_node) or "")
        value = literal(value_node, scope)
        if isinstance(key, str) and isinstance(value, str):
            convention[key] = value
    return convention


def _type_map_entries(
    node: ast.expr, scope: ModuleScope
) -> list[tuple[ast.expr, ast.expr, ModuleScope]]:
    bound = scope.value(node.id) if isinstance(node, ast.Name) else None
    if bound is not None and isinstance(bound[1], ModuleScope):
        node, scope = bound[0], bound[1]
    if not isinstance(node, ast.Dict):
        return []
    return [
        (key, value, scope)
        for key, value in zip(node.keys, node.values, strict=True)
        if key is not None
    ]


def _linearize(binding: ClassBinding, parents: list[ClassModel]) -> list[ClassBinding]:
    """Return the C3 method resolution order over workspace classes."""
    sequences = [list(parent.mro) for parent in parents] + [
        [p.binding for p in parents]
    ]
    result = [binding]
    while True:
        sequences = [seq for seq in sequences if seq]
        if not sequences:
            return result
        for seq in sequences:
            head = seq[0]
            if not any(head in other[1:] for other in sequences):
                break
        else:
            # Python rejects an inconsistent hierarchy, so take the bases in order.
            head = sequences[0][0]
        result.append(head)
        for seq in sequences:
            if seq and seq[0] == head:
                seq.pop(0)
