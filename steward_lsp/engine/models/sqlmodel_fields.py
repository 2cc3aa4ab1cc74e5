"""SQLModel fields (``name: str = Field(...)``) read into columns.

Mirrors ``sqlmodel.main.get_column_from_field`` of SQLModel 0.0.2x-0.0.5x:
``sa_column=Column(...)`` is taken as it is; otherwise the type comes from
``sa_type=`` or the annotation (``str`` is ``AutoString``, a VARCHAR,
with ``max_length``; ``datetime`` is ``DateTime(timezone=True)``), and a
column is nullable when its annotation is ``Optional`` and it is not a
primary key, unless ``nullable=`` sets it.
"""

from __future__ import annotations

import ast

from steward_lsp.engine.models.annotations import analyse_annotation
from steward_lsp.engine.models.attributes import (
    AttributeColumn,
    python_type_spec,
    type_key,
)
from steward_lsp.engine.models.linked_scope import ModuleScope
from steward_lsp.engine.models.summary import Attribute
from steward_lsp.engine.schema import ColumnDef, ForeignKeyDef, TypeSpec
from steward_lsp.engine.sqla_ast import (
    COLUMN_FUNCTIONS,
    ColumnRead,
    Unfollowed,
    keyword,
    literal,
    read_column,
    server_default_text,
    split_column_path,
    string,
    type_spec,
)

_STRING_TYPES = {
    "builtins.str",
    "pathlib.Path",
    "pydantic.EmailStr",
    "ipaddress.IPv4Address",
    "ipaddress.IPv6Address",
    "ipaddress.IPv4Network",
    "ipaddress.IPv6Network",
}


def read_field(attribute: Attribute, scope: ModuleScope) -> AttributeColumn:
    """Read one SQLModel field; ``read`` is None for relationships and ClassVars."""
    result = AttributeColumn(None)
    if attribute.annotation is None:
        return result
    annotation = analyse_annotation(attribute.annotation, scope)
    if annotation.kind == "classvar" or attribute.name.startswith("_"):
        return result
    call = attribute.value if isinstance(attribute.value, ast.Call) else None
    symbol = _callee(call, scope)
    if symbol == "Relationship":
        return result
    if call is not None and symbol != "Field":
        result.unfollowed.append(Unfollowed(call, "the value of a SQLModel field"))
        result.structural = True
        return result
    field = call
    sa_column = keyword(field, "sa_column") if field is not None else None
    if (
        isinstance(sa_column, ast.Call)
        and scope.symbol(sa_column.func) in COLUMN_FUNCTIONS
    ):
        result.read = read_column(
            sa_column, scope, result.unfollowed, name=attribute.name
        )
        return result
    column = ColumnDef(name=attribute.name, type=None)
    read = ColumnRead(column)
    options = _options(field, scope)
    column.primary_key = options.get("primary_key") is True
    column.index = options.get("index") is True
    column.unique = options.get("unique") is True
    nullable = options.get("nullable")
    if isinstance(nullable, bool):
        column.nullable = nullable
    else:
        column.nullable = annotation.nullable and not column.primary_key
    column.has_python_default = _has_default(attribute, field)
    column.type = _field_type(annotation.python_type, field, scope, options, result)
    foreign_key = options.get("foreign_key")
    if isinstance(foreign_key, str):
        _add_foreign_key(column, foreign_key, options.get("ondelete"))
    if field is not None:
        _apply_column_kwargs(read, field, scope, result.unfollowed)
    result.read = read
    return result


def _callee(call: ast.Call | None, scope: ModuleScope) -> str | None:
    if call is None:
        return None
    qualified = scope.qualify(call.func) or ""
    if qualified.startswith("sqlmodel"):
        return qualified.rsplit(".", 1)[-1]
    return None


def _options(field: ast.Call | None, scope: ModuleScope) -> dict[str, object]:
    options: dict[str, object] = {}
    if field is None:
        return options
    for item in field.keywords:
        if item.arg in {
            "primary_key",
            "index",
            "unique",
            "nullable",
            "max_length",
            "max_digits",
            "decimal_places",
            "foreign_key",
            "ondelete",
        }:
            options[item.arg] = literal(item.value, scope)
    return options


def _has_default(attribute: Attribute, field: ast.Call | None) -> bool:
    if field is None:
        return attribute.value is not None and not _is_none(attribute.value)
    default = keyword(field, "default") or (field.args[0] if field.args else None)
    if default is not None and not _is_none(default) and not _is_ellipsis(default):
        return True
    return keyword(field, "default_factory") is not None


def _field_type(
    python_type: ast.expr | None,
    field: ast.Call | None,
    scope: ModuleScope,
    options: dict[str, object],
    result: AttributeColumn,
) -> TypeSpec | None:
    sa_type = keyword(field, "sa_type") if field is not None else None
    if sa_type is not None:
        return type_spec(sa_type, scope, result.unfollowed)
    if python_type is None:
        return None
    key = type_key(python_type, scope)
    text = ast.unparse(python_type)
    if key in _STRING_TYPES:
        length = options.get("max_length")
        kwargs = (("length", length),) if isinstance(length, int) else ()
        return TypeSpec("String", (), kwargs, text=text)
    if key == "datetime.datetime":
        return TypeSpec("DateTime", (), (("timezone", True),), text=text)
    if key == "builtins.float":
        return TypeSpec("Float", text=text)
    if key == "decimal.Decimal":
        kwargs_list = [
            (name, options.get(option))
            for name, option in (
                ("precision", "max_digits"),
                ("scale", "decimal_places"),
            )
            if isinstance(options.get(option), int)
        ]
        return TypeSpec("Numeric", (), tuple(kwargs_list), text=text)
    return python_type_spec(python_type, scope, result.unfollowed)


def _add_foreign_key(column: ColumnDef, target: str, ondelete: object) -> None:
    parts = split_column_path(target)
    if parts is None:
        return
    schema, table, referred = parts
    column.foreign_keys.append(
        ForeignKeyDef(
            columns=(column.name,),
            referred_table=table,
            referred_columns=(referred,),
            referred_schema=schema,
            ondelete=ondelete if isinstance(ondelete, str) else None,
        )
    )


def _apply_column_kwargs(
    read: ColumnRead, field: ast.Call, scope: ModuleScope, unfollowed: list[Unfollowed]
) -> None:
    """Apply ``sa_column_kwargs={...}`` (server_default, comment, ...)."""
    kwargs = keyword(field, "sa_column_kwargs")
    if not isinstance(kwargs, ast.Dict):
        return
    column = read.column
    for key_node, value in zip(kwargs.keys, kwargs.values, strict=True):
        key = string(key_node, scope) if key_node is not None else None
        if key == "server_default":
            text = server_default_text(value, scope)
            column.server_default = text if isinstance(text, str) else None
        elif key in {"comment", "doc"}:
            setattr(column, key, string(value, scope))
        elif key in {"unique", "index", "nullable"}:
            flag = literal(value, scope)
            if isinstance(flag, bool):
                setattr(column, key, flag)
        elif key == "info":
            info = literal(value, scope)
            if isinstance(info, dict):
                column.info = {str(k): v for k, v in info.items()}


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis
