"""Whether a PostgreSQL column type change rewrites the table.

PostgreSQL skips the rewrite only when the old values are valid in the new
type as stored: a longer or unbounded VARCHAR, VARCHAR to TEXT, and a NUMERIC
with more precision and the same scale. Every other change rewrites.
"""

from __future__ import annotations

from steward_lsp.engine.schema import TypeSpec

_VARCHAR = {"string", "varchar", "unicode", "nvarchar"}
_TEXT = {"text", "unicodetext"}
_NUMERIC = {"numeric", "decimal"}


def _base(spec: TypeSpec) -> str:
    return spec.name.rpartition(".")[2].lower()


def _argument(spec: TypeSpec, key: str, position: int = 0) -> object:
    if len(spec.args) > position:
        return spec.args[position]
    return spec.kwarg(key)


def rewrites_table(old: TypeSpec | None, new: TypeSpec) -> bool:
    """Return whether changing ``old`` to ``new`` rewrites the table for certain.

    An unknown old type gives False, because the rewrite is then uncertain.
    """
    if old is None or not old.known or not new.known:
        return False
    old_name, new_name = _base(old), _base(new)
    if old_name == new_name and old.args == new.args and old.kwargs == new.kwargs:
        return False
    if old_name in _VARCHAR and new_name in _VARCHAR | _TEXT:
        return not _is_longer(_argument(old, "length"), _argument(new, "length"))
    if old_name in _TEXT and new_name in _TEXT:
        return False
    if old_name in _NUMERIC and new_name in _NUMERIC:
        same_scale = _argument(old, "scale", 1) == _argument(new, "scale", 1)
        longer = _is_longer(_argument(old, "precision"), _argument(new, "precision"))
        return not (same_scale and longer)
    return True


def _is_longer(old: object, new: object) -> bool:
    """Return whether bound ``new`` admits all that ``old`` does (None: unbounded)."""
    if new is None:
        return True
    if old is None:
        return False
    return isinstance(old, int) and isinstance(new, int) and new >= old
