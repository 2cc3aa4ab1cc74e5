"""The role of the string at the cursor, read from text that may not parse.

The buffer is often half-typed (``op.add_column("anc``), so it is not
parsed: a small scanner reads the text before the cursor for the open
string, the call around it and the arguments written so far. The arguments
are bound to Alembic's parameter names, as
:mod:`steward_lsp.engine.lookup_names` binds them in a parsed file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from steward_lsp.engine.lookup_names import (
    COLUMN_PARAMETERS,
    TABLE_PARAMETERS,
    NameKind,
)
from steward_lsp.engine.pyast import LineIndex
from steward_lsp.engine.revision_args import alembic_signature
from steward_lsp.engine.schema import Span

# The scan starts this many characters before the cursor, at a line start;
# an argument list longer than that is not read.
_WINDOW = 20_000

_CALLEE = re.compile(r"([A-Za-z_][\w.]*)\s*$")
_KEYWORD = re.compile(r"^\s*([A-Za-z_]\w*)\s*=(?!=)")
_STRING = re.compile(r"""^\s*[rRuU]?(['"])([^'"\\]*)\1\s*$""")
_BATCH = re.compile(
    r"""batch_alter_table\(\s*(['"])([^'"]+)\1[^)]*\)\s*as\s+([A-Za-z_]\w*)"""
)
_FOREIGN_KEY_CALLS = {"ForeignKey", "ForeignKeyConstraint"}
_COLUMN_OWNERS = {"create_table", "add_column"}


@dataclass(frozen=True)
class StringRole:
    """The kind of name the string at the cursor holds, and where it starts.

    ``table`` is set for a column (the table it belongs to). ``start_column``
    is the column, on the cursor's line, where the name being typed starts:
    after the quote, or after the dot of ``ForeignKey("table.``.
    """

    kind: NameKind
    table: str | None
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


def string_role(text: str, line: int, column: int) -> StringRole | None:
    """Return what the string argument around a position names, if anything.

    None when the position is not inside a string argument that names a
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
    found = _role_of(before, scan.brackets, callee, prefix)
    if found is None:
        return None
    kind, table = found
    start = column - len(prefix)
    if callee.rsplit(".", 1)[-1] in _FOREIGN_KEY_CALLS:
        start = column - len(prefix.rsplit(".", 1)[-1])
    return StringRole(kind, table, start)


def name_around(
    text: str, line: int, column: int
) -> tuple[StringRole, str, Span] | None:
    """Return the role, the whole name and its span for the string at a position.

    The name runs from the start :func:`string_role` returns to the first
    character that cannot be part of a table or column name.
    """
    role = string_role(text, line, column)
    lines = LineIndex(text).lines
    if role is None or line >= len(lines):
        return None

    current = lines[line]
    end = role.start_column
    while end < len(current) and (current[end].isalnum() or current[end] in "_$"):
        end += 1
    name = current[role.start_column : end]
    if not name:
        return None
    return role, name, Span(line, role.start_column, line, end)


def _text_before(text: str, line: int, column: int) -> str:
    # Lines end where Python ends them, and each end is scanned as "\n".
    lines = LineIndex(text).lines
    current = lines[line] if line < len(lines) else ""
    before = "".join(f"{item}\n" for item in lines[:line]) + current[:column]
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


def _role_of(
    before: str, brackets: list[_Bracket], callee: str, prefix: str
) -> tuple[NameKind, str | None] | None:
    call = _enclosing_call(brackets)
    assert call is not None
    last = callee.rsplit(".", 1)[-1]
    arguments = _arguments(before, call)
    if last == "Column" and len(arguments) == 1 and call is brackets[-1]:
        return _column_role(before, brackets)
    if last == "relationship" and len(arguments) == 1:
        return NameKind.MODEL, None
    if last == "ForeignKey" or (last == "ForeignKeyConstraint" and len(arguments) == 2):
        if "." in prefix:
            return NameKind.COLUMN, prefix.rsplit(".", 1)[0]
        return NameKind.TABLE, None
    receiver, _, method = callee.rpartition(".")
    if not receiver or "." in receiver:
        return None
    batch_table = _batch_table(before, receiver)
    if receiver != "op" and batch_table is None:
        return None
    return _operation_role(method, batch_table, arguments)


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


def _operation_role(
    method: str, batch_table: str | None, arguments: list[str]
) -> tuple[NameKind, str | None] | None:
    bound = _bind(method, batch_table, arguments)
    if bound is None:
        return None
    current, values = bound

    if current in TABLE_PARAMETERS:
        return NameKind.TABLE, None
    if current in COLUMN_PARAMETERS:
        table_parameter = COLUMN_PARAMETERS[current]
        if current == "remote_cols":
            table = values.get(table_parameter)
        else:
            table = batch_table or values.get(table_parameter)
        return (NameKind.COLUMN, table) if table else None
    return None


def _column_role(
    before: str, brackets: list[_Bracket]
) -> tuple[NameKind, str | None] | None:
    """Return the role of the name in ``Column("...")`` inside a table operation.

    The column belongs to the table of the ``op.create_table`` or
    ``add_column`` call around it.
    """
    if len(brackets) < 2 or brackets[-2].char != "(":
        return None
    outer = brackets[-2]
    callee = _CALLEE.search(before[: outer.index])
    receiver, _, method = (callee.group(1) if callee else "").rpartition(".")
    if method not in _COLUMN_OWNERS or not receiver or "." in receiver:
        return None
    batch_table = _batch_table(before, receiver)
    if receiver != "op" and batch_table is None:
        return None
    bound = _bind(method, batch_table, _arguments(before, outer))
    table = batch_table or (bound[1].get("table_name") if bound else None)
    return (NameKind.COLUMN, table) if table else None


def _bind(
    method: str, batch_table: str | None, arguments: list[str]
) -> tuple[str | None, dict[str, str]] | None:
    """Bind argument texts to Alembic's parameter names.

    Returns the parameter of the last argument (the one being typed) and the
    string values of the others, or None for a method Alembic does not have.
    """
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
    return current, values
