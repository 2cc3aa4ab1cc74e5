"""Whether PostgreSQL rewrites the table to add a column.

Since PostgreSQL 11, ADD COLUMN with a non-volatile DEFAULT (a constant,
``now()``, ``CURRENT_TIMESTAMP``) evaluates the default once, stores it in
the catalog and leaves the rows alone. A volatile default has to be
computed for each row, so PostgreSQL rewrites the table and its indexes
while ALTER TABLE holds its ACCESS EXCLUSIVE lock. An identity column and a
serial one are filled from a sequence and rewrite the table the same way.
"""

from __future__ import annotations

import re

from steward_lsp.engine.schema import ColumnDef

# Volatile functions (provolatile = 'v' in pg_proc) that column defaults
# call: built-ins of PostgreSQL 15 and of its uuid-ossp and pgcrypto
# extensions, plus random_normal (PostgreSQL 16), uuidv4 and uuidv7 (18).
# NOTE: a project's own function is volatile unless declared otherwise, but
# it is not reported, because its volatility is unknown here.
VOLATILE_FUNCTIONS = frozenset(
    {
        "clock_timestamp",
        "currval",
        "gen_random_bytes",
        "gen_random_uuid",
        "gen_salt",
        "lastval",
        "nextval",
        "random",
        "random_normal",
        "setval",
        "timeofday",
        "uuid_generate_v1",
        "uuid_generate_v1mc",
        "uuid_generate_v4",
        "uuidv4",
        "uuidv7",
    }
)

# Integer types that SQLAlchemy renders as SERIAL, BIGSERIAL or SMALLSERIAL.
_INTEGER_TYPES = {"integer", "int", "biginteger", "bigint", "smallinteger", "smallint"}

_STRING_LITERAL = re.compile(r"'(?:[^']|'')*'")
_FUNCTION_CALL = re.compile(r"\b([A-Za-z_][A-Za-z0-9_$]*)\s*\(")


def volatile_function(sql: str) -> str | None:
    """Return the first volatile function that ``sql`` calls, or None.

    Names inside string literals are ignored, so ``'random()'`` is a constant.
    """
    code = _STRING_LITERAL.sub("''", sql)
    for match in _FUNCTION_CALL.finditer(code):
        name = match.group(1).lower()
        if name in VOLATILE_FUNCTIONS:
            return name
    return None


def adds_serial(column: ColumnDef) -> bool:
    """Return whether SQLAlchemy adds ``column`` as SERIAL on PostgreSQL.

    SQLAlchemy picks SERIAL for an integer primary key column whose
    ``autoincrement`` is not False. In ``add_column`` that column is the only
    primary key column of the table Alembic builds around it.
    """
    if not column.primary_key or column.autoincrement is False:
        return False
    if column.type is None or "server_default" in column.unread:
        return False
    return column.type.name.rpartition(".")[2].lower() in _INTEGER_TYPES
