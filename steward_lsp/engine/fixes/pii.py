"""Fixes of unclassified personal data: STW601 and STW602.

The column gets ``info={"pii": ..., "retention": ...}``, or the missing key
in the ``info`` dict it has. The retention is a placeholder for the user
to check, so these fixes are never applied by "fix all".
"""

from __future__ import annotations

import ast

from steward_lsp.engine.fixes.columns import column_call, is_sqlmodel_field
from steward_lsp.engine.fixes.registry import Fix, FixRequest, TextEdit, fixer
from steward_lsp.engine.fixes.source import SourceFile, insert_items, keyword

RETENTION_PLACEHOLDER = "P7Y"
"""The ISO 8601 retention the fix writes (seven years), for the user to check."""


@fixer("STW601", "STW602")
def classify_column(request: FixRequest) -> Fix | None:
    """Return the fix that adds the PII class and a retention to the column."""
    data = request.finding.data
    pii, column = data.get("pii"), data.get("column")
    if not isinstance(pii, str) or not isinstance(column, str):
        return None

    source = SourceFile(request.text)
    call = column_call(source, request.finding.location.span)
    if call is None or is_sqlmodel_field(call):
        # NOTE: SQLModel's Field() takes no info=; such a column gets no fix
        # unless it passes sa_column=Column(...).
        return None
    entries = {"pii": pii, "retention": RETENTION_PLACEHOLDER}
    edit = _info_edit(source, call, entries)
    if edit is None:
        return None

    if request.finding.code == "STW602":
        title = f"Add retention {RETENTION_PLACEHOLDER} to {column} (check it)"
    else:
        title = (
            f'Classify {column} as PII "{pii}", retention {RETENTION_PLACEHOLDER}'
            " (check the retention)"
        )
    return Fix(title, (edit,), safe=False)


def _info_edit(
    source: SourceFile, call: ast.Call, entries: dict[str, str]
) -> TextEdit | None:
    existing = keyword(call, "info")
    if existing is None:
        pairs = ", ".join(
            f"{source.string(key)}: {source.string(value)}"
            for key, value in entries.items()
        )
        return insert_items(source, call, [f"info={{{pairs}}}"])
    if not isinstance(existing.value, ast.Dict):
        # info=SOME_NAME: the dict is elsewhere, so there is nothing to merge into.
        return None

    present = {
        key.value
        for key in existing.value.keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }
    missing = [
        f"{source.string(key)}: {source.string(value)}"
        for key, value in entries.items()
        if key not in present
    ]
    if not missing:
        return None
    return insert_items(source, existing.value, missing)
