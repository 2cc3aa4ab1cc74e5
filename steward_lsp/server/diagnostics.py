"""Diagnostics and configuration problems: stored per file, pushed or pulled."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from steward_lsp.server.analysis_job import AnalysisOutcome
from steward_lsp.server.client_refresh import (
    pulls_diagnostics,
    refreshes_diagnostics,
    send_refresh,
)
from steward_lsp.server.folders import (
    FolderState,
    OpenDocument,
    PublishedDiagnostics,
    new_result_id,
)

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

logger = logging.getLogger(__name__)


def publish_outcome(
    server: LanguageServer,
    folder: FolderState,
    outcome: AnalysisOutcome,
    documents: dict[Path, OpenDocument],
) -> None:
    """Store the diagnostics of one analysis and hand them to the client.

    A push client is sent each file whose diagnostics or buffer version
    changed, and empty diagnostics for each file whose findings went away,
    so a keystroke in one file does not resend every file of a large
    project. A pull client reads them with ``textDocument/diagnostic`` and
    ``workspace/diagnostic``, and is sent ``workspace/diagnostic/refresh``
    when any file's diagnostics changed, if it accepts that request.
    """
    if outcome.result is not None:
        folder.last_result = outcome.result
    push = not pulls_diagnostics(server)
    changed = False
    current: set[str] = set()
    for path, diagnostics in outcome.diagnostics.items():
        uri = outcome.uris[path]
        current.add(uri)
        document = documents.get(path)
        version = document.version if document is not None else None
        changed |= _store(server, folder, uri, version, diagnostics, push)

    for uri, previous in list(folder.published.items()):
        if uri in current or uri in outcome.failed or not previous.diagnostics:
            continue
        changed |= _store(server, folder, uri, None, [], push)

    if changed and not push and refreshes_diagnostics(server):
        send_refresh(server, types.WORKSPACE_DIAGNOSTIC_REFRESH)
    report_problems(server, folder, outcome.problems)
    if outcome.result is not None:
        report_notes(server, folder, outcome.result.notes)


def report_notes(server: LanguageServer, folder: FolderState, notes: list[str]) -> None:
    """Log each configuration note and show it once per session of the folder."""
    for note in notes:
        if note in folder.shown_notes:
            continue
        folder.shown_notes.add(note)
        logger.info("configuration note for %s: %s", folder.root, note)
        server.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Info, message=f"steward: {note}"
            )
        )


def clear_folder(server: LanguageServer, folder: FolderState) -> None:
    """Clear the diagnostics of every file of a folder the client closed.

    A push client is sent empty diagnostics. A pull client is asked to
    refresh, and its next pull of those files finds no diagnostics.
    """
    if pulls_diagnostics(server):
        had_diagnostics = any(p.diagnostics for p in folder.published.values())
        if had_diagnostics and refreshes_diagnostics(server):
            send_refresh(server, types.WORKSPACE_DIAGNOSTIC_REFRESH)
    else:
        for uri, previous in folder.published.items():
            if previous.diagnostics:
                _send(server, uri, None, [])
    folder.published.clear()


def report_problems(
    server: LanguageServer, folder: FolderState, problems: list[str]
) -> None:
    """Show each new configuration problem once, and log it.

    A problem that is still there after the next analysis is not shown
    again; one that was fixed and comes back is.
    """
    for problem in problems:
        if problem in folder.shown_problems:
            continue
        logger.warning("configuration problem in %s: %s", folder.root, problem)
        server.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Warning, message=f"steward: {problem}"
            )
        )

    folder.shown_problems = set(problems)


def _store(
    server: LanguageServer,
    folder: FolderState,
    uri: str,
    version: int | None,
    diagnostics: list[types.Diagnostic],
    push: bool,
) -> bool:
    """Store the diagnostics of ``uri``, sending them to a push client.

    Returns whether they differ from the stored ones. The result ID changes
    only with the diagnostics, not with the buffer version, so a pull of
    an edited file whose findings stayed the same gets an ``unchanged`` report.
    """
    previous = folder.published.get(uri)
    if previous is None:
        if not diagnostics and (version is None or not push):
            return False
        changed, result_id = True, new_result_id()
    elif previous.diagnostics != diagnostics:
        changed, result_id = True, new_result_id()
    else:
        changed, result_id = False, previous.result_id

    folder.published[uri] = PublishedDiagnostics(version, diagnostics, result_id)
    if push and (changed or previous is None or previous.version != version):
        _send(server, uri, version, diagnostics)
    return changed


def _send(
    server: LanguageServer,
    uri: str,
    version: int | None,
    diagnostics: list[types.Diagnostic],
) -> None:
    server.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(
            uri=uri, diagnostics=diagnostics, version=version
        )
    )
