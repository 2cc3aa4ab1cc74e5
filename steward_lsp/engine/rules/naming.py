"""Names that SQLAlchemy's naming convention gives unnamed constraints.

Alembic's operations build their objects on a MetaData with the target
metadata's naming convention, so a convention applies on both sides of the
comparison. Without one, SQLAlchemy's default convention still names indexes
``ix_<table>_<column>``; a convention given replaces that default.

The tokens are filled as SQLAlchemy 2.x does (``sqlalchemy/sql/naming.py``):
``table_name`` and ``referred_table_name`` are the bare table names, and
only ``column_X_label`` carries the schema, as ``<schema>_<table>_<column>``
with each dot of the schema made an underscore (the column's ``_ddl_label``).
"""

from __future__ import annotations

import re

DEFAULT_CONVENTION = {"ix": "ix_%(column_0_label)s"}

_TOKEN = re.compile(r"%\((\w+)\)s")
_COLUMN_TOKEN = re.compile(r"^column_0(_N|N)?_(name|label|key)$")
_REFERRED_TOKEN = re.compile(r"^referred_column_0(_N|N)?_name$")


def convention_name(
    convention: dict[str, str],
    kind: str,
    table: str,
    columns: tuple[str, ...],
    name: str | None = None,
    referred_table: str | None = None,
    referred_columns: tuple[str, ...] = (),
    schema: str | None = None,
) -> str | None:
    """Return the final name of a constraint of ``kind`` ("ix", "uq", "ck", "fk").

    ``schema`` is the schema of ``table``, which the ``column_X_label`` tokens
    include. An explicit ``name`` is kept unless the convention embeds it
    through ``%(constraint_name)s``. Returns None when the constraint stays
    unnamed, or when a token cannot be filled from what is known.
    """
    # As in SQLAlchemy's MetaData, a convention replaces the default whole, so
    # one without an "ix" entry leaves unnamed indexes unnamed.
    template = (convention or DEFAULT_CONVENTION).get(kind)
    if template is None:
        return name
    needs_name = "%(constraint_name)s" in template
    if name is not None and not needs_name:
        return name
    if name is None and needs_name:
        return None
    values = {
        "table_name": table,
        "constraint_name": name or "",
        "referred_table_name": referred_table or "",
    }
    label_prefix = f"{schema.replace('.', '_')}_{table}" if schema else table
    rendered: list[str] = []
    position = 0
    for match in _TOKEN.finditer(template):
        value = _token_value(
            match.group(1), values, label_prefix, columns, referred_columns
        )
        if value is None:
            return None
        rendered.append(template[position : match.start()])
        rendered.append(value)
        position = match.end()
    rendered.append(template[position:])
    return "".join(rendered)


def _token_value(
    token: str,
    values: dict[str, str],
    label_prefix: str,
    columns: tuple[str, ...],
    referred_columns: tuple[str, ...],
) -> str | None:
    if token in values:
        return values[token]
    column_match = _COLUMN_TOKEN.match(token)
    if column_match:
        if not columns:
            return None
        many, part = column_match.groups()
        chosen = columns if many else columns[:1]
        names = [f"{label_prefix}_{c}" if part == "label" else c for c in chosen]
        return ("_" if many == "_N" else "").join(names)
    referred_match = _REFERRED_TOKEN.match(token)
    if referred_match:
        if not referred_columns:
            return None
        many = referred_match.group(1)
        chosen = referred_columns if many else referred_columns[:1]
        return ("_" if many == "_N" else "").join(chosen)
    return None
