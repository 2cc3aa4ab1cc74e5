"""Whether a column type change can lose stored values."""

from __future__ import annotations

from steward_lsp.engine.schema import TypeSpec

_STRINGS = {"string", "varchar", "unicode", "nvarchar", "char", "nchar"}
_TEXTS = {"text", "unicodetext", "clob", "json", "jsonb"}
_INTEGER_RANK = {
    "smallinteger": 1,
    "smallint": 1,
    "integer": 2,
    "int": 2,
    "biginteger": 3,
    "bigint": 3,
}
_NUMERICS = {"numeric", "decimal"}
_FLOATS = {"float", "real", "double", "double_precision"}
_DATETIMES = {"datetime", "timestamp"}


def _base(spec: TypeSpec) -> str:
    return spec.name.rpartition(".")[2].lower()


def _int_argument(spec: TypeSpec, position: int, key: str) -> int | None:
    value = spec.args[position] if len(spec.args) > position else spec.kwarg(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def narrowing_reason(old: TypeSpec | None, new: TypeSpec) -> str | None:
    """Return why changing ``old`` to ``new`` can cut values, or None if it cannot.

    Only changes that are narrowing for certain are reported: shorter strings,
    unbounded text to bounded strings, smaller integers, fewer digits, floats
    or decimals to integers, and timestamps to dates.
    """
    if old is None or not old.known or not new.known:
        return None
    old_name, new_name = _base(old), _base(new)
    if old_name in _STRINGS | _TEXTS and new_name in _STRINGS:
        return _string_narrowing(old, new, old_name in _TEXTS)
    if old_name in _INTEGER_RANK and new_name in _INTEGER_RANK:
        if _INTEGER_RANK[new_name] < _INTEGER_RANK[old_name]:
            return f"values beyond the range of {new.name} overflow"
        return None
    if old_name in _NUMERICS and new_name in _NUMERICS:
        return _numeric_narrowing(old, new)
    if old_name in _NUMERICS | _FLOATS and new_name in _INTEGER_RANK:
        return "fractional parts are cut"
    if old_name in _DATETIMES and new_name == "date":
        return "the time of day is cut"
    return None


def _string_narrowing(old: TypeSpec, new: TypeSpec, old_unbounded: bool) -> str | None:
    new_length = _int_argument(new, 0, "length")
    if new_length is None:
        return None
    old_length = None if old_unbounded else _int_argument(old, 0, "length")
    if old_length is None:
        return f"strings longer than {new_length} characters are cut or rejected"
    if new_length < old_length:
        return (
            f"strings longer than {new_length} characters (up to {old_length} "
            "before) are cut or rejected"
        )
    return None


def _numeric_narrowing(old: TypeSpec, new: TypeSpec) -> str | None:
    old_precision, new_precision = (
        _int_argument(old, 0, "precision"),
        _int_argument(new, 0, "precision"),
    )
    old_scale, new_scale = (
        _int_argument(old, 1, "scale"),
        _int_argument(new, 1, "scale"),
    )
    if new_precision is not None and (
        old_precision is None or new_precision < old_precision
    ):
        return f"values with more than {new_precision} digits overflow"
    if new_scale is not None and old_scale is not None and new_scale < old_scale:
        return f"digits after the {new_scale}th decimal place are cut"
    return None
