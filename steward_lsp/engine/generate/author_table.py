"""The operations that bring a table present on both sides to the model's shape.

The changes of one table run in groups, in this order:

1. the ENUM types it needs,
2. concurrent index drops,
3. the table's own changes: constraint and index drops; columns added,
   dropped, renamed and altered; index and constraint creates,
4. concurrent index creates,
5. the ENUM types it no longer needs.

A backfilled column splits the table's own changes around its UPDATE.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.operations import ops
from sqlalchemy.sql.elements import conv

from steward_lsp.engine.generate.author_directives import (
    AutocommitBlockOp,
    CommentedOp,
    RenameColumnOp,
    ValidateConstraintOp,
    backfilled_column,
    enum_type_note,
    postgresql_cast,
)
from steward_lsp.engine.generate.author_drift import TableDrift
from steward_lsp.engine.generate.author_plan import (
    Planner,
    create_foreign_key,
    dialect_named,
    enum_members_op,
    enum_name,
    foreign_key_op,
    index_op,
    is_nullable,
)
from steward_lsp.engine.generate.author_renames import name_change_op
from steward_lsp.engine.generate.author_schema import (
    UnbuildableType,
    build_column,
    column_type,
    postgresql_constraint_name,
    server_default,
)
from steward_lsp.engine.rules.drift_renames import pair_renames
from steward_lsp.engine.rules.naming import convention_name
from steward_lsp.engine.rules.type_rewrite import rewrites_table
from steward_lsp.engine.schema import ColumnDef, TableDef


def plan_table_changes(
    drift: TableDrift, planner: Planner
) -> list[ops.MigrateOperation]:
    """Return the operations that bring an existing table to the model's shape.

    Four safety rewrites apply. A NOT NULL column without a server default
    is added nullable, backfilled and then made NOT NULL. A probable rename
    that the drift rules report, or a dropped column and an added one of the
    same type, becomes a rename. On PostgreSQL, indexes are built and
    dropped concurrently in an ``autocommit_block``. An index or unique
    constraint that only the naming convention renamed is renamed in place
    where the dialect can rename it.
    """
    model, head = drift.pair.model, drift.pair.head
    assert model is not None and head is not None
    changes = _TableChanges(model, head, planner)
    changes.name_changes(drift.name_changes)
    changes.constraint_drops(drift.constraints)
    changes.index_drops(drift.indexes)
    for new, old in drift.renamed_columns.items():
        changes.rename_column(old, new)
    added, dropped = changes.renames(drift.added_columns, drift.dropped_columns)
    for name in added:
        changes.add_column(model.columns[name])
    for name in dropped:
        changes.drop_column(head.columns[name])
    altered = {name: set(codes) for name, codes in drift.altered_columns.items()}
    for name, data in drift.enum_members.items():
        if changes.enum_members(model.columns[name], head.columns[name], data):
            altered.setdefault(name, set()).add("STW105")
    for name, codes in altered.items():
        changes.alter_column(model.columns[name], head.columns[name], codes)
    changes.index_creates(drift.indexes)
    changes.constraint_creates(drift.constraints)
    return changes.operations()


class _TableChanges:
    """The operations of one existing table, in the groups that run in order."""

    def __init__(self, model: TableDef, head: TableDef, planner: Planner) -> None:
        self.model = model
        self.head = head
        self.planner = planner
        self.dialect = planner.dialect
        self.type_creates: list[ops.MigrateOperation] = []
        self.object_renames: list[ops.MigrateOperation] = []
        self.concurrent_drops: list[ops.MigrateOperation] = []
        self.before: list[ops.MigrateOperation] = []
        self.backfills: list[ops.MigrateOperation] = []
        self.after: list[ops.MigrateOperation] = []
        self.concurrent_creates: list[ops.MigrateOperation] = []
        self.type_drops: list[ops.MigrateOperation] = []

    def operations(self) -> list[ops.MigrateOperation]:
        # ENUM types go outside the table's batch block, which may defer
        # the column operations to its end.
        found: list[ops.MigrateOperation] = list(self.type_creates)
        # The renames run as op.execute() before the table's other changes,
        # outside its batch block.
        found.extend(self.object_renames)
        if self.concurrent_drops:
            found.append(AutocommitBlockOp(self.concurrent_drops))
        if self.backfills:
            found.extend(self._modify(self.before))
            found.extend(self.backfills)
            found.extend(self._modify(self.after))
        else:
            found.extend(self._modify([*self.before, *self.after]))
        if self.concurrent_creates:
            found.append(AutocommitBlockOp(self.concurrent_creates))
        found.extend(self.type_drops)
        return found

    def _modify(
        self, operations: list[ops.MigrateOperation]
    ) -> list[ops.MigrateOperation]:
        """Return ``operations`` as the table's blocks, column renames in their own.

        In one SQLite ``batch_alter_table``, Alembic 1.20 rebuilds the indexes
        of a column renamed in the same block by the column's other name and
        fails with KeyError, whether the block drops or creates them. So the
        operations before the first rename, the renames, and the operations
        after the last one run in three blocks.
        """
        if not operations:
            return []
        renames = [i for i, op in enumerate(operations) if _is_column_rename(op)]
        if not renames:
            groups = [operations]
        else:
            first, last = renames[0], renames[-1] + 1
            groups = [operations[:first], operations[first:last], operations[last:]]
        return [
            ops.ModifyTableOps(self.model.name, group, schema=self.model.schema)
            for group in groups
            if group
        ]

    def _skip(self, what: str, exc: UnbuildableType) -> None:
        self.planner.note(
            f"{what}: no operation, because steward cannot build the {exc}; "
            "write this change by hand"
        )

    # -- columns ------------------------------------------------------------

    def renames(
        self, added: list[str], dropped: list[str]
    ) -> tuple[list[str], list[str]]:
        """Turn the dropped and added columns that pair up into renames.

        The pairing is the drift rules' (:func:`pair_renames`), so the
        revision renames what ``steward check`` reports as renamed. Returns
        the added and dropped columns that remain.
        """
        pairs = pair_renames(
            [self.model.columns[name] for name in added],
            [self.head.columns[name] for name in dropped],
            self.dialect,
        )
        for old, new in pairs:
            self.rename_column(old.name, new.name)
        paired = {column.name for pair in pairs for column in pair}
        return (
            [name for name in added if name not in paired],
            [name for name in dropped if name not in paired],
        )

    def rename_column(self, old: str, new: str) -> None:
        """Rename head's column ``old`` to the model's ``new``, with its changes."""
        head_column = self.head.columns[old]
        model_column = self.model.columns[new]
        codes = set()
        if is_nullable(model_column) != is_nullable(head_column):
            codes.add("STW106")
        if model_column.server_default != head_column.server_default:
            codes.add("STW109")
        try:
            kw = self._alter_arguments(model_column, head_column, codes)
        except UnbuildableType as exc:
            self._skip(f"column {self.model.key}.{new}", exc)
            return
        rename = RenameColumnOp(
            self.model.name, old, schema=self.model.schema, modify_name=new, **kw
        )
        comment = [
            f"NOTE: probable rename of {old} to {new}, because the model drops",
            f"{old} and adds a column of the same type. If they are different",
            f"columns, use drop_column({old!r}) and add_column({new!r}) instead,",
            "which lose the data.",
        ]
        if kw.get("modify_nullable") is False:
            comment.append(
                f"Rows where {old} IS NULL make this fail; give them a value."
            )
        undo = [f"NOTE: undoes the probable rename of {old} to {new}."]
        self.before.append(CommentedOp(comment, rename, undo))
        self.planner.note(
            f"column {self.model.key}.{old} is renamed to {new} (probable rename: "
            "one column dropped and one of the same type added); check it. "
            "Code still running against the old name breaks during the deploy, "
            "so steward check reports the rename as STW307: add "
            "'# steward: ignore[STW307]' with the reason if that is acceptable"
        )

    def add_column(self, column: ColumnDef) -> None:
        """Add ``column``, backfilled when it is NOT NULL without a default."""
        table = self.model
        try:
            built = build_column(column, self.dialect)
        except UnbuildableType as exc:
            self._skip(f"column {table.key}.{column.name}", exc)
            return

        if is_nullable(column) and column.server_default is None:
            # A default fills the existing rows itself, and a NOT NULL
            # column is backfilled inside the revision.
            self.planner.plan.added_columns.append((table.key, column.name))
        self.type_creates.extend(
            self.planner.enum_types(
                [column], implicit=False, kept=self.planner.head_enums
            )
        )
        if self.dialect != "postgresql" and enum_name(column) is not None:
            self.planner.note(enum_type_note(f"{table.key}.{column.name}"))
        if is_nullable(column) or column.server_default is not None:
            self.before.append(ops.AddColumnOp(table.name, built, schema=table.schema))
            return

        nullable = build_column(column, self.dialect, nullable=True)
        preparer = dialect_named(self.dialect).identifier_preparer
        self.backfills.append(
            backfilled_column(table.name, table.schema, nullable, built.type, preparer)
        )
        self.planner.note(
            f"column {table.key}.{column.name} is NOT NULL without a server "
            "default: fill in the backfill UPDATE the revision marks with TODO"
        )

    def drop_column(self, column: ColumnDef) -> None:
        """Drop ``column``; the downgrade adds it back, without its data."""
        table = self.head
        try:
            built = build_column(column, self.dialect)
        except UnbuildableType as exc:
            self._skip(f"column {table.key}.{column.name}", exc)
            return
        fits_rows = column.nullable or column.primary_key or column.server_default
        if not fits_rows:
            # The rows the downgrade finds have no value for the column, so
            # adding it back NOT NULL would fail on any table with rows.
            built.nullable = True
        self.before.append(
            ops.DropColumnOp(
                table.name,
                column.name,
                schema=table.schema,
                _reverse=ops.AddColumnOp(table.name, built, schema=table.schema),
            )
        )
        creates = self.planner.enum_types(
            [column], implicit=False, kept=self.planner.model_enums
        )
        self.type_drops.extend(create.reverse() for create in reversed(creates))
        self.planner.note(
            f"column {table.key}.{column.name} is dropped with its data; the "
            "downgrade adds the column back empty"
            + ("" if fits_rows else " and nullable, since no row has a value for it")
        )

    def alter_column(self, model: ColumnDef, head: ColumnDef, codes: set[str]) -> None:
        """Change the type, nullability or server default of a column."""
        checked = _checked_enum(model) and _checked_enum(head)
        if "STW105" in codes and checked and self.dialect != "sqlite":
            # Alembic would drop the old type's CHECK constraint by its name,
            # which the enum does not carry.
            self.enum_check(model, head)
            codes = codes - {"STW105"}
            if not codes:
                return
        try:
            kw = self._alter_arguments(model, head, codes)
        except UnbuildableType as exc:
            self._skip(f"column {self.model.key}.{model.name}", exc)
            return
        alter = ops.AlterColumnOp(
            self.model.name, model.name, schema=self.model.schema, **kw
        )
        if self.dialect == "postgresql" and "modify_type" in kw:
            alter = postgresql_cast(alter, dialect_named(self.dialect))
            if model.type is not None and rewrites_table(head.type, model.type):
                self.planner.note(
                    f"column {self.model.key}.{model.name} changes type, which "
                    "rewrites the table under an ACCESS EXCLUSIVE lock on "
                    "PostgreSQL, so steward check reports it as STW306; on a "
                    "large table add a new column, backfill it in batches and "
                    "switch over instead, or add '# steward: ignore[STW306]' "
                    "with the reason"
                )
        if kw.get("modify_nullable") is False:
            comment = [
                f"NOTE: rows where {model.name} IS NULL make this fail; give them "
                "a value first."
            ]
            self.after.append(CommentedOp(comment, alter, []))
            return
        self.after.append(alter)

    def enum_members(
        self, model: ColumnDef, head: ColumnDef, data: dict[str, Any]
    ) -> bool:
        """Change the enum members of a column; return whether alter_column must.

        A native PostgreSQL type changes with :class:`EnumMembersOp`. MySQL's
        inline ENUM and SQLite's re-created table take the new type through
        ``alter_column``. Elsewhere a non-native enum keeps its members in a
        CHECK constraint, which :meth:`enum_check` replaces.
        """
        native = bool(data.get("native"))
        if native and self.dialect == "postgresql":
            operation = enum_members_op(self.planner, model, list(data["head"]))
            if operation is not None:
                self.type_creates.append(operation)
            return False
        if native or self.dialect == "sqlite":
            return True
        self.enum_check(model, head)
        return False

    def enum_check(self, model: ColumnDef, head: ColumnDef) -> None:
        """Replace the CHECK constraint of a non-native enum with the model's.

        The VARCHAR takes the model's length first, so the new members fit.
        Without the constraint's name (outside PostgreSQL, with no naming
        convention or enum name), a note requests the change by hand.
        """
        table = self.model
        old_name, new_name = self._enum_check_name(head), self._enum_check_name(model)
        assert model.type is not None and head.type is not None
        members = [str(member) for member in model.type.args]
        if old_name is None or new_name is None:
            self.planner.note(
                f"column {table.key}.{model.name}: the CHECK constraint of its "
                "non-native enum lists the members, and steward does not know "
                f"its name; replace it by hand with one for {', '.join(members)}"
            )
            return
        try:
            old_type = column_type(head, self.dialect)
            new_type = column_type(model, self.dialect)
        except UnbuildableType as exc:
            self._skip(f"column {table.key}.{model.name}", exc)
            return
        old_check = self._members_check(old_name, head)
        self.before.append(
            ops.DropConstraintOp(
                old_name,
                table.name,
                type_="check",
                schema=table.schema,
                _reverse=old_check,
            )
        )
        if old_type.length != new_type.length:
            self.after.append(
                ops.AlterColumnOp(
                    table.name,
                    model.name,
                    schema=table.schema,
                    existing_type=sa.String(old_type.length),
                    existing_nullable=is_nullable(head),
                    existing_server_default=server_default(
                        head.server_default, self.dialect
                    ),
                    modify_type=sa.String(new_type.length),
                )
            )
        check = self._members_check(new_name, model)
        self.after.append(check)
        if self.dialect == "postgresql":
            self._validate_later(check, final_name=str(new_name))

    def _enum_check_name(self, column: ColumnDef) -> conv | None:
        """Return the name of the CHECK constraint of a non-native enum column.

        SQLAlchemy names it after the enum's ``name`` through the ``ck``
        naming convention. PostgreSQL names an unnamed one
        ``<table>_<column>_check``.
        """
        assert column.type is not None
        name = column.type.kwarg("name")
        named = convention_name(
            self.planner.convention,
            "ck",
            self.model.name,
            (column.name,),
            name if isinstance(name, str) else None,
        )
        if named is None and self.dialect == "postgresql":
            named = postgresql_constraint_name(self.model.name, [column.name], "check")
        # The name is final, so Alembic must not apply the convention again.
        return conv(named) if named is not None else None

    def _members_check(
        self, name: conv, column: ColumnDef
    ) -> ops.CreateCheckConstraintOp:
        assert column.type is not None
        preparer = dialect_named(self.dialect).identifier_preparer
        members = ", ".join(
            "'" + str(member).replace("'", "''") + "'" for member in column.type.args
        )
        return ops.CreateCheckConstraintOp(
            name,
            self.model.name,
            sa.text(f"{preparer.quote(column.name)} IN ({members})"),
            schema=self.model.schema,
        )

    def _alter_arguments(
        self, model: ColumnDef, head: ColumnDef, codes: set[str]
    ) -> dict[str, Any]:
        existing_type = column_type(head, self.dialect)
        kw: dict[str, Any] = {
            "existing_type": existing_type,
            "existing_nullable": is_nullable(head),
            "existing_server_default": server_default(
                head.server_default, self.dialect
            ),
        }
        if "STW105" in codes:
            kw["modify_type"] = column_type(model, self.dialect)
        if "STW106" in codes:
            kw["modify_nullable"] = is_nullable(model)
        if "STW109" in codes:
            kw["modify_server_default"] = server_default(
                model.server_default, self.dialect
            )
        return kw

    # -- indexes and constraints ----------------------------------------------

    def name_changes(self, findings: list[dict[str, Any]]) -> None:
        """Rename the indexes and unique constraints the naming convention renamed."""
        for data in findings:
            self.object_renames.append(name_change_op(self.model, data, self.dialect))
            noun = "index" if data["kind"] == "index" else "unique constraint"
            new = data.get("index") or data["model"]["name"]
            self.planner.note(
                f"{noun} {data['renamed_from']} on {self.model.key} is renamed to "
                f"{new}, the name the models' naming convention gives it"
            )

    def index_drops(self, findings: list[dict[str, Any]]) -> None:
        """Drop the indexes the head has and the model lacks or has otherwise."""
        for data in findings:
            if "head" in data:
                self._index(self.head, data.get("index"), drop=True)

    def index_creates(self, findings: list[dict[str, Any]]) -> None:
        """Create the indexes the model has and the head lacks or has otherwise."""
        for data in findings:
            if "model" in data:
                self._index(self.model, data.get("index"), drop=False)

    def _index(self, table: TableDef, name: object, *, drop: bool) -> None:
        create = index_op(table, name, self.planner, self.concurrent_indexes())
        if create is None:
            return
        operation = create.reverse() if drop else create
        if self.concurrent_indexes():
            group = self.concurrent_drops if drop else self.concurrent_creates
        else:
            group = self.before if drop else self.after
        guarded = self._foreign_keys_on(create) if self.dialect == "mysql" else []
        for foreign_key in guarded:
            name = foreign_key.constraint_name
            comment = [
                f"NOTE: MySQL needs an index for foreign key {name}, so the key",
                "is dropped and created again around the index change.",
            ]
            group.append(CommentedOp(comment, foreign_key.reverse(), []))
        group.append(operation)
        # In the downgrade the comment goes with the first operation as well.
        group.extend(CommentedOp([], foreign_key, comment) for foreign_key in guarded)

    def _foreign_keys_on(
        self, index: ops.CreateIndexOp
    ) -> list[ops.CreateForeignKeyOp]:
        """Return the named head foreign keys whose columns lead ``index``.

        MySQL drops the index it made for such a key once ``index`` exists,
        and then rejects dropping ``index`` while the key needs it.
        """
        columns = tuple(str(column) for column in index.columns)
        found = []
        for fk in self.head.all_foreign_keys():
            if fk.columns != columns[: len(fk.columns)]:
                continue
            named = convention_name(
                self.planner.convention_of(self.model),
                "fk",
                self.head.name,
                fk.columns,
                fk.name,
                fk.referred_table,
                fk.referred_columns,
                schema=self.head.schema,
            )
            if named is not None:
                found.append(
                    create_foreign_key(
                        self.head, fk, self.planner.convention_of(self.model)
                    )
                )
        return found

    def concurrent_indexes(self) -> bool:
        return self.planner.concurrent_indexes

    def constraint_drops(self, findings: list[dict[str, Any]]) -> None:
        """Drop the unique, foreign-key and check constraints only the head has."""
        for data in findings:
            if "head" in data:
                named = self._named_at_head(data)
                if named is None:
                    continue
                data = named
            if "head" in data or self._check_side(data) == "head":
                operation = self._constraint_op(self.head, data, "head")
                if operation is not None:
                    self.before.append(operation.reverse())

    def constraint_creates(self, findings: list[dict[str, Any]]) -> None:
        """Create the unique, foreign-key and check constraints only the model has."""
        for data in findings:
            if "model" in data or self._check_side(data) == "model":
                operation = self._constraint_op(self.model, data, "model")
                if operation is None:
                    continue
                self.after.append(operation)
                validated = (ops.CreateForeignKeyOp, ops.CreateCheckConstraintOp)
                if self.dialect == "postgresql" and isinstance(operation, validated):
                    self._validate_later(operation)

    def _validate_later(
        self,
        operation: ops.CreateForeignKeyOp | ops.CreateCheckConstraintOp,
        final_name: str | None = None,
    ) -> None:
        """Add a PostgreSQL constraint NOT VALID and validate it after commit.

        Adding it valid scans the table under an ACCESS EXCLUSIVE lock;
        VALIDATE CONSTRAINT scans under a lock that lets writes go on.
        ``final_name`` is a name the naming convention has made already.
        """
        operation.kw["postgresql_not_valid"] = True
        name = final_name or str(operation.constraint_name)
        if isinstance(operation, ops.CreateCheckConstraintOp) and not final_name:
            name = (
                convention_name(
                    self.planner.convention_of(self.model),
                    "ck",
                    self.model.name,
                    (),
                    name,
                )
                or name
            )
        preparer = dialect_named(self.dialect).identifier_preparer
        table = preparer.quote(self.model.name)
        if self.model.schema:
            table = f"{preparer.quote_schema(self.model.schema)}.{table}"
        validate = ValidateConstraintOp(table, preparer.quote(name))
        self.concurrent_creates.append(validate)

    def _named_at_head(self, data: dict[str, Any]) -> dict[str, Any] | None:
        """Return ``data`` with the database's name of the head constraint.

        A constraint without a name at head has the one the naming
        convention gave it, else the one PostgreSQL gave it. On other
        dialects a note requests the drop by hand, and None is returned.
        """
        shape = data["head"]
        if not isinstance(shape, dict) or shape.get("name"):
            return data
        kind = str(data.get("kind", "constraint"))
        columns = list(shape.get("columns", []))
        name = self._database_name(kind, shape)
        described = f"{kind.replace('_', ' ')} on {self.head.key}({', '.join(columns)})"
        if name is None:
            self.planner.note(
                f"{described} has no name at head, so no operation can drop it; drop "
                "it by hand with the name the database gave it"
            )
            return None
        self.planner.note(
            f"{described} has no name at head; the revision drops it as {name}, the "
            "name the database gave it"
        )
        return {**data, "head": {**shape, "name": name}}

    def _database_name(self, kind: str, shape: dict[str, Any]) -> str | None:
        columns = tuple(shape.get("columns", []))
        convention = self.planner.convention
        if kind == "foreign_key":
            named = convention_name(
                convention,
                "fk",
                self.head.name,
                columns,
                None,
                shape.get("referred_table"),
                tuple(shape.get("referred_columns", [])),
            )
            label = "fkey"
        elif kind == "unique":
            named = convention_name(convention, "uq", self.head.name, columns)
            label = "key"
        else:
            return None
        if named is not None:
            return named
        if self.dialect != "postgresql":
            return None
        return postgresql_constraint_name(self.head.name, list(columns), label)

    def _check_side(self, data: dict[str, Any]) -> str | None:
        if data.get("kind") != "check":
            return None
        name = data.get("name")
        if any(check.name == name for check in self.model.checks):
            return "model"
        return "head"

    def _constraint_op(
        self, table: TableDef, data: dict[str, Any], side: str
    ) -> ops.AddConstraintOp | None:
        kind = data.get("kind")
        shape = data.get(side)
        if kind == "unique" and isinstance(shape, dict):
            columns = list(shape["columns"])
            name = shape.get("name") or "_".join(("uq", table.name, *columns))
            return ops.CreateUniqueConstraintOp(
                name, table.name, columns, schema=table.schema
            )
        if kind == "foreign_key" and isinstance(shape, dict):
            return foreign_key_op(table, shape, self.planner.convention_of(table))
        if kind == "check":
            for check in table.checks:
                if check.name == data.get("name"):
                    return ops.CreateCheckConstraintOp(
                        check.name,
                        table.name,
                        sa.text(check.sqltext),
                        schema=table.schema,
                    )
        return None


def _checked_enum(column: ColumnDef) -> bool:
    """Return whether ``column`` is a non-native enum with a CHECK constraint."""
    spec = column.type
    return (
        spec is not None
        and spec.name.rpartition(".")[2].lower() == "enum"
        and spec.kwarg("native_enum", True) is False
        and spec.kwarg("create_constraint") is True
        and bool(spec.args)
    )


def _is_column_rename(operation: ops.MigrateOperation) -> bool:
    if isinstance(operation, CommentedOp):
        operation = operation.operation
    return isinstance(operation, RenameColumnOp)
