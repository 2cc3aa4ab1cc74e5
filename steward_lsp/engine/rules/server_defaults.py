"""Server-default comparison with the spellings treated as equal.

Alembic renders the model's ``server_default`` and compares it with the text
the database reflects; each dialect then forgives some differences (SQLite
strips one level of parentheses and quotes, PostgreSQL evaluates both
expressions on the server and compares the results). Both sides here are source text, so
equal expressions are normalized to one spelling before comparing.
"""

from __future__ import annotations

import re

_TEXT_CALL = re.compile(r"""^(?:sa\.|sqlalchemy\.)?text\(\s*(['"])(.*)\1\s*\)$""", re.S)
_CAST_SUFFIX = re.compile(r"::[\w ]+(\[\])?$")
_QUOTED = re.compile(r"""^(['"])(.*)\1$""", re.S)

_CURRENT_TIMESTAMP = "current_timestamp"
_TIMESTAMP_SPELLINGS = {
    "now()",
    "current_timestamp",
    "current_timestamp()",
    "func.now()",
    "sa.func.now()",
    "sqlalchemy.func.now()",
    "func.current_timestamp()",
    "sa.func.current_timestamp()",
    "localtimestamp",
    "transaction_timestamp()",
}
_BOOLEAN_SPELLINGS = {
    "true()": "true",
    "sa.true()": "true",
    "expression.true()": "true",
    "false()": "false",
    "sa.false()": "false",
    "expression.false()": "false",
}
# Dialects that store booleans as integers, where true and 1 are one value.
_INTEGER_BOOLEAN_DIALECTS = {"sqlite", "mysql", "mariadb"}


def normalize_server_default(text: str | None, dialect: str | None) -> str | None:
    """Return one spelling for all equivalent spellings of a server default."""
    if text is None:
        return None
    value = text.strip()
    match = _TEXT_CALL.match(value)
    if match:
        value = match.group(2).strip()
    value = _strip_parentheses(value)
    value = _CAST_SUFFIX.sub("", value).strip()
    quoted = _QUOTED.match(value)
    if quoted:
        value = quoted.group(2)
    lowered = value.lower()
    if lowered in _TIMESTAMP_SPELLINGS:
        return _CURRENT_TIMESTAMP
    if lowered in _BOOLEAN_SPELLINGS:
        lowered = _BOOLEAN_SPELLINGS[lowered]
    if lowered in ("true", "false"):
        if dialect in _INTEGER_BOOLEAN_DIALECTS:
            return "1" if lowered == "true" else "0"
        return lowered
    if lowered in ("null", "none"):
        return None
    return value


def server_defaults_differ(
    model: str | None, head: str | None, dialect: str | None
) -> bool:
    """Return whether two server defaults differ after normalization."""
    return normalize_server_default(model, dialect) != normalize_server_default(
        head, dialect
    )


def _strip_parentheses(value: str) -> str:
    while value.startswith("(") and value.endswith(")") and _balanced(value[1:-1]):
        value = value[1:-1].strip()
    return value


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
