"""Rename findings of the static rules, confirmed by a deep run.

compare_metadata has no rename, so the deep run reports the two sides of
each rename that the static drift rules found as one finding.
"""

from __future__ import annotations

from dataclasses import replace

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.schema import table_key

_COLUMN_CODES = ("STW103", "STW104")
_NAMED_CODES = ("STW107", "STW108")


def fold_renames(static: list[Finding], deep: list[Finding]) -> list[Finding]:
    """Replace the deep drop and add of each static rename with the rename.

    compare_metadata reports a renamed column as a removed and an added
    one, and an index or unique constraint that the naming convention
    renamed as a drop and a create. When the deep run reports both names,
    the static rename finding, which carries the rename's fix, stands for
    the two.
    """
    folded = list(deep)
    for rename in static:
        old = rename.data.get("renamed_from")
        new = _renamed_to(rename)
        if not isinstance(old, str) or new is None:
            continue
        codes = _COLUMN_CODES if rename.code in _COLUMN_CODES else _NAMED_CODES
        sides = [
            f
            for f in folded
            if f.code in codes
            and _deep_table(f) == rename.data.get("table")
            and _deep_subject(f) in (old, new)
        ]
        if {_deep_subject(f) for f in sides} != {old, new}:
            continue
        confirmed = replace(
            rename,
            message=f"{rename.message} (confirmed by the deep check on a scratch "
            "database, where Alembic reports a drop and an add)",
        )
        folded = [f for f in folded if f not in sides]
        folded.append(confirmed)
    return folded


def _renamed_to(finding: Finding) -> str | None:
    """Return the new name of a static rename finding."""
    for key in ("column", "index"):
        value = finding.data.get(key)
        if isinstance(value, str):
            return value
    model = finding.data.get("model")
    name = model.get("name") if isinstance(model, dict) else None
    return name if isinstance(name, str) else None


def _deep_table(finding: Finding) -> str:
    table = str(finding.data.get("table", ""))
    schema = finding.data.get("schema")
    return table_key(table, schema if isinstance(schema, str) else None)


def _deep_subject(finding: Finding) -> object:
    """Return the column of a deep column finding, else the object's name."""
    if finding.code in _COLUMN_CODES:
        return finding.data.get("column")
    return finding.data.get("name")
