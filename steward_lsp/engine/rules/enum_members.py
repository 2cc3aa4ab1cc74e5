"""Enum members that differ between the model and the head.

Autogenerate (Alembic 1.20) compares an ``Enum`` column by its type alone,
so a member added to or removed from the model is never reported. The
database stores the members where the enum is native (a PostgreSQL
``CREATE TYPE``, a MySQL or MariaDB ``ENUM(...)`` column) or where a
non-native enum has ``create_constraint=True`` (a CHECK constraint). There
a member change is drift, and it is reported as STW105 with
``data["alembic"]`` False. A non-native enum without the constraint is a
plain VARCHAR, whose length the type comparison already covers.
"""

from __future__ import annotations

from dataclasses import dataclass

from steward_lsp.engine.schema import TypeSpec

_ENUM_NAMES = {"Enum", "ENUM", "postgresql.ENUM", "mysql.ENUM"}
_NATIVE_ENUM_DIALECTS = {"postgresql", "mysql", "mariadb"}


@dataclass(frozen=True)
class EnumChange:
    """The members of one enum column on each side, and what changed."""

    model: tuple[str, ...]
    head: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    native: bool

    def describe(self) -> str:
        """Return the change as text, such as "adds 'b'; removes 'c'"."""
        parts = []
        if self.added:
            parts.append("adds " + ", ".join(repr(m) for m in self.added))
        if self.removed:
            parts.append("removes " + ", ".join(repr(m) for m in self.removed))
        return "; ".join(parts)


def enum_change(
    model: TypeSpec | None, head: TypeSpec | None, dialect: str | None
) -> EnumChange | None:
    """Return how the model's enum members differ from the head's, if stored."""
    if model is None or head is None:
        return None
    if not (_is_enum(model) and _is_enum(head) and model.known and head.known):
        return None
    model_members = tuple(str(member) for member in model.args)
    head_members = tuple(str(member) for member in head.args)
    # An enum that names an existing type without its members cannot be read.
    if not model_members or not head_members:
        return None
    native = _is_native(model) and _is_native(head)
    stored = (native and dialect in _NATIVE_ENUM_DIALECTS) or (
        model.kwarg("create_constraint") is True
        and head.kwarg("create_constraint") is True
    )
    if not stored:
        return None
    added = tuple(m for m in model_members if m not in head_members)
    removed = tuple(m for m in head_members if m not in model_members)
    if not added and not removed:
        return None
    return EnumChange(model_members, head_members, added, removed, native)


def _is_enum(spec: TypeSpec) -> bool:
    return spec.name in _ENUM_NAMES


def _is_native(spec: TypeSpec) -> bool:
    return spec.kwarg("native_enum", True) is not False
