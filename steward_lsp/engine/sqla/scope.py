"""Names visible in a module, and what they mean to SQLAlchemy.

A :class:`Scope` maps the names a module binds (imports, module-level
assignments) to what they refer to, without running the module. Dotted names
written in source (``sa.String``, ``postgresql.JSONB``, ``Str``) are turned
into canonical SQLAlchemy symbols (``"String"``, ``"postgresql.JSONB"``) by
looking the qualified name up in SQLAlchemy's own modules; user modules are
never imported.
"""

from __future__ import annotations

import ast
import functools
import importlib
from dataclasses import dataclass, field

from steward_lsp.engine.pyast import dotted_name

# Flask-SQLAlchemy's ``db = SQLAlchemy()`` instance exposes the names of
# ``sqlalchemy`` and ``sqlalchemy.orm`` as attributes; a name bound to such an
# instance qualifies to this pseudo module.
FLASK_DB = "flask_sqlalchemy.db"

_FLASK_EXTENSION = {
    "flask_sqlalchemy.SQLAlchemy",
    "flask_sqlalchemy.extension.SQLAlchemy",
}

# Modules whose attributes are SQLAlchemy's own names under another path.
_REEXPORTING = (FLASK_DB, "sqlmodel", "sqlmodel.sql.sqltypes")

# SQLModel's string type is a String subclass that renders VARCHAR.
_ALIASES = {
    "sqlmodel.sql.sqltypes.AutoString": "String",
    "sqlmodel.AutoString": "String",
}


@dataclass
class Scope:
    """The module-level bindings of one file.

    ``imports`` maps a local name to the dotted name it was imported as
    (``sa`` -> ``sqlalchemy``, ``Str`` -> ``sqlalchemy.String``); relative
    imports keep their leading dots (``.base.Base``). ``values`` maps a
    module-level variable to the expression assigned to it last. Subclasses
    override :meth:`value`, :meth:`enum_members`, :meth:`column_reference`
    and :meth:`project_type` to follow names into other files and classes.
    """

    imports: dict[str, str] = field(default_factory=dict)
    values: dict[str, ast.expr] = field(default_factory=dict)

    @classmethod
    def from_module(cls, tree: ast.Module) -> Scope:
        """Collect the imports and simple assignments at the top of ``tree``."""
        scope = cls()
        for node in tree.body:
            scope.bind_statement(node)
        return scope

    def bind_statement(self, node: ast.stmt) -> None:
        """Record the names that one module-level statement binds."""
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.imports[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    self.imports[head] = head
        elif isinstance(node, ast.ImportFrom):
            prefix = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name == "*":
                    continue
                target = (
                    f"{prefix}.{alias.name}" if node.module else prefix + alias.name
                )
                self.imports[alias.asname or alias.name] = target
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            self._bind_value(node.targets[0], node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self._bind_value(node.target, node.value)
        elif isinstance(node, (ast.If, ast.Try)):
            # ``if TYPE_CHECKING:`` and ``try: import x except ImportError``
            # bind names too; the first binding of a name wins.
            for child in node.body:
                self.bind_statement(child)

    def _bind_value(self, target: ast.expr, value: ast.expr) -> None:
        if not isinstance(target, ast.Name):
            return
        self.values[target.id] = value
        self.imports.pop(target.id, None)
        if isinstance(value, ast.Call) and self.qualify(value.func) in _FLASK_EXTENSION:
            self.imports[target.id] = FLASK_DB

    # -- name lookup -------------------------------------------------------

    def qualify(self, node: ast.AST) -> str | None:
        """Return the imported dotted name ``node`` refers to, or None.

        ``sa.String`` becomes ``sqlalchemy.String`` after
        ``import sqlalchemy as sa``. Names that are not imported give None.
        """
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        target = self.imports.get(head)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target

    def symbol(self, node: ast.AST) -> str | None:
        """Return the canonical SQLAlchemy name of ``node``, or None.

        Types keep their dialect (``"postgresql.JSONB"``) unless the dialect
        module merely re-exports the generic class; functions and schema
        items give their own name (``"Column"``, ``"mapped_column"``,
        ``"ForeignKey"``, ``"text"``). ``func.<name>`` gives ``"func.<name>"``.
        """
        qualified = self.qualify(node)
        if qualified is None:
            return None
        return canonical_symbol(qualified)

    def value(self, name: str) -> tuple[ast.expr, Scope] | None:
        """Return the expression bound to module-level ``name`` and its scope."""
        found = self.values.get(name)
        return (found, self) if found is not None else None

    def enum_members(self, node: ast.expr) -> tuple[tuple[str, object], ...] | None:
        """Return ``(name, value)`` of each member of the enum class ``node`` names."""
        return None

    def column_reference(self, node: ast.expr) -> str | None:
        """Return ``table.column`` (or ``schema.table.column``) for ``Model.attr``."""
        return None

    def column_name(self, node: ast.expr) -> str | None:
        """Return the column name a name in a class body or table refers to."""
        return None

    def project_type(self, node: ast.expr) -> object | None:
        """Return a TypeSpec for a type defined in the project (a TypeDecorator).

        An :class:`Unfollowed` instead means the class is the project's but
        the type it stores cannot be read without running it.
        """
        return None


@functools.lru_cache(maxsize=4096)
def canonical_symbol(qualified: str) -> str | None:
    """Return the canonical SQLAlchemy name for a fully qualified dotted name."""
    if qualified in _ALIASES:
        return _ALIASES[qualified]
    for prefix in _REEXPORTING:
        if qualified.startswith(prefix + "."):
            rest = qualified[len(prefix) + 1 :]
            found = _lookup("sqlalchemy." + rest) or _lookup("sqlalchemy.orm." + rest)
            if found is not None or prefix == FLASK_DB:
                return found
            return _lookup(qualified)
    if not qualified.startswith("sqlalchemy"):
        return None
    return _lookup(qualified)


def _lookup(qualified: str) -> str | None:
    parts = qualified.split(".")
    func_at = _index_of(parts, "func")
    if func_at is not None and func_at + 1 < len(parts):
        return "func." + ".".join(parts[func_at + 1 :])
    obj = _import_attribute(parts)
    if obj is None:
        return None
    name = getattr(obj, "__name__", None)
    module = getattr(obj, "__module__", None) or ""
    if not isinstance(name, str):
        return None
    if module.startswith("sqlalchemy.dialects."):
        dialect = module.split(".")[2]
        return f"{dialect}.{name}"
    return name


def _index_of(parts: list[str], item: str) -> int | None:
    return parts.index(item) if item in parts else None


def _import_attribute(parts: list[str]) -> object | None:
    """Find ``a.b.C`` by importing the longest SQLAlchemy module prefix."""
    for split in range(len(parts), 0, -1):
        module_name = ".".join(parts[:split])
        try:
            obj: object = importlib.import_module(module_name)
        except ImportError:
            continue
        for attr in parts[split:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return None
        return obj
    return None
