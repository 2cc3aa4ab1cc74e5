"""Table, column and model names written as strings in a Python source.

Editor features ask what a position names. Migrations name tables and
columns in ``op.*`` arguments (``op.add_column("anchors", ...)``, the
columns of ``op.create_index``, every ``batch_op.*`` inside ``with
op.batch_alter_table("t")``), in ``sa.Column("name")`` inside
``op.create_table``, and in ``ForeignKey("table.column")`` strings. Models
name them in ``__tablename__``, the constraints of ``__table_args__``,
``Table("name", ...)``, ``ForeignKey`` strings and ``relationship("Class")``
targets. Arguments are bound to
Alembic's own parameter names, so ``op.create_index(name, "t", ["c"])`` and
its keyword spelling read alike.
"""

from __future__ import annotations

import ast
import enum
import functools
from collections.abc import Iterator
from dataclasses import dataclass

from steward_lsp.engine.pyast import LineIndex, dotted_name
from steward_lsp.engine.revision_args import alembic_signature, bind_arguments
from steward_lsp.engine.schema import Span, table_key
from steward_lsp.engine.sqla_ast import split_column_path


class NameKind(enum.Enum):
    """The kind of thing a name string refers to."""

    TABLE = "table"
    COLUMN = "column"
    MODEL = "model"


@dataclass(frozen=True)
class NameOccurrence:
    """One table, column or model class name written as a string.

    ``table`` is the table key (``schema.name`` or ``name``); ``column`` is
    set for a column; ``class_name`` for a ``relationship()`` target.
    ``span`` covers the name inside the quotes.
    """

    kind: NameKind
    span: Span
    table: str | None = None
    column: str | None = None
    class_name: str | None = None
    operation: str | None = None
    """The Alembic operation whose argument this is (``"add_column"``), if any."""


# Alembic parameters that take a table name, and for those that take column
# names, the parameter that names their table. Inside batch_alter_table the
# batch table takes its place, except for remote_cols.
TABLE_PARAMETERS = frozenset(
    {"table_name", "source_table", "referent_table", "old_table_name", "new_table_name"}
)
COLUMN_PARAMETERS: dict[str, str] = {
    "column_name": "table_name",
    "new_column_name": "table_name",
    "columns": "table_name",
    "local_cols": "source_table",
    "remote_cols": "referent_table",
}

_TABLE_CALLS = {"Table"}
_COLUMN_CALLS = {"Column", "mapped_column"}
_COLUMN_LIST_CALLS = {"PrimaryKeyConstraint", "UniqueConstraint", "Index"}


def find_names(text: str) -> tuple[NameOccurrence, ...]:
    """Return every name string in ``text``, in source order.

    A source that does not parse yields nothing; the cache keeps the last
    texts, since hover and references ask again for the same buffer.
    """
    return _find_names(text) or ()


def parses(text: str) -> bool:
    """Tell whether ``text`` parses as Python, which :func:`find_names` needs."""
    return _find_names(text) is not None


@functools.lru_cache(maxsize=256)
def _find_names(text: str) -> tuple[NameOccurrence, ...] | None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    scanner = _Scanner(LineIndex(text))
    scanner.visit(tree)
    found = sorted(scanner.found, key=lambda item: item.span)
    return tuple(found)


def name_at(text: str, line: int, column: int) -> NameOccurrence | None:
    """Return the name string that contains the position, if any."""
    for occurrence in find_names(text):
        if _contains(occurrence.span, line, column):
            return occurrence
    return None


def _contains(span: Span, line: int, column: int) -> bool:
    start = (span.start_line, span.start_col)
    end = (span.end_line, span.end_col)
    return start <= (line, column) <= end


class _Scanner(ast.NodeVisitor):
    def __init__(self, lines: LineIndex) -> None:
        self.lines = lines
        self.found: list[NameOccurrence] = []
        self.batch_tables: dict[str, str] = {}

    # -- with op.batch_alter_table("t") as batch_op -------------------------

    def visit_With(self, node: ast.With) -> None:
        added: dict[str, str | None] = {}
        for item in node.items:
            table = self._batch_table(item.context_expr)
            alias = item.optional_vars
            if table is not None and isinstance(alias, ast.Name):
                added[alias.id] = self.batch_tables.get(alias.id)
                self.batch_tables[alias.id] = table
        self.generic_visit(node)
        for name, previous in added.items():
            if previous is None:
                self.batch_tables.pop(name, None)
            else:
                self.batch_tables[name] = previous

    def _batch_table(self, node: ast.expr) -> str | None:
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "batch_alter_table"
        ):
            return None
        signature = alembic_signature("batch_alter_table", False)
        assert signature is not None
        bound = bind_arguments(signature, node)
        name = _string_value(bound.named.get("table_name"))
        schema = _string_value(bound.named.get("schema"))
        return table_key(name, schema) if name else None

    # -- calls ---------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        name = dotted_name(node.func) or ""
        last = name.rsplit(".", 1)[-1]
        if isinstance(node.func, ast.Attribute) and isinstance(
            node.func.value, ast.Name
        ):
            receiver = node.func.value.id
            if receiver == "op" or receiver in self.batch_tables:
                self._operation(node, node.func.attr, self.batch_tables.get(receiver))
        if last == "ForeignKey" and node.args:
            self._foreign_key_target(node.args[0])
        elif last == "ForeignKeyConstraint" and len(node.args) >= 2:
            for element in _elements(node.args[1]):
                self._foreign_key_target(element)
        elif last == "relationship" and node.args:
            self._relationship(node.args[0])
        elif last in _TABLE_CALLS and node.args:
            table = _string_value(node.args[0])
            if table is not None:
                self._add(NameKind.TABLE, node.args[0], table)
                self._table_items(node.args[1:], table)
        self.generic_visit(node)

    def _operation(self, node: ast.Call, method: str, batch_table: str | None) -> None:
        signature = alembic_signature(method, batch_table is not None)
        if signature is None:
            return
        bound = bind_arguments(signature, node)
        schema = _string_value(bound.named.get("schema"))
        tables: dict[str, str] = {}
        for parameter in sorted(TABLE_PARAMETERS):
            argument = bound.named.get(parameter)
            table = _string_value(argument)
            if argument is None or table is None:
                continue
            key = table_key(table, schema)
            tables[parameter] = key
            self._add(NameKind.TABLE, argument, key, operation=method)
        for parameter, table_parameter in COLUMN_PARAMETERS.items():
            argument = bound.named.get(parameter)
            table = batch_table or tables.get(table_parameter)
            if parameter == "remote_cols":
                table = tables.get(table_parameter)
            if argument is None or table is None:
                continue
            for element in _elements(argument):
                self._add(NameKind.COLUMN, element, table, method)
        own_table = batch_table or tables.get("table_name")
        if method == "create_table" and own_table is not None:
            self._table_items(bound.varargs, own_table)
        column = bound.named.get("column")
        if method == "add_column" and own_table is not None and column is not None:
            self._table_items([column], own_table)

    def _table_items(self, items: list[ast.expr], table: str) -> None:
        """Record column names of ``Column(...)`` and constraints in a table."""
        for item in items:
            if not isinstance(item, ast.Call):
                continue
            last = (dotted_name(item.func) or "").rsplit(".", 1)[-1]
            if last in _COLUMN_CALLS and item.args:
                self._add(NameKind.COLUMN, item.args[0], table)
            elif last in _COLUMN_LIST_CALLS:
                arguments = item.args[1:] if last == "Index" else item.args
                for argument in arguments:
                    self._add(NameKind.COLUMN, argument, table)
            elif last == "ForeignKeyConstraint" and item.args:
                for element in _elements(item.args[0]):
                    self._add(NameKind.COLUMN, element, table)

    def _foreign_key_target(self, node: ast.expr) -> None:
        value = _string_value(node)
        parts = split_column_path(value) if value else None
        inner = self._inner_span(node)
        if parts is None or inner is None or inner.start_line != inner.end_line:
            return
        schema, table, column = parts
        key = table_key(table, schema)
        column_start = inner.end_col - len(column)
        table_start = column_start - 1 - len(table)
        line = inner.start_line
        self.found.append(
            NameOccurrence(
                NameKind.TABLE, Span(line, table_start, line, column_start - 1), key
            )
        )
        self.found.append(
            NameOccurrence(
                NameKind.COLUMN,
                Span(line, column_start, line, inner.end_col),
                key,
                column,
            )
        )

    def _relationship(self, node: ast.expr) -> None:
        value = _string_value(node)
        span = self._inner_span(node)
        if value is None or span is None or not value.isidentifier():
            return
        self.found.append(NameOccurrence(NameKind.MODEL, span, class_name=value))

    # -- __tablename__ = "t" and __table_args__ ---------------------------------

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        table = _class_table(node)
        if table is not None:
            for statement in node.body:
                if not isinstance(statement, ast.Assign):
                    continue
                names = [t.id for t in statement.targets if isinstance(t, ast.Name)]
                if "__table_args__" in names:
                    self._table_items(list(_elements(statement.value)), table)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if "__tablename__" in targets:
            table = _string_value(node.value)
            if table is not None:
                self._add(NameKind.TABLE, node.value, table)
        self.generic_visit(node)

    # -- recording -------------------------------------------------------------

    def _add(
        self,
        kind: NameKind,
        node: ast.expr,
        table: str,
        operation: str | None = None,
    ) -> None:
        value = _string_value(node)
        span = self._inner_span(node)
        if value is None or span is None:
            return
        self.found.append(
            NameOccurrence(
                kind,
                span,
                table,
                value if kind is NameKind.COLUMN else None,
                operation=operation,
            )
        )

    def _inner_span(self, node: ast.expr) -> Span | None:
        """Return the span of a string literal's text inside its quotes.

        Only a plain one-line literal whose source is its value maps to
        columns one to one; an escaped or concatenated one is left out.
        """
        value = _string_value(node)
        if value is None:
            return None
        span = self.lines.span(node)
        if span.start_line != span.end_line:
            return None
        source = self.lines.lines[span.start_line][span.start_col : span.end_col]
        body = source.lstrip("rRuU")
        prefix = len(source) - len(body)
        for quote in ('"""', "'''", '"', "'"):
            if body.startswith(quote) and body.endswith(quote):
                if body[len(quote) : len(body) - len(quote)] != value:
                    return None
                start = span.start_col + prefix + len(quote)
                return Span(span.start_line, start, span.end_line, start + len(value))
        return None


def _class_table(node: ast.ClassDef) -> str | None:
    """Return the ``__tablename__`` a class body assigns, if it is a string."""
    for statement in node.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__tablename__"
            for target in statement.targets
        ):
            return _string_value(statement.value)
    return None


def _string_value(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _elements(node: ast.expr) -> Iterator[ast.expr]:
    if isinstance(node, (ast.List, ast.Tuple)):
        yield from node.elts
    else:
        yield node
