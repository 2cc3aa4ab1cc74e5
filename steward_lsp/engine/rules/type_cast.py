"""The USING clause a PostgreSQL column type change needs.

PostgreSQL's ``ALTER COLUMN ... TYPE`` converts stored values with the
assignment cast from the old type to the new one. Where there is none (text
to integer, integer to boolean) the statement fails with a hint to add
``USING``. From naive to timezone-aware timestamps, and back, the implicit
cast reads values in the session's ``TimeZone``, so the result depends on
the client that runs the migration. ``using_clause`` returns the expression to pass as
``postgresql_using`` to ``op.alter_column`` for those changes.
"""

from __future__ import annotations

_TEXT = ("VARCHAR", "TEXT", "CHAR")
# Target types with no assignment cast from text (PostgreSQL 15).
_FROM_TEXT_NEEDS_CAST = (
    "INTEGER",
    "BIGINT",
    "SMALLINT",
    "NUMERIC",
    "FLOAT",
    "DOUBLE PRECISION",
    "REAL",
    "BOOLEAN",
    "JSON",
    "JSONB",
    "UUID",
    "DATE",
    "TIMESTAMP",
    "TIME",
)
_INTEGERS = ("INTEGER", "BIGINT", "SMALLINT")
_NAIVE = "TIMESTAMP WITHOUT TIME ZONE"
_AWARE = "TIMESTAMP WITH TIME ZONE"


def using_clause(column: str, model_ddl: str, head_ddl: str) -> str | None:
    """Return the USING expression that turns ``head_ddl`` into ``model_ddl``.

    Both are PostgreSQL DDL type names as compiled for the comparison. None
    means the implicit conversion is well defined.
    """
    model = model_ddl.upper()
    head = head_ddl.upper()
    plain = column.isidentifier() and column.islower()
    quoted = column if plain else f'"{column}"'
    if {_normalized_timestamp(model), _normalized_timestamp(head)} == {_NAIVE, _AWARE}:
        return f"{quoted} AT TIME ZONE 'UTC'"
    if head.startswith(_TEXT) and model.startswith(_FROM_TEXT_NEEDS_CAST):
        return f"{quoted}::{model_ddl}"
    boolean_pair = (head.startswith(_INTEGERS) and model == "BOOLEAN") or (
        head == "BOOLEAN" and model.startswith(_INTEGERS)
    )
    if boolean_pair:
        return f"{quoted}::{model_ddl}"
    return None


def _normalized_timestamp(ddl: str) -> str | None:
    if not ddl.startswith("TIMESTAMP"):
        return None
    aware = ddl == "TIMESTAMPTZ" or ("WITH TIME ZONE" in ddl and "WITHOUT" not in ddl)
    return _AWARE if aware else _NAIVE
