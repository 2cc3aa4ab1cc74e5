"""Revision scripts as parsed statically: header fields and ``op.*`` calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from steward_lsp.engine.schema import (
    CheckConstraintDef,
    ColumnDef,
    ForeignKeyDef,
    IndexDef,
    Location,
    TableDef,
    UniqueConstraintDef,
)


@dataclass(frozen=True)
class DialectGuard:
    """A test of the dialect name around an operation (``if dialect == "x":``).

    The operation runs on a dialect in ``names`` or, when ``negated``, on a
    dialect not in ``names``.
    """

    names: frozenset[str]
    negated: bool = False

    def matches(self, dialect: str) -> bool:
        """Whether the guarded operation runs on ``dialect``."""
        return (dialect in self.names) != self.negated


@dataclass
class Operation:
    """One ``op.*`` call of ``upgrade()`` or ``downgrade()``, in order.

    ``name`` is the Alembic operation name as called (``"add_column"``,
    ``"create_table"``, ``"execute"``, ...). Batch operations inside
    ``with op.batch_alter_table("t") as batch_op:`` carry the batch table in
    ``table`` and ``batch=True``. Fields that do not apply stay None.
    ``params`` holds the remaining literal keyword arguments (for
    ``alter_column``: ``nullable``, ``type_``, ``server_default``,
    ``new_column_name``, ...; for ``create_index``: ``postgresql_concurrently``;
    for ``add_column``: ``identity=True`` when the column has an ``Identity()``,
    although that is no keyword argument).
    ``understood`` is false when arguments could not be followed statically,
    which makes the affected table uncertain. ``dialect_guards`` are the
    enclosing ``if`` tests of the dialect name; the operation runs only where
    all of them match.
    """

    name: str
    location: Location
    table: str | None = None
    schema: str | None = None
    column: ColumnDef | None = None
    column_name: str | None = None
    table_def: TableDef | None = None
    index: IndexDef | None = None
    unique: UniqueConstraintDef | None = None
    foreign_key: ForeignKeyDef | None = None
    check: CheckConstraintDef | None = None
    constraint_name: str | None = None
    constraint_type: str | None = None
    new_name: str | None = None
    sql: str | None = None
    params: dict[str, object] = field(default_factory=dict)
    batch: bool = False
    in_autocommit_block: bool = False
    understood: bool = True
    dialect_guards: tuple[DialectGuard, ...] = ()


@dataclass
class MigrationFunction:
    """``upgrade()`` or ``downgrade()`` of a revision.

    ``present`` is false when the function is missing. ``empty`` is true for
    a body of only ``pass``, a docstring or ``...``; ``raises`` is true when
    the body raises unconditionally. ``opaque`` lists calls that are neither
    ``op.*`` nor understood helpers (a function imported from elsewhere).
    """

    present: bool
    location: Location | None = None
    operations: list[Operation] = field(default_factory=list)
    empty: bool = False
    raises: bool = False
    opaque: list[Location] = field(default_factory=list)


@dataclass
class RevisionScript:
    """A revision file: header fields, upgrade and downgrade.

    ``down_revisions`` is empty for a base revision; a merge revision has
    two or more. ``revision_location`` is the ``revision = ...`` line, where
    graph findings go.
    """

    path: Path
    revision: str | None
    down_revisions: tuple[str, ...] = ()
    branch_labels: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    message: str = ""
    create_date: str | None = None
    revision_location: Location | None = None
    down_revision_location: Location | None = None
    depends_on_location: Location | None = None
    upgrade: MigrationFunction = field(default_factory=lambda: MigrationFunction(False))
    downgrade: MigrationFunction = field(
        default_factory=lambda: MigrationFunction(False)
    )
    unreadable_header: tuple[str, ...] = ()
    """Header fields assigned something other than a literal (a call, a name)."""
    parse_error: str | None = None
    """The reason the file did not parse, when only its header could be read."""
