"""Code actions that run a generator.

"Author a migration" on drift findings and "Write a merge revision" on STW401.

The action carries a command rather than an edit, because the generator
writes a new revision file; the client runs it through
``workspace/executeCommand`` and the server writes the file.
"""

from __future__ import annotations

from lsprotocol import types

from steward_lsp.engine.generate import generator_named
from steward_lsp.server.code_actions import ActionRequest, provider

AUTHOR_MIGRATION = generator_named("author-migration")
MERGE_HEADS = generator_named("merge-heads")

DRIFT_CODES = tuple(f"STW10{digit}" for digit in range(1, 10))
"""Drift a new revision can close: STW101 to STW109 (not STW110, raw SQL)."""

def author_migration(request: ActionRequest) -> list[types.CodeAction]:
    """Offer to author a revision that brings the chain up to the models."""
    command = types.Command(
        title=AUTHOR_MIGRATION.title,
        command=AUTHOR_MIGRATION.command_id,
        # No message: VS Code asks for one, other clients get the default.
        arguments=[{"uri": request.document.uri}],
    )
    return [
        types.CodeAction(
            title=f"{AUTHOR_MIGRATION.title} (steward author-migration)",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[request.diagnostic],
            command=command,
        )
    ]


@provider("STW401")
def merge_heads(request: ActionRequest) -> list[types.CodeAction]:
    """Offer to write the merge revision of the heads."""
    command = types.Command(
        title=MERGE_HEADS.title,
        command=MERGE_HEADS.command_id,
        arguments=[{"uri": request.document.uri}],
    )
    return [
        types.CodeAction(
            title=f"{MERGE_HEADS.title} (steward merge-heads)",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[request.diagnostic],
            command=command,
        )
    ]


for _code in DRIFT_CODES:
    provider(_code)(author_migration)
