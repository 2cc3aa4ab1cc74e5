"""Read SQLAlchemy expressions from ``ast`` nodes into the schema classes.

Shared by the model parser and the revision parser. Nothing here imports or
runs user code: names are resolved through a :class:`Scope` built from the
module's imports and assignments, and SQLAlchemy's own modules are consulted
only to check that a name is a real type, schema item or function and to
compile SQL expressions rebuilt from literals.

Whatever cannot be read yields ``TypeSpec(known=False)`` or no object, and
the node lands in the caller's ``unfollowed`` list for reporting; no reader
raises on unusual input.

Typical use::

    scope = Scope.from_module(tree)
    unfollowed: list[Unfollowed] = []
    column = column_def(call, scope, unfollowed, locate=lines_locate)
"""

from steward_lsp.engine.sqla.columns import (
    COLUMN_FUNCTIONS,
    ColumnRead,
    Locate,
    column_def,
    constraint_name,
    foreign_key_target,
    read_column,
    split_column_path,
)
from steward_lsp.engine.sqla.constraints import (
    PrimaryKeyDef,
    TableItem,
    check_constraint,
    column_name,
    dialect_options,
    foreign_key_constraint,
    index_def,
    index_expression,
    primary_key_constraint,
    table_item,
    unique_constraint,
)
from steward_lsp.engine.sqla.defaults import quote_string, server_default_text, sql_text
from steward_lsp.engine.sqla.literals import (
    UNREADABLE,
    Unfollowed,
    follow,
    keyword,
    literal,
    source_text,
    string,
)
from steward_lsp.engine.sqla.scope import FLASK_DB, Scope, canonical_symbol
from steward_lsp.engine.sqla.types import type_class, type_spec

__all__ = [
    "COLUMN_FUNCTIONS",
    "FLASK_DB",
    "UNREADABLE",
    "ColumnRead",
    "Locate",
    "PrimaryKeyDef",
    "Scope",
    "TableItem",
    "Unfollowed",
    "canonical_symbol",
    "check_constraint",
    "column_def",
    "column_name",
    "constraint_name",
    "dialect_options",
    "follow",
    "foreign_key_constraint",
    "foreign_key_target",
    "index_def",
    "index_expression",
    "keyword",
    "literal",
    "primary_key_constraint",
    "quote_string",
    "read_column",
    "server_default_text",
    "source_text",
    "split_column_path",
    "sql_text",
    "string",
    "table_item",
    "type_class",
    "type_spec",
    "unique_constraint",
]
