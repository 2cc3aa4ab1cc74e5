"""Completion of table, column and model names inside string arguments.

The buffer is usually half-typed (``op.add_column("anc``), so it is not
parsed: a small scanner reads the text before the cursor for the open
string, the call around it and the arguments written so far. Names come
from the latest analysis: the tables the models declare and those the
migrations build at head.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from steward_lsp.engine.analysis import EnvironmentAnalysis
from steward_lsp.engine.lookup import iter_tables
from steward_lsp.engine.lookup_hover import type_label
from steward_lsp.engine.lookup_names import (
    COLUMN_PARAMETERS,
    TABLE_PARAMETERS,
    NameKind,
)
from steward_lsp.engine.revision_args import alembic_signature
from steward_lsp.engine.schema import ColumnDef

# The scan starts this many characters before the cursor, at a line start;
# an argument list longer than that is not completed.
_WINDOW = 20_000

_CALLEE = re.compile(r"([A-Za-z_][\w.]*)\s*$")
_KEYWORD = re.compile(r"^\s*([A-Za-z_]\w*)\s*=(?!=)")
_STRING = re.compile(r"""^\s*[rRuU]?(['"])([^'"\\]*)\1\s*$""")
_BATCH = re.compile(
    r"""batch_alter_table\(\s*(['"])([^'"]+)\1[^)]*\)\s*as\s+([A-Za-z_]\w*)"""
)


@dataclass(frozen=True)
class Completion:
    """One name to offer, and what it is."""

    label: str
    kind: NameKind
    detail: str


@dataclass(frozen=True)
class CompletionResult:
    """The names to offer and the column where the typed prefix starts.

    The prefix runs from ``start_column`` to the cursor on the cursor's
    line; a client replaces it with the chosen name.
    """

    items: list[Completion]
    start_column: int


@dataclass
class _Bracket:
    char: str
    index: int
    commas: list[int] = field(default_factory=list)


@dataclass
class _Scan:
    brackets: list[_Bracket]
    string_start: int | None
    """Index of the first character inside the open string, if one is open."""


def complete_at(
    environment: EnvironmentAnalysis, text: str, line: int, column: int
) -> CompletionResult | None:
    """Return the names to offer at a 0-based line and code-point column.

    None when the cursor is not inside a string argument that names a
    table, a column or a model class.
    """
    before = _text_before(text, line, column)
    scan = _scan(before)
    if scan.string_start is None or not scan.brackets:
        return None

    prefix = before[scan.string_start :]
    if "\n" in prefix:
        return None
    call = _enclosing_call(scan.brackets)
    if call is None:
        return None
    callee_match = _CALLEE.search(before[: call.index])
    if callee_match is None:
        return None
    callee = callee_match.group(1)
    start = column - len(prefix)

    items = _names_for(environment, before, call, callee, prefix)
    if items is None:
        return None
    if callee.rsplit(".", 1)[-1] in {"ForeignKey", "ForeignKeyConstraint"}:
        start = column - len(prefix.rsplit(".", 1)[-1])
    return CompletionResult(items, start)


def _text_before(text: str, line: int, column: int) -> str:
    lines = text.splitlines(keepends=True)
    head = "".join(lines[:line])
    current = lines[line] if line < len(lines) else ""
    before = head + current[:column]
    if len(before) > _WINDOW:
        cut = before.find("\n", len(before) - _WINDOW)
        before = before[cut + 1 :] if cut >= 0 else before[-_WINDOW:]
    return before


def _scan(text: str) -> _Scan:
    """Track brackets, commas and strings up to the end of ``text``."""
    brackets: list[_Bracket] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "#":
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        if char in "'\"":
            quote = (
                text[index : index + 3]
                if text[index : index + 3] in ('"""', "'''")
                else char
            )
            closed = _string_end(text, index + len(quote), quote)
            if closed is None:
                return _Scan(brackets, index + len(quote))
            index = closed
            continue
        if char in "([{":
            brackets.append(_Bracket(char, index))
        elif char in ")]}" and brackets:
            brackets.pop()
        elif char == "," and brackets:
            brackets[-1].commas.append(index)
        index += 1
    return _Scan(brackets, None)


def _string_end(text: str, index: int, quote: str) -> int | None:
    """Return the index after the closing quote, None while the string is open."""
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(quote, index):
            return index + len(quote)
        if text[index] == "\n" and len(quote) == 1:
            return None
        index += 1
    return None


def _enclosing_call(brackets: list[_Bracket]) -> _Bracket | None:
    """Return the call's parenthesis: the innermost, or the one around a list."""
    innermost = brackets[-1]
    if innermost.char == "(":
        return innermost
    if innermost.char == "[" and len(brackets) >= 2 and brackets[-2].char == "(":
        return brackets[-2]
    return None


def _names_for(
    environment: EnvironmentAnalysis,
    before: str,
    call: _Bracket,
    callee: str,
    prefix: str,
) -> list[Completion] | None:
    last = callee.rsplit(".", 1)[-1]
    arguments = _arguments(before, call)
    if last == "relationship" and len(arguments) == 1:
        return _model_names(environment)
    if last == "ForeignKey" or (last == "ForeignKeyConstraint" and len(arguments) == 2):
        return _foreign_key_names(environment, prefix)
    receiver, _, method = callee.rpartition(".")
    if not receiver or "." in receiver:
        return None
    batch_table = _batch_table(before, receiver)
    if receiver != "op" and batch_table is None:
        return None
    return _operation_names(environment, method, batch_table, arguments)


def _arguments(before: str, call: _Bracket) -> list[str]:
    """Return the text of each argument so far; the last is the current one."""
    bounds = [call.index, *call.commas, len(before)]
    return [before[bounds[i] + 1 : bounds[i + 1]] for i in range(len(bounds) - 1)]


def _batch_table(before: str, receiver: str) -> str | None:
    table = None
    for match in _BATCH.finditer(before):
        if match.group(3) == receiver:
            table = match.group(2)
    return table


def _operation_names(
    environment: EnvironmentAnalysis,
    method: str,
    batch_table: str | None,
    arguments: list[str],
) -> list[Completion] | None:
    signature = alembic_signature(method, batch_table is not None)
    if signature is None:
        return None
    positional = [
        p.name
        for p in signature.parameters.values()
        if p.name != "self" and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    values: dict[str, str] = {}
    current: str | None = None
    for index, argument in enumerate(arguments):
        keyword = _KEYWORD.match(argument)
        if keyword is not None:
            name: str | None = keyword.group(1)
            argument = argument[keyword.end() :]
        else:
            name = positional[index] if index < len(positional) else None
        if index == len(arguments) - 1:
            current = name
        elif name is not None:
            value = _STRING.match(argument)
            if value is not None:
                values[name] = value.group(2)

    if current in TABLE_PARAMETERS:
        return _table_names(environment)
    if current in COLUMN_PARAMETERS:
        table_parameter = COLUMN_PARAMETERS[current]
        if current == "remote_cols":
            table = values.get("referent_table")
        else:
            table = batch_table or values.get(table_parameter or "")
        return _column_names(environment, table) if table else None
    return None


def _foreign_key_names(
    environment: EnvironmentAnalysis, prefix: str
) -> list[Completion]:
    if "." in prefix:
        return _column_names(environment, prefix.rsplit(".", 1)[0])
    return _table_names(environment)


# -- candidates -----------------------------------------------------------------


def _table_names(environment: EnvironmentAnalysis) -> list[Completion]:
    heads = environment.head_schema.tables
    items: list[Completion] = []
    for table in iter_tables(environment):
        where = "model and head" if table.key in heads else "model only"
        if table.key not in environment.model_schema.tables:
            where = "head only"
        model = f" · {table.class_name}" if table.class_name else ""
        items.append(Completion(table.key, NameKind.TABLE, f"table ({where}){model}"))
    return items


def _column_names(environment: EnvironmentAnalysis, table: str) -> list[Completion]:
    head = environment.head_schema.tables.get(table)
    model = environment.model_schema.tables.get(table)
    columns: dict[str, tuple[ColumnDef, str]] = {}
    for column in head.columns.values() if head else []:
        columns[column.name] = (column, "head")
    for column in model.columns.values() if model else []:
        if column.name not in columns:
            columns[column.name] = (column, "model only")
    return [
        Completion(
            name, NameKind.COLUMN, f"{type_label(column.type)} ({where}) · {table}"
        )
        for name, (column, where) in columns.items()
    ]


def _model_names(environment: EnvironmentAnalysis) -> list[Completion]:
    return [
        Completion(table.class_name, NameKind.MODEL, f"model of table {table.key}")
        for table in environment.model_schema.tables.values()
        if table.class_name
    ]
