"""Code actions that run a generator.

"Author a migration" on drift findings and "Write a merge revision" on STW401.

The action carries a command rather than an edit, because the generator
writes a new revision file; the client runs it through
``workspace/executeCommand`` and the server writes the file.
"""

from __future__ import annotations

from lsprotocol import types

from steward_lsp.engine.generate import Generator, generator_named
from steward_lsp.server.code_actions import ActionRequest, provider

AUTHOR_MIGRATION = generator_named("author-migration")
MERGE_HEADS = generator_named("merge-heads")

DRIFT_CODES = tuple(f"STW10{digit}" for digit in range(1, 10))
"""Drift a new revision can close: STW101 to STW109 (not STW110, raw SQL)."""


def generator_action(generator: Generator, request: ActionRequest) -> types.CodeAction:
    """Return a quick fix that runs ``generator`` for the request's document.

    The arguments carry only the document: VS Code prompts for a revision
    message where one is needed, and other clients get the default.
    """
    command = types.Command(
        title=generator.title,
        command=generator.command_id,
        arguments=[{"uri": request.document.uri}],
    )
    return types.CodeAction(
        title=f"{generator.title} (steward {generator.cli_name})",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[request.diagnostic],
        command=command,
    )


def author_migration(request: ActionRequest) -> list[types.CodeAction]:
    """Offer to author a revision that brings the chain up to the models."""
    return [generator_action(AUTHOR_MIGRATION, request)]


@provider("STW401")
def merge_heads(request: ActionRequest) -> list[types.CodeAction]:
    """Offer to write the merge revision of the heads."""
    return [generator_action(MERGE_HEADS, request)]


for _code in DRIFT_CODES:
    provider(_code)(author_migration)
