"""Reading simple ``include_object`` / ``include_name`` functions of env.py.

Alembic calls ``include_object(object, name, type_, reflected, compare_to)``
and ``include_name(name, type_, parent_names)`` for each object autogenerate
compares; a false result leaves the object out. The functions projects write
are mostly a few ``if`` statements that compare ``name`` with string
literals. This module evaluates such a function for ``type_ == "table"``
without running it, and gives up (returns None) on anything else, such as a
test on ``reflected``, ``object.info`` or ``name.startswith(...)``.

A test on ``object.schema`` is followed only when autogenerate compares the
default schema alone (no ``include_schemas``): every table it compares then
has ``schema`` None, so ``object.schema == "core"`` is false for all of them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

_PARAMETER_POSITIONS = {"include_object": (1, 2), "include_name": (0, 1)}


@dataclass(frozen=True)
class TableFilter:
    """The set of table names a filter accepts, finite or co-finite.

    With ``negated`` false the filter accepts exactly ``names``; with
    ``negated`` true it accepts every name except ``names``. The default
    accepts everything. Both forms are closed under and, or and not, which is
    all an ``if`` chain needs.
    """

    names: frozenset[str] = frozenset()
    negated: bool = True

    def accepts(self, name: str) -> bool:
        """Return whether the filter keeps the table ``name``."""
        return (name in self.names) != self.negated

    def invert(self) -> TableFilter:
        """Return the filter that accepts what this one rejects."""
        return TableFilter(self.names, not self.negated)

    def intersect(self, other: TableFilter) -> TableFilter:
        """Return the filter that accepts what both accept."""
        if not self.negated and not other.negated:
            return TableFilter(self.names & other.names, False)
        if not self.negated:
            return TableFilter(self.names - other.names, False)
        if not other.negated:
            return TableFilter(other.names - self.names, False)
        return TableFilter(self.names | other.names, True)

    def union(self, other: TableFilter) -> TableFilter:
        """Return the filter that accepts what either accepts."""
        return self.invert().intersect(other.invert()).invert()

    def as_sets(self) -> tuple[set[str] | None, set[str]]:
        """Return ``(include_tables, exclude_tables)`` for CompareOptions."""
        if self.negated:
            return None, set(self.names)
        return set(self.names), set()


ACCEPT_ALL = TableFilter()
REJECT_ALL = TableFilter(frozenset(), False)


class _NotLiteral(Exception):
    """The function does something the static reading cannot follow."""


def read_table_filter(
    function: ast.FunctionDef,
    kind: str,
    module: ast.Module,
    *,
    default_schema_only: bool = False,
) -> TableFilter | None:
    """Evaluate ``function`` (an ``include_object`` or ``include_name``) for tables.

    Parameters
    ----------
    function:
        The function definition in env.py.
    kind:
        ``"include_object"`` or ``"include_name"``, which fixes the positions
        of the ``name`` and ``type_`` parameters.
    module:
        The env.py module, for string collections assigned at module level.
    default_schema_only:
        Whether only tables without a schema are compared, so that a test on
        ``object.schema`` of ``include_object`` sees None.

    Returns
    -------
    The filter on table names, or None when the function is not simple.
    """
    parameters = [a.arg for a in function.args.posonlyargs + function.args.args]
    name_position, type_position = _PARAMETER_POSITIONS[kind]
    if len(parameters) <= type_position:
        return None
    evaluator = _Evaluator(parameters[name_position], parameters[type_position], module)
    if kind == "include_object" and default_schema_only:
        evaluator.object_parameter = parameters[0]
    try:
        return evaluator.block(function.body)
    except _NotLiteral:
        return None


class _Evaluator:
    def __init__(self, name_parameter: str, type_parameter: str, module: ast.Module):
        self.name_parameter = name_parameter
        self.type_parameter = type_parameter
        self.module = module
        # Set when object.schema is known to be None for every compared table.
        self.object_parameter: str | None = None

    def block(self, statements: list[ast.stmt]) -> TableFilter:
        """Return what the block returns, given that it runs from its first line."""
        for index, statement in enumerate(statements):
            rest = statements[index + 1 :]
            if isinstance(statement, ast.Return):
                if statement.value is None:
                    return REJECT_ALL
                return self.predicate(statement.value)
            if isinstance(statement, ast.If):
                condition = self.predicate(statement.test)
                then = self.block(statement.body + rest)
                otherwise = self.block(statement.orelse + rest)
                return condition.intersect(then).union(
                    condition.invert().intersect(otherwise)
                )
            if isinstance(statement, ast.Pass) or (
                isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
            ):
                continue
            raise _NotLiteral
        # Falling off the end returns None, which Alembic treats as false.
        return REJECT_ALL

    def predicate(self, node: ast.expr) -> TableFilter:
        """Return the table names for which ``node`` is true."""
        if isinstance(node, ast.Constant) and (
            node.value is None or isinstance(node.value, bool)
        ):
            return ACCEPT_ALL if node.value else REJECT_ALL
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self.predicate(node.operand).invert()
        if isinstance(node, ast.BoolOp):
            parts = [self.predicate(value) for value in node.values]
            result = parts[0]
            for part in parts[1:]:
                if isinstance(node.op, ast.And):
                    result = result.intersect(part)
                else:
                    result = result.union(part)
            return result
        if self.is_object_schema(node):
            return REJECT_ALL  # None is false
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            if self.is_object_schema(node.left):
                return self.schema_comparison(node.ops[0], node.comparators[0])
            if self.is_object_schema(node.comparators[0]):
                return self.schema_comparison(node.ops[0], node.left)
            return self.comparison(node.left, node.ops[0], node.comparators[0])
        raise _NotLiteral

    def is_object_schema(self, node: ast.expr) -> bool:
        return (
            self.object_parameter is not None
            and isinstance(node, ast.Attribute)
            and node.attr == "schema"
            and isinstance(node.value, ast.Name)
            and node.value.id == self.object_parameter
        )

    def schema_comparison(self, operator: ast.cmpop, other: ast.expr) -> TableFilter:
        """Compare ``object.schema``, which is None here, with ``other``."""
        if isinstance(other, ast.Name):
            other = self.module_constant(other.id)
        if isinstance(other, ast.Constant) and other.value is None:
            equal = True
        elif isinstance(operator, (ast.In, ast.NotIn)):
            equal = False
            self.literal_strings(other, single=False)
        else:
            equal = False
            self.literal_strings(other, single=True)
        if isinstance(operator, (ast.Eq, ast.Is, ast.In)):
            return ACCEPT_ALL if equal else REJECT_ALL
        if isinstance(operator, (ast.NotEq, ast.IsNot, ast.NotIn)):
            return REJECT_ALL if equal else ACCEPT_ALL
        raise _NotLiteral

    def comparison(
        self, left: ast.expr, operator: ast.cmpop, right: ast.expr
    ) -> TableFilter:
        if isinstance(operator, (ast.Eq, ast.NotEq)) and self.is_parameter(right):
            left, right = right, left
        if not isinstance(left, ast.Name):
            raise _NotLiteral
        if isinstance(operator, (ast.Eq, ast.NotEq)):
            values = self.literal_strings(right, single=True)
        elif isinstance(operator, (ast.In, ast.NotIn)):
            values = self.literal_strings(right, single=False)
        else:
            raise _NotLiteral
        if left.id == self.name_parameter:
            result = TableFilter(frozenset(values), False)
        elif left.id == self.type_parameter:
            result = ACCEPT_ALL if "table" in values else REJECT_ALL
        else:
            raise _NotLiteral
        if isinstance(operator, (ast.NotEq, ast.NotIn)):
            return result.invert()
        return result

    def is_parameter(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and node.id in (
            self.name_parameter,
            self.type_parameter,
        )

    def literal_strings(self, node: ast.expr, *, single: bool) -> set[str]:
        """Return the strings of a literal, or of a module constant naming one."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if single:
            raise _NotLiteral
        if isinstance(node, ast.Name):
            return self.literal_strings(self.module_constant(node.id), single=False)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            values: set[str] = set()
            for element in node.elts:
                values |= self.literal_strings(element, single=True)
            return values
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("set", "frozenset", "tuple", "list")
            and len(node.args) == 1
            and not node.keywords
        ):
            return self.literal_strings(node.args[0], single=False)
        raise _NotLiteral

    def module_constant(self, name: str) -> ast.expr:
        value: ast.expr | None = None
        for statement in self.module.body:
            if isinstance(statement, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == name
                for target in statement.targets
            ):
                value = statement.value
            elif (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and statement.target.id == name
                and statement.value is not None
            ):
                value = statement.value
        if value is None:
            raise _NotLiteral
        return value
