"""Publishing diagnostics and configuration problems to the client."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from steward_lsp.server.analysis_job import AnalysisOutcome
from steward_lsp.server.folders import FolderState, OpenDocument, PublishedDiagnostics

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

logger = logging.getLogger(__name__)


def publish_outcome(
    server: LanguageServer,
    folder: FolderState,
    outcome: AnalysisOutcome,
    documents: dict[Path, OpenDocument],
) -> None:
    """Send the diagnostics of one analysis, and clear those that went away.

    A file is sent again only when its diagnostics or its buffer version
    changed, so a keystroke in one file does not resend every file of a
    large project.
    """
    if outcome.result is not None:
        folder.last_result = outcome.result
    current: set[str] = set()
    for path, diagnostics in outcome.diagnostics.items():
        uri = outcome.uris[path]
        current.add(uri)
        document = documents.get(path)
        version = document.version if document is not None else None
        _publish(server, folder, uri, version, diagnostics)

    for uri in list(folder.published):
        if uri in current or uri in outcome.failed:
            continue
        previous = folder.published.pop(uri)
        if previous.diagnostics:
            _send(server, uri, None, [])

    report_problems(server, folder, outcome.problems)


def clear_folder(server: LanguageServer, folder: FolderState) -> None:
    """Send empty diagnostics for every file of a folder the client closed."""
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


def _publish(
    server: LanguageServer,
    folder: FolderState,
    uri: str,
    version: int | None,
    diagnostics: list[types.Diagnostic],
) -> None:
    previous = folder.published.get(uri)
    if previous is None and not diagnostics and version is None:
        return
    if (
        previous is not None
        and previous.version == version
        and previous.diagnostics == diagnostics
    ):
        return

    _send(server, uri, version, diagnostics)
    folder.published[uri] = PublishedDiagnostics(version, diagnostics)


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
