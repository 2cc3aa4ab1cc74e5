"""The rename of an index or unique constraint, written as ``op.execute``.

Alembic has no operation that renames an index or a constraint, so the
statement the drift finding proposes runs through ``op.execute``, and its
inverse renames back in the downgrade.
"""

from __future__ import annotations

from typing import Any

from alembic.operations import ops

from steward_lsp.engine.rules.drift_renames import rename_sql
from steward_lsp.engine.schema import TableDef


class RenameObjectOp(ops.ExecuteSQLOp):
    """An ``op.execute`` of a rename statement whose inverse renames back.

    Alembic's renderer writes it as any ``ExecuteSQLOp``.
    """

    def __init__(self, sqltext: str, reverse_sqltext: str) -> None:
        super().__init__(sqltext)
        self.reverse_sqltext = reverse_sqltext

    def reverse(self) -> RenameObjectOp:
        assert isinstance(self.sqltext, str)
        return RenameObjectOp(self.reverse_sqltext, self.sqltext)


def name_change_op(
    table: TableDef, data: dict[str, Any], dialect: str | None
) -> RenameObjectOp:
    """Return the rename of a drift finding's ``data`` on ``dialect``.

    ``data`` carries the head name in ``renamed_from`` and the statement in
    ``rename_sql``; the inverse statement is built with the names swapped.
    """
    kind = data["kind"]
    old = data["renamed_from"]
    new = data.get("index") or data["model"]["name"]
    back = rename_sql(kind, new, old, table.name, table.schema, dialect)
    assert back is not None, f"no rename statement for {dialect}"
    return RenameObjectOp(data["rename_sql"], back)
