"""Scan one Python file for the columns its queries filter, join and sort on.

The scan reads the file with ``ast`` only; it imports nothing. It follows
SQLAlchemy's query-building calls (``select(...).where()``, ``.filter()``,
``.filter_by()``, ``.join()``, ``.order_by()``, ``session.query()``,
``session.get()``, Flask-SQLAlchemy's ``Model.query``), loader options and
relationship joins, the ``relationship()`` and column-name declarations of
class bodies, and ``create_engine`` calls with their pool options.
"""

from __future__ import annotations

import ast
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from steward_lsp.engine.pyast import LineIndex, dotted_name
from steward_lsp.engine.queries.bindings import MODULE_SCOPE, BoundQuery, ScopeBindings
from steward_lsp.engine.queries.uses import (
    ColumnUse,
    EngineCall,
    FileScan,
    RelationshipDecl,
    RelationshipLoad,
    UseKind,
)

# A file without any of these words contains nothing the scan records, so it is
# not parsed at all.
_TRIGGERS = (
    "where(",
    "filter(",
    "filter_by(",
    "join(",
    "order_by(",
    ".get(",
    "get_or_404(",
    "load(",
    "contains_eager(",
    "relationship(",
    "Relationship(",
    "Column(",
    "mapped_column(",
    "create_engine(",
    "create_async_engine(",
)

_FILTER_METHODS = frozenset({"where", "filter", "having"})
# Calls whose first argument is the entity of the statement they start.
_STATEMENT_FUNCTIONS = frozenset({"select", "query", "update", "delete"})
_JOIN_METHODS = frozenset({"join", "outerjoin"})
_GET_METHODS = frozenset({"get", "get_or_404"})
_LOADER_OPTIONS = frozenset(
    {"joinedload", "selectinload", "subqueryload", "immediateload", "contains_eager"}
)
# Column operators a B-tree index can serve. A negation (``!=``, ``not_in``,
# ``~``), a case-insensitive match and ``contains`` (LIKE '%x%') cannot be
# served by an index on the column, so they are not recorded.
_COLUMN_OPERATORS = frozenset({"in_", "is_", "like", "startswith", "between"})
_INDEXABLE_COMPARISONS = (ast.Eq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.In)
_BOOLEAN_FUNCTIONS = frozenset({"and_", "or_"})
_ORDER_MODIFIERS = frozenset(
    {"asc", "desc", "nulls_first", "nulls_last", "nullsfirst", "nullslast"}
)
_RELATIONSHIP_FUNCTIONS = frozenset({"relationship", "Relationship"})
_COLUMN_FUNCTIONS = frozenset({"Column", "mapped_column"})
_ENGINE_FUNCTIONS = frozenset({"create_engine", "create_async_engine"})
_MAPPED_WRAPPERS = frozenset({"Mapped", "list", "List", "set", "Set", "Optional"})


def scan_source(path: Path, text: str) -> FileScan:
    """Return what the queries, models and engines of ``text`` use.

    Raises SyntaxError (or ValueError on a NUL byte) when ``text`` does not
    parse; the caller keeps the last good scan then.
    """
    if not any(trigger in text for trigger in _TRIGGERS):
        return FileScan()
    tree = ast.parse(text, filename=str(path))
    scanner = _Scanner(path, LineIndex(text))
    scanner.run(tree)
    return scanner.scan


# A statement that may bind a name: ``name = value`` or ``name: T = value``.
_Assignment = ast.Assign | ast.AnnAssign


@dataclass
class _Scanner:
    path: Path
    lines: LineIndex
    scan: FileScan = field(default_factory=FileScan)
    # Names bound to ``aliased(Model)``, and the values bound to names in
    # each scope, with the scope of the node being read.
    aliases: dict[str, str] = field(default_factory=dict)
    names: ScopeBindings = field(default_factory=ScopeBindings)
    scope: int = MODULE_SCOPE
    # The call each chained call is the receiver of, and the chain of the
    # call being read.
    outer_calls: dict[int, ast.Call] = field(default_factory=dict)
    chain: tuple[int, int] | None = None

    def run(self, tree: ast.Module) -> None:
        """Read the whole module in one walk, then the nodes it collected.

        The walk visits the nodes in the order of ``ast.walk`` and notes the
        scope of each call and assignment.
        """
        assignments: list[tuple[_Assignment, int]] = []
        classes: list[ast.ClassDef] = []
        calls: list[tuple[ast.Call, int]] = []
        pending: deque[tuple[ast.AST, int]] = deque([(tree, MODULE_SCOPE)])
        while pending:
            node, scope = pending.popleft()
            if isinstance(node, ast.Call):
                calls.append((node, scope))
                if isinstance(node.func, ast.Attribute):
                    self.outer_calls[id(node.func.value)] = node
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                if _assigned_name(node) is not None:
                    assignments.append((node, scope))
            elif isinstance(node, ast.ClassDef):
                classes.append(node)
            inner = self.names.enter(node, scope)
            pending.extend((child, inner) for child in ast.iter_child_nodes(node))
        self.bind_names(assignments)
        for class_node in classes:
            self.read_class(class_node)
        for call, scope in calls:
            self.scope = scope
            self.read_call(call)

    # -- names bound before use -------------------------------------------

    def bind_names(self, assignments: list[tuple[_Assignment, int]]) -> None:
        """Record aliases, tables and the values bound to names."""
        for node, _ in assignments:
            name = _assigned_name(node)
            value = node.value
            if name is None or not isinstance(value, ast.Call) or not value.args:
                continue
            function = _call_name(value)
            first = value.args[0]
            if function == "aliased" and isinstance(first, ast.Name):
                self.aliases[name] = first.id
            elif function == "Table" and isinstance(first, ast.Constant):
                if isinstance(first.value, str):
                    self.scan.table_variables[name] = first.value
        for node, scope in sorted(assignments, key=lambda item: item[0].lineno):
            name = _assigned_name(node)
            if name is None or node.value is None:
                continue
            self.scope = scope
            entity = self.query_entity(node.value)
            joined = None
            if entity is not None:
                joined = self.query_entity(node.value, joined=True)
            # A chain the scan cannot resolve (``self.base().where(...)``)
            # still gets a key, so the filters of its later steps count
            # together with its own.
            chain = None
            if isinstance(node.value, ast.Call):
                chain = self._chain_start(node.value)
            bound = BoundQuery(node.lineno, entity, joined, chain)
            self.names.bind(scope, name, bound)
        self.scope = MODULE_SCOPE

    def entity_name(self, name: str) -> str:
        return self.aliases.get(name, name)

    # -- class bodies -----------------------------------------------------

    def read_class(self, node: ast.ClassDef) -> None:
        bases = [name for base in node.bases if (name := dotted_name(base))]
        if bases:
            self.scan.class_bases[node.name] = [b.rsplit(".", 1)[-1] for b in bases]
        for statement in node.body:
            self._class_attribute(node.name, statement)

    def _class_attribute(self, class_name: str, statement: ast.stmt) -> None:
        target: ast.expr
        if isinstance(statement, ast.AnnAssign):
            target, value = statement.target, statement.value
            annotation: ast.expr | None = statement.annotation
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value, annotation = statement.targets[0], statement.value, None
        else:
            return
        if not isinstance(target, ast.Name) or not isinstance(value, ast.Call):
            return
        function = _call_name(value)
        if function in _RELATIONSHIP_FUNCTIONS:
            self.scan.relationships.append(
                RelationshipDecl(
                    class_name,
                    target.id,
                    _relationship_target(value, annotation),
                    _string_or_name(_keyword(value, "secondary")),
                    _attribute_names(_keyword(value, "foreign_keys")),
                )
            )
        elif function in _COLUMN_FUNCTIONS:
            column = _column_name(value)
            if column is not None and column != target.id:
                names = self.scan.column_names.setdefault(class_name, {})
                names[target.id] = column

    # -- calls ------------------------------------------------------------

    def read_call(self, node: ast.Call) -> None:
        name = _call_name(node)
        if name in _ENGINE_FUNCTIONS:
            self._engine(node, name)
        elif name in _LOADER_OPTIONS:
            self._loads(node.args)
        if isinstance(node.func, ast.Attribute):
            self.chain = self._chain_start(node)
            self._method(node, node.func.attr, node.func.value)
            self.chain = None

    def _chain_start(self, node: ast.Call) -> tuple[int, int]:
        """Return the key of the query ``node`` belongs to.

        A chain that starts from a name bound to a query continues that
        query (``stmt = select(A).where(...)``, then ``stmt.order_by(...)``).
        """
        top = node
        while id(top) in self.outer_calls:
            top = self.outer_calls[id(top)]
        bottom: ast.expr = node
        while isinstance(bottom, ast.Call) and isinstance(bottom.func, ast.Attribute):
            bottom = bottom.func.value
        if isinstance(bottom, ast.Name):
            bound = self._binding(bottom)
            if bound is not None and bound.chain is not None:
                return bound.chain
        return (top.lineno, top.col_offset)

    def _method(self, node: ast.Call, method: str, receiver: ast.expr) -> None:
        if method in _FILTER_METHODS:
            for argument in node.args:
                self._predicate(argument, UseKind.FILTER)
        elif method == "filter_by":
            self._filter_by(node, receiver)
        elif method in _JOIN_METHODS:
            self._join(node.args)
        elif method == "join_from":
            self._join(node.args[1:])
        elif method == "order_by":
            for argument in node.args:
                self._order(argument)
        elif method in _GET_METHODS:
            self._get(node, receiver)
        elif method in {"any", "has"}:
            self._loads([receiver])
            for argument in node.args:
                self._predicate(argument, UseKind.FILTER)

    def _filter_by(self, node: ast.Call, receiver: ast.expr) -> None:
        entity = self.query_entity(receiver, joined=True)
        if entity is None:
            return
        for keyword in node.keywords:
            if keyword.arg is not None:
                self._use(UseKind.FILTER, entity, keyword.arg, keyword)

    def _join(self, arguments: list[ast.expr]) -> None:
        if not arguments:
            return
        target, *onclause = arguments
        if _column_ref(target) is not None:
            self._loads([target])
        for clause in onclause:
            self._predicate(clause, UseKind.JOIN)

    def _order(self, argument: ast.expr) -> None:
        argument = _unwrap_order(argument)
        ref = _column_ref(argument)
        if ref is not None:
            self._use(UseKind.ORDER, self.entity_name(ref[0]), ref[1], argument)

    def _get(self, node: ast.Call, receiver: ast.expr) -> None:
        """Record ``session.get(Model, pk)`` and ``<query>.get(pk)`` lookups."""
        entity = self.query_entity(receiver)
        if entity is None and len(node.args) >= 2:
            first = node.args[0]
            if isinstance(first, ast.Name):
                entity = self.entity_name(first.id)
        if entity is not None:
            self._use(UseKind.GET, entity, None, node)

    def _loads(self, arguments: list[ast.expr]) -> None:
        for argument in arguments:
            ref = _column_ref(argument)
            if ref is not None:
                entity = self.entity_name(ref[0])
                location = self.lines.location(self.path, argument)
                self.scan.loads.append(RelationshipLoad(entity, ref[1], location))

    def _engine(self, node: ast.Call, function: str) -> None:
        url = node.args[0] if node.args else _keyword(node, "url")
        literal = (
            url.value
            if isinstance(url, ast.Constant) and isinstance(url.value, str)
            else None
        )
        options = {
            keyword.arg: ast.unparse(keyword.value)
            for keyword in node.keywords
            if keyword.arg is not None and keyword.arg != "url"
        }
        location = self.lines.location(self.path, node)
        self.scan.engines.append(EngineCall(function, literal, options, location))

    # -- predicates -------------------------------------------------------

    def _predicate(self, node: ast.expr, kind: UseKind) -> None:
        """Record the columns compared in a WHERE or ON clause."""
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self._predicate(value, kind)
        elif isinstance(node, ast.Compare):
            if any(isinstance(op, _INDEXABLE_COMPARISONS) for op in node.ops):
                self._comparison(node, kind)
        elif isinstance(node, ast.Call):
            self._predicate_call(node, kind)
        else:
            ref = _column_ref(node)
            if ref is not None:
                self._use(kind, self.entity_name(ref[0]), ref[1], node)

    def _predicate_call(self, node: ast.Call, kind: UseKind) -> None:
        name = _call_name(node)
        if name in _BOOLEAN_FUNCTIONS:
            for argument in node.args:
                self._predicate(argument, kind)
            return
        if isinstance(node.func, ast.Attribute) and name in _COLUMN_OPERATORS:
            ref = _column_ref(node.func.value)
            if ref is not None:
                entity = self.entity_name(ref[0])
                self._use(kind, entity, ref[1], node.func.value)

    def _comparison(self, node: ast.Compare, kind: UseKind) -> None:
        """Record the columns of a comparison, as a join when it is one.

        A join is an equality between columns of two entities. Another
        comparison of two columns is recorded as a filter with its partner,
        which resolution drops when the partner is a model column.
        """
        refs = [
            (operand, _column_ref(operand))
            for operand in [node.left, *node.comparators]
        ]
        columns = [(operand, ref) for operand, ref in refs if ref is not None]
        owners = {ref[0] for _, ref in columns}
        if len(owners) < len(columns):
            # The comparison is between two columns of the same row
            # (``Credit.amount > Credit.used``), which no index on either
            # serves. An alias of the class (``aliased(Credit)``) has its own
            # name, so a self-join is still recorded.
            return
        equality = all(isinstance(op, ast.Eq) for op in node.ops)
        for operand, ref in columns:
            partners = [
                (self.entity_name(other[0]), other[1])
                for _, other in columns
                if other is not ref
            ]
            partner = partners[0] if partners else None
            if partner is None:
                use_kind = kind
            else:
                use_kind = UseKind.JOIN if equality else UseKind.FILTER
            self._use(use_kind, self.entity_name(ref[0]), ref[1], operand, partner)

    def _use(
        self,
        kind: UseKind,
        entity: str,
        attribute: str | None,
        node: ast.AST,
        partner: tuple[str, str] | None = None,
    ) -> None:
        location = self.lines.location(self.path, node)
        use = ColumnUse(kind, entity, attribute, location, partner, self.chain)
        self.scan.uses.append(use)

    # -- the entity of a query --------------------------------------------

    def query_entity(self, node: ast.expr, joined: bool = False) -> str | None:
        """Return the class a query chain selects from, None when unknown.

        With ``joined``, the target of the chain's last ``join`` wins, which
        is the entity ``filter_by`` applies to.
        """
        joins: list[str] = []
        while True:
            if isinstance(node, ast.Attribute) and node.attr == "query":
                base = self._flask_query(node)
                break
            if isinstance(node, ast.Name):
                base = self._statement_entity(node, joined and not joins)
                break
            if not isinstance(node, ast.Call):
                return None
            name = _call_name(node)
            if name in _STATEMENT_FUNCTIONS:
                base = self._first_entity(node.args)
                break
            if not isinstance(node.func, ast.Attribute):
                return None
            if name in _JOIN_METHODS and node.args:
                joins.append(self._join_target(node.args[0]) or "")
            elif name == "select_from" and node.args:
                joins.append(self._join_target(node.args[0]) or "")
            node = node.func.value
        if joined and joins:
            # The outermost join was called last; "" marks an unknown target.
            return joins[0] or None
        return base

    def _flask_query(self, node: ast.Attribute) -> str | None:
        if isinstance(node.value, ast.Name):
            return self.entity_name(node.value.id)
        return None

    def _statement_entity(self, node: ast.Name, joined: bool) -> str | None:
        bound = self._binding(node)
        if bound is None:
            return None
        return bound.joined if joined else bound.entity

    def _binding(self, node: ast.Name) -> BoundQuery | None:
        """Return the last value bound to ``node``'s name before its line."""
        return self.names.lookup(self.scope, node.id, node.lineno)

    def _first_entity(self, arguments: list[ast.expr]) -> str | None:
        if not arguments:
            return None
        first = arguments[0]
        if isinstance(first, ast.Name):
            return self.entity_name(first.id)
        ref = _column_ref(first)
        return self.entity_name(ref[0]) if ref is not None else None

    def _join_target(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.entity_name(node.id)
        ref = _column_ref(node)
        if ref is not None:
            return f"{self.entity_name(ref[0])}.{ref[1]}"
        return None


def _assigned_name(node: _Assignment) -> str | None:
    """Return the one name ``node`` assigns, None for other targets."""
    target: ast.expr
    if isinstance(node, ast.AnnAssign):
        target = node.target
    elif len(node.targets) == 1:
        target = node.targets[0]
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _column_ref(node: ast.expr) -> tuple[str, str] | None:
    """Return (name, attribute) for ``Name.attribute``, else None.

    A Core column, ``table.c.name``, gives (``table.c``, name); resolution
    maps the variable to its table through the ``Table(...)`` assignment.
    An attribute may start with one underscore (``Model._user_id``), but a
    dunder name such as ``Model.__table__`` is not a column.
    """
    if not isinstance(node, ast.Attribute) or node.attr.startswith("__"):
        return None
    owner = node.value
    if isinstance(owner, ast.Name):
        return owner.id, node.attr
    if (
        isinstance(owner, ast.Attribute)
        and owner.attr in ("c", "columns")
        and isinstance(owner.value, ast.Name)
    ):
        return f"{owner.value.id}.c", node.attr
    return None


def _column_name(node: ast.Call) -> str | None:
    """Return the name a ``Column`` or ``mapped_column`` call gives its column."""
    first = node.args[0] if node.args else _keyword(node, "name")
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def _unwrap_order(node: ast.expr) -> ast.expr:
    """Return the column of ``Model.col.desc()`` or ``desc(Model.col)``."""
    while isinstance(node, ast.Call) and _call_name(node) in _ORDER_MODIFIERS:
        if isinstance(node.func, ast.Attribute) and not node.args:
            node = node.func.value
        elif node.args:
            node = node.args[0]
        else:
            break
    return node


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    for keyword in node.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _string_or_name(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if node is not None:
        return dotted_name(node)
    return None


def _attribute_names(node: ast.expr | None) -> tuple[str, ...]:
    """Return the attribute names that ``foreign_keys=`` lists (``[owner_id]``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return ()
    if isinstance(node, ast.List | ast.Tuple):
        return tuple(name for item in node.elts for name in _attribute_names(item))
    if isinstance(node, ast.Name):
        return (node.id,)
    if isinstance(node, ast.Attribute):
        return (node.attr,)
    return ()


def _relationship_target(node: ast.Call, annotation: ast.expr | None) -> str | None:
    """Return the class name a relationship points to, from its call or type."""
    if node.args:
        target = _string_or_name(node.args[0])
        if target is not None:
            return target.rsplit(".", 1)[-1]
    while annotation is not None:
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return None
            continue
        if isinstance(annotation, ast.Subscript):
            wrapper = dotted_name(annotation.value) or ""
            if wrapper.rsplit(".", 1)[-1] not in _MAPPED_WRAPPERS:
                return None
            annotation = annotation.slice
            continue
        if isinstance(annotation, ast.BinOp):
            # ``Mapped["Parent | None"]``: the class is the side that is not None.
            left = annotation.left
            is_none = isinstance(left, ast.Constant) and left.value is None
            annotation = annotation.right if is_none else left
            continue
        name = dotted_name(annotation)
        return name.rsplit(".", 1)[-1] if name else None
    return None
