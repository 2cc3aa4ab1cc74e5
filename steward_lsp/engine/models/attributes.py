"""Class attributes read into columns: ``Mapped[...]``, ``mapped_column``, ``Column``.

The column type and nullability come from the call when it gives them and
from the ``Mapped[...]`` annotation otherwise, as SQLAlchemy 2 does.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from steward_lsp.engine.models.annotations import (
    Annotation,
    analyse_annotation,
    default_type_map,
    typing_name,
)
from steward_lsp.engine.models.classes import BaseInfo
from steward_lsp.engine.models.linked_scope import ModuleScope
from steward_lsp.engine.models.linker import ClassBinding, ExternalBinding, ValueBinding
from steward_lsp.engine.models.summary import Attribute
from steward_lsp.engine.schema import ColumnDef, TypeSpec
from steward_lsp.engine.sqla_ast import (
    COLUMN_FUNCTIONS,
    ColumnRead,
    Unfollowed,
    literal,
    read_column,
    source_text,
    type_spec,
)

# Attribute values that map no column of their own.
_NOT_COLUMNS = {
    "relationship",
    "backref",
    "synonym",
    "composite",
    "query_expression",
    "association_proxy",
    "hybrid_property",
    "dynamic_loader",
    "Relationship",
}
# Wrappers whose first argument is a column.
_WRAPPERS = {"column_property", "deferred"}

# ColumnRead.explicit keys copied from ``Annotated[..., mapped_column(...)]``.
_COPIED = (
    "nullable",
    "primary_key",
    "unique",
    "index",
    "server_default",
    "comment",
    "doc",
    "autoincrement",
)


@dataclass
class AttributeColumn:
    """A column read from a class attribute, or why the attribute was not read."""

    read: ColumnRead | None
    unfollowed: list[Unfollowed] = field(default_factory=list)
    structural: bool = False


def read_attribute(
    attribute: Attribute, scope: ModuleScope, base: BaseInfo | None
) -> AttributeColumn:
    """Read a declarative attribute; ``read`` is None when it maps no column.

    ``structural`` is true when the attribute may map a column that could
    not be read, which makes the table's shape uncertain.
    """
    result = AttributeColumn(None)
    annotation = (
        analyse_annotation(attribute.annotation, scope)
        if attribute.annotation is not None
        else None
    )
    if annotation is not None and annotation.kind in {"classvar", "relationship"}:
        return result
    call = _column_call(attribute.value, scope, result)
    if call is None and attribute.value is not None:
        if (
            annotation is not None
            and annotation.kind == "column"
            and not result.unfollowed
        ):
            if not _maps_nothing(attribute.value, scope):
                result.unfollowed.append(
                    Unfollowed(attribute.value, "the value of a Mapped[] attribute")
                )
                result.structural = True
        return result
    if call is None and (annotation is None or annotation.kind != "column"):
        return result
    if (
        call is None
        and annotation is not None
        and not annotation.extras
        and _is_relationship_type(annotation)
    ):
        # ``Mapped[list["Child"]]`` without relationship() is a relationship,
        # but ``Annotated[dict[str, Any], mapped_column(JSONB)]`` is a column.
        return result
    read = _read_call(call, attribute.name, scope, result.unfollowed)
    if annotation is not None and annotation.kind == "column":
        _apply_annotation(read, annotation, base, result.unfollowed)
    result.read = read
    return result


def _column_call(
    value: ast.expr | None, scope: ModuleScope, result: AttributeColumn
) -> ast.Call | None:
    if not isinstance(value, ast.Call):
        return None
    symbol = scope.symbol(value.func)
    if symbol in COLUMN_FUNCTIONS:
        return value
    if symbol in _WRAPPERS and value.args:
        inner = value.args[0]
        if isinstance(inner, ast.Call) and scope.symbol(inner.func) in COLUMN_FUNCTIONS:
            return inner
    return None


def _maps_nothing(value: ast.expr, scope: ModuleScope) -> bool:
    if not isinstance(value, ast.Call):
        return False
    symbol = scope.symbol(value.func)
    if symbol in _NOT_COLUMNS or symbol in _WRAPPERS:
        # A column_property() of a SQL expression maps no table column.
        return True
    name = value.func.attr if isinstance(value.func, ast.Attribute) else None
    if isinstance(value.func, ast.Name):
        name = value.func.id
    return name in _NOT_COLUMNS


def _read_call(
    call: ast.Call | None, name: str, scope: ModuleScope, unfollowed: list[Unfollowed]
) -> ColumnRead:
    if call is None:
        # ``x: Mapped[int]`` alone is ``mapped_column()``.
        return ColumnRead(ColumnDef(name=name, type=None))
    return read_column(call, scope, unfollowed, name=name)


def _apply_annotation(
    read: ColumnRead,
    annotation: Annotation,
    base: BaseInfo | None,
    unfollowed: list[Unfollowed],
) -> None:
    for extra, extra_scope in annotation.extras:
        assert isinstance(extra_scope, ModuleScope)
        _merge_extra(
            read, read_column(extra, extra_scope, unfollowed, name=read.column.name)
        )
    column = read.column
    if "nullable" not in read.explicit:
        # NOTE: SQLAlchemy 2.1 keeps ``Mapped[Optional[int]]`` nullable even
        # on a primary key column, although the DDL makes it NOT NULL.
        column.nullable = annotation.nullable
    if "type" not in read.explicit:
        spec = annotation_type(annotation, base, unfollowed)
        if spec is not None:
            column.type = spec


def _merge_extra(read: ColumnRead, extra: ColumnRead) -> None:
    """Copy what ``Annotated[..., mapped_column()]`` sets unless the attribute does."""
    column = read.column
    for key in _COPIED:
        if key in extra.explicit and key not in read.explicit:
            setattr(column, key, getattr(extra.column, key))
            read.explicit.add(key)
    if "type" in extra.explicit and "type" not in read.explicit:
        column.type = extra.column.type
        read.explicit.add("type")
    if "info" in extra.explicit and "info" not in read.explicit:
        column.info = dict(extra.column.info)
    column.has_python_default = (
        column.has_python_default or extra.column.has_python_default
    )
    if not column.foreign_keys and extra.column.foreign_keys:
        column.foreign_keys = list(extra.column.foreign_keys)
        read.class_references.extend(extra.class_references)
    if "primary_key" in read.explicit and "nullable" not in read.explicit:
        column.nullable = not column.primary_key


def _is_relationship_type(annotation: Annotation) -> bool:
    """Return whether ``Mapped[...]`` names a model or a collection."""
    node = annotation.python_type
    if node is None or annotation.type_scope is None:
        return False
    type_scope = annotation.type_scope
    assert isinstance(type_scope, ModuleScope)
    if isinstance(node, ast.Subscript):
        origin = type_scope.qualify(node.value) or ast.unparse(node.value)
        return origin.rsplit(".", 1)[-1] in {
            "list",
            "List",
            "set",
            "Set",
            "dict",
            "Dict",
        }
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    binding = type_scope.class_binding(node)
    return binding is not None and not type_scope.project.is_enum(binding)


def annotation_type(
    annotation: Annotation, base: BaseInfo | None, unfollowed: list[Unfollowed]
) -> TypeSpec | None:
    """Return the column type SQLAlchemy derives from a ``Mapped[...]`` annotation."""
    node = annotation.python_type
    scope = annotation.type_scope
    if node is None or not isinstance(scope, ModuleScope):
        return None
    if base is not None:
        keys = [
            type_key(alias, alias_scope)
            for alias, alias_scope in annotation.aliases
            if isinstance(alias_scope, ModuleScope)
        ]
        keys.append(type_key(node, scope))
        for key in keys:
            for map_key, map_value, map_scope in base.type_map:
                if key is not None and type_key(map_key, map_scope) == key:
                    return type_spec(map_value, map_scope, unfollowed)
        enum_type = _mapped_enum(node, scope, base)
        if enum_type is not None:
            return enum_type
    return python_type_spec(node, scope, unfollowed)


def _mapped_enum(node: ast.expr, scope: ModuleScope, base: BaseInfo) -> TypeSpec | None:
    """Apply a ``type_annotation_map`` entry for ``enum.Enum`` to a workspace enum.

    SQLAlchemy keeps the entry's options (``native_enum``, ``length``) and
    takes the labels and the lower-cased name from the annotated class.
    """
    binding = scope.class_binding(node)
    if binding is None or not scope.project.is_enum(binding):
        return None
    for map_key, map_value, map_scope in base.type_map:
        if type_key(map_key, map_scope) != "enum.Enum":
            continue
        # The entry names ``enum.Enum`` itself, whose labels are none of ours.
        template = type_spec(map_value, map_scope, [])
        specific = _enum_type(node, binding, scope)
        options = {
            key: value
            for key, value in template.kwargs
            if key not in {"enum_class", "name"}
        }
        options.update(specific.kwargs)
        return TypeSpec(
            "Enum", specific.args, tuple(sorted(options.items())), specific.text
        )
    return None


def python_type_spec(
    node: ast.expr, scope: ModuleScope, unfollowed: list[Unfollowed]
) -> TypeSpec | None:
    """Return SQLAlchemy's default column type for a Python type annotation."""
    if isinstance(node, ast.Subscript) and typing_name(node.value, scope) == "Literal":
        values = literal(node.slice, scope)
        labels = values if isinstance(values, tuple) else (values,)
        if all(isinstance(label, str) for label in labels):
            return TypeSpec("Enum", tuple(labels), text=source_text(node))
    binding = scope.class_binding(node)
    if binding is not None and scope.project.is_enum(binding):
        return _enum_type(node, binding, scope)
    key = type_key(node, scope)
    found = default_type_map().get(key or "")
    if found is not None:
        return TypeSpec(found.name, text=source_text(node))
    unfollowed.append(
        Unfollowed(node, f"the column type of annotation {source_text(node)}")
    )
    return TypeSpec(source_text(node), text=source_text(node), known=False)


def _enum_type(node: ast.expr, binding: ClassBinding, scope: ModuleScope) -> TypeSpec:
    members = scope.enum_members(node) or ()
    kwargs = (("enum_class", source_text(node)), ("name", binding.info.name.lower()))
    return TypeSpec(
        "Enum", tuple(name for name, _ in members), kwargs, text=source_text(node)
    )


def type_key(node: ast.expr, scope: ModuleScope) -> str | None:
    """Return an identity for a type used as a ``type_annotation_map`` key."""
    if isinstance(node, ast.Name):
        binding = scope.project.linker.lookup(scope.module, node.id)
        if binding is None:
            return f"builtins.{node.id}"
        if isinstance(binding, ExternalBinding):
            return binding.qualified
        if isinstance(binding, ClassBinding):
            return f"{binding.module.path}:{binding.info.name}"
        if isinstance(binding, ValueBinding):
            value = binding.value
            return f"{binding.module.path}:{value.lineno}:{value.col_offset}"
        return None
    if isinstance(node, ast.Attribute):
        qualified = scope.qualify(node)
        if qualified is not None:
            return qualified
        binding = scope.class_binding(node)
        if binding is not None:
            return f"{binding.module.path}:{binding.info.name}"
    return source_text(node)
