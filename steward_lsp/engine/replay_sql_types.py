"""SQL column types parsed by sqlglot, as :class:`TypeSpec` of SQLAlchemy types.

Raw SQL names types the way DDL does, so they map to SQLAlchemy's uppercase
SQL-standard classes (``VARCHAR(50)`` -> ``VARCHAR(length=50)``), which the
type comparison compiles back to the same DDL. A type without a mapping is
kept with ``known=False`` and never drifts.
"""

from __future__ import annotations

from sqlglot import exp

from steward_lsp.engine.schema import TypeSpec

# sqlglot type name -> (SQLAlchemy class, names of its positional parameters).
_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "VARCHAR": ("VARCHAR", ("length",)),
    "NVARCHAR": ("NVARCHAR", ("length",)),
    "CHAR": ("CHAR", ("length",)),
    "NCHAR": ("NCHAR", ("length",)),
    "TEXT": ("TEXT", ()),
    "INT": ("INTEGER", ()),
    "BIGINT": ("BIGINT", ()),
    "SMALLINT": ("SMALLINT", ()),
    "BOOLEAN": ("BOOLEAN", ()),
    "DATE": ("DATE", ()),
    "TIME": ("TIME", ()),
    "DATETIME": ("DATETIME", ()),
    "TIMESTAMP": ("TIMESTAMP", ()),
    "DECIMAL": ("NUMERIC", ("precision", "scale")),
    "FLOAT": ("FLOAT", ()),
    "DOUBLE": ("DOUBLE", ()),
    "JSON": ("JSON", ()),
    "JSONB": ("postgresql.JSONB", ()),
    "UUID": ("UUID", ()),
    "BLOB": ("BLOB", ()),
    "VARBINARY": ("VARBINARY", ("length",)),
    "BINARY": ("BINARY", ("length",)),
    "INTERVAL": ("INTERVAL", ()),
}
_WITH_TIME_ZONE = {"TIMESTAMPTZ", "TIMESTAMPLTZ"}


def column_type(data_type: exp.DataType, dialect: str | None) -> TypeSpec:
    """Return the TypeSpec of a sqlglot column type."""
    text = data_type.sql(dialect=dialect)
    name = (
        data_type.this.name if hasattr(data_type.this, "name") else str(data_type.this)
    )
    if name in _WITH_TIME_ZONE:
        return TypeSpec("TIMESTAMP", kwargs=(("timezone", True),), text=text)
    mapped = _TYPES.get(name)
    if mapped is None:
        return TypeSpec(name, text=text, known=False)
    class_name, parameters = mapped
    values = [_parameter(param) for param in data_type.expressions]
    if len(values) > len(parameters) or any(value is None for value in values):
        return TypeSpec(class_name, text=text, known=False)
    kwargs = tuple(sorted(zip(parameters, values, strict=False)))
    return TypeSpec(class_name, kwargs=kwargs, text=text)


def _parameter(node: exp.Expression) -> int | None:
    target = node.this if isinstance(node, exp.DataTypeParam) else node
    if isinstance(target, exp.Literal) and not target.is_string:
        try:
            return int(target.this)
        except ValueError:
            return None
    return None
