"""``Column(...)``, ``mapped_column(...)`` and ``ForeignKey(...)`` calls.

Defaults follow SQLAlchemy 2: a column is nullable unless it is part of
the primary key, has an ``Identity()``, or is declared ``nullable=False``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from steward_lsp.engine.pyast import dotted_name
from steward_lsp.engine.schema import ColumnDef, ForeignKeyDef, Location
from steward_lsp.engine.sqla.defaults import server_default_text
from steward_lsp.engine.sqla.literals import (
    UNREADABLE,
    Unfollowed,
    follow,
    keyword,
    literal,
    string,
)
from steward_lsp.engine.sqla.scope import Scope
from steward_lsp.engine.sqla.types import type_spec

Locate = Callable[[ast.AST], Location]

COLUMN_FUNCTIONS = {"Column", "mapped_column"}

# Keyword arguments that set a Python-side default, which is not DDL.
_PYTHON_DEFAULTS = ("default", "onupdate", "insert_default", "default_factory")

# Positional schema items that are no type.
_SCHEMA_ITEMS = {"ForeignKey", "Sequence", "Identity", "Computed", "CheckConstraint"}


@dataclass
class ColumnRead:
    """A column call as read, with what the caller needs to finish it.

    ``explicit`` names the keyword arguments given in the call (plus
    ``"type"`` when a type was written, ``"identity"`` for ``Identity()``),
    so the declarative layer can tell ``nullable=True`` from the default.
    ``class_references`` are foreign keys written as ``Model.attr`` that
    the scope could not resolve; their ``referred_table`` is the class as
    written until the caller resolves it.
    """

    column: ColumnDef
    explicit: set[str] = field(default_factory=set)
    type_node: ast.expr | None = None
    class_references: list[tuple[ForeignKeyDef, ast.expr]] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


def read_column(
    call: ast.Call,
    scope: Scope,
    unfollowed: list[Unfollowed],
    name: str | None = None,
    locate: Locate | None = None,
) -> ColumnRead:
    """Read a ``Column`` / ``mapped_column`` call.

    ``name`` is the attribute name for declarative columns; a name given in
    the call (first positional string or ``name=``) wins over it. The
    column's ``type`` stays None when none is written, which SQLAlchemy
    fills from the referred column of a foreign key.
    """
    read = ColumnRead(ColumnDef(name=name or "", type=None))
    column = read.column
    if locate is not None:
        column.location = locate(call)
    positional = list(call.args)
    if positional:
        first = string(positional[0], scope)
        if first is not None:
            column.name = first
            positional.pop(0)
    for arg in positional:
        _read_positional(arg, read, scope, unfollowed)
    for item in call.keywords:
        if item.arg is None:
            unfollowed.append(Unfollowed(item.value, "**keyword arguments of a column"))
            continue
        read.explicit.add(item.arg)
        _read_keyword(item.arg, item.value, read, scope, unfollowed)
    _apply_nullable_default(read)
    for fk in column.foreign_keys:
        fk.columns = (column.name,)
    return read


def column_def(
    call: ast.Call,
    scope: Scope,
    unfollowed: list[Unfollowed],
    name: str | None = None,
    locate: Locate | None = None,
) -> ColumnDef:
    """Read a ``Column`` call into a :class:`ColumnDef` (see :func:`read_column`)."""
    return read_column(call, scope, unfollowed, name, locate).column


def _read_positional(
    arg: ast.expr, read: ColumnRead, scope: Scope, unfollowed: list[Unfollowed]
) -> None:
    target, target_scope = follow(arg, scope)
    symbol = target_scope.symbol(target.func) if isinstance(target, ast.Call) else None
    if symbol == "ForeignKey" and isinstance(target, ast.Call):
        _add_foreign_key(target, read, target_scope, unfollowed)
    elif symbol == "Identity":
        read.explicit.add("identity")
    elif symbol == "CheckConstraint" and isinstance(target, ast.Call) and target.args:
        check = string(target.args[0], target_scope)
        if check is not None:
            read.checks.append(check)
    elif symbol in _SCHEMA_ITEMS:
        return
    elif "type" not in read.explicit:
        read.explicit.add("type")
        read.type_node = arg
        read.column.type = type_spec(arg, scope, unfollowed)
    else:
        unfollowed.append(
            Unfollowed(
                arg, "a column argument that is neither a type nor a schema item"
            )
        )


def _read_keyword(
    key: str,
    value: ast.expr,
    read: ColumnRead,
    scope: Scope,
    unfollowed: list[Unfollowed],
) -> None:
    column = read.column
    if key == "type_":
        read.explicit.add("type")
        read.type_node = value
        column.type = type_spec(value, scope, unfollowed)
    elif key == "name":
        given = string(value, scope)
        if given is not None:
            column.name = given
    elif key in _PYTHON_DEFAULTS:
        column.has_python_default = column.has_python_default or not _is_none(value)
    elif key == "server_default":
        text = server_default_text(value, scope)
        if text is UNREADABLE:
            unfollowed.append(
                Unfollowed(value, "a server_default that is not SQL text")
            )
            column.unread.add("server_default")
        else:
            column.server_default = text if isinstance(text, str) else None
    elif key in {"nullable", "primary_key", "unique", "index"}:
        _read_flag(key, value, read, scope, unfollowed)
    elif key == "autoincrement":
        flag = literal(value, scope)
        column.autoincrement = flag if flag is not UNREADABLE else "auto"
    elif key in {"comment", "doc"}:
        setattr(column, key, string(value, scope))
    elif key == "info":
        _read_info(value, column, scope, unfollowed)


def _read_flag(
    key: str,
    value: ast.expr,
    read: ColumnRead,
    scope: Scope,
    unfollowed: list[Unfollowed],
) -> None:
    flag = literal(value, scope)
    if flag is None and key in {"unique", "index"}:
        flag = False
    if not isinstance(flag, bool):
        article = "an" if key == "index" else "a"
        unfollowed.append(
            Unfollowed(value, f"{article} {key}= that is not True or False")
        )
        read.explicit.discard(key)
        read.column.unread.add(key)
        return
    setattr(read.column, key, flag)


def _read_info(
    value: ast.expr, column: ColumnDef, scope: Scope, unfollowed: list[Unfollowed]
) -> None:
    info = literal(value, scope)
    if isinstance(info, dict):
        column.info = {str(key): item for key, item in info.items()}
    else:
        unfollowed.append(Unfollowed(value, "an info= that is not a literal dict"))


def _apply_nullable_default(read: ColumnRead) -> None:
    if "nullable" in read.explicit:
        return
    column = read.column
    column.nullable = not (column.primary_key or "identity" in read.explicit)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


# -- foreign keys ------------------------------------------------------------


def _add_foreign_key(
    call: ast.Call, read: ColumnRead, scope: Scope, unfollowed: list[Unfollowed]
) -> None:
    if not call.args:
        unfollowed.append(Unfollowed(call, "a ForeignKey() without a target"))
        return
    fk = ForeignKeyDef(columns=(), referred_table="", referred_columns=())
    _read_fk_options(call, fk, scope)
    target = call.args[0]
    reference = foreign_key_target(target, scope)
    if reference is not None:
        fk.referred_schema, fk.referred_table, column = reference
        fk.referred_columns = (column,)
    else:
        dotted = dotted_name(target)
        if dotted is None or "." not in dotted:
            unfollowed.append(Unfollowed(target, "the target of a ForeignKey"))
            return
        owner, _, attribute = dotted.rpartition(".")
        fk.referred_table = owner
        fk.referred_columns = (attribute,)
        read.class_references.append((fk, target))
    read.column.foreign_keys.append(fk)


def _read_fk_options(call: ast.Call, fk: ForeignKeyDef, scope: Scope) -> None:
    fk.name = constraint_name(keyword(call, "name"), scope)
    fk.ondelete = string(keyword(call, "ondelete"), scope)
    fk.onupdate = string(keyword(call, "onupdate"), scope)


def foreign_key_target(
    node: ast.expr, scope: Scope
) -> tuple[str | None, str, str] | None:
    """Return ``(schema, table, column)`` of a foreign-key target.

    Reads ``"table.column"``, ``"schema.table.column"``, ``table.c.column``
    for a module-level ``Table(...)`` and whatever the scope's
    :meth:`Scope.column_reference` resolves (``Model.attr``). Returns None
    when none of these applies.
    """
    text = string(node, scope)
    if text is None:
        text = _table_column(node, scope) or scope.column_reference(node)
    if text is None:
        return None
    return split_column_path(text)


def split_column_path(text: str) -> tuple[str | None, str, str] | None:
    """Split ``"schema.table.column"`` or ``"table.column"``."""
    parts = text.split(".")
    if len(parts) == 2:
        return None, parts[0], parts[1]
    if len(parts) >= 3:
        return ".".join(parts[:-2]), parts[-2], parts[-1]
    return None


def _table_column(node: ast.expr, scope: Scope) -> str | None:
    """Resolve ``users.c.id`` where ``users = Table("users", ...)``."""
    if not (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "c"
    ):
        return None
    table_node, table_scope = follow(node.value.value, scope)
    if (
        not isinstance(table_node, ast.Call)
        or table_scope.symbol(table_node.func) != "Table"
    ):
        return None
    name = string(table_node.args[0], table_scope) if table_node.args else None
    if name is None:
        return None
    schema = string(keyword(table_node, "schema"), table_scope)
    return f"{schema}.{name}.{node.attr}" if schema else f"{name}.{node.attr}"


def constraint_name(node: ast.expr | None, scope: Scope) -> str | None:
    """Return a constraint or index name: a string, ``op.f("x")`` or ``conv("x")``."""
    if node is None:
        return None
    direct = string(node, scope)
    if direct is not None:
        return direct
    if isinstance(node, ast.Call) and len(node.args) == 1:
        func = dotted_name(node.func) or ""
        if func.endswith(("op.f", ".conv")) or func in {"f", "conv"}:
            return string(node.args[0], scope)
    return None
