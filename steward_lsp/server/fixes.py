"""Quick fixes and "fix all" from the fixes the engine computes.

A diagnostic is matched to its finding in the folder's latest published
analysis, which carries what the fix needs beyond the diagnostic's data
(the schema before a revision, the model's server default). When the
buffer changed since that analysis, no fix is offered: its positions
would be stale, and the client asks again after the next publish.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.workspace import TextDocument

from steward_lsp.engine.analysis import EnvironmentAnalysis
from steward_lsp.engine.findings import Finding
from steward_lsp.engine.fixes import FIXERS, Fix, FixRequest, TextEdit, fix_for
from steward_lsp.engine.fixes.fix_all import combine_fixes
from steward_lsp.server.code_actions import ActionRequest, document_provider, provider
from steward_lsp.server.convert import split_lines, to_range
from steward_lsp.server.folders import uri_path

if TYPE_CHECKING:
    from steward_lsp.server.server import StewardLanguageServer

logger = logging.getLogger(__name__)

FIX_ALL_KIND = "source.fixAll.steward"
"""The source action kind of "fix all", for ``editor.codeActionsOnSave``."""


@dataclass(frozen=True)
class _Located:
    finding: Finding
    analysis: EnvironmentAnalysis


def quick_fix(request: ActionRequest) -> list[types.CodeAction]:
    """Return the engine's fix of the request's diagnostic as a quick fix."""
    document = request.document
    located = _finding_of(request.server, document, request.diagnostic)
    if located is None:
        return []

    fix = _fix(located, document)
    if fix is None:
        return []
    return [
        types.CodeAction(
            title=fix.title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[request.diagnostic],
            edit=_workspace_edit(request.server, document, fix.edits),
            is_preferred=fix.safe,
        )
    ]


for _code in FIXERS:
    provider(_code)(quick_fix)


@document_provider
def fix_all(
    server: StewardLanguageServer, document: TextDocument
) -> list[types.CodeAction]:
    """Return one source action that applies every safe fix of the document.

    The engine computes the fixes one after another on the text the earlier
    ones produced (see :mod:`steward_lsp.engine.fixes.fix_all`), so fixes
    that insert at the same point are all applied. A fix whose finding lies
    in text an earlier fix replaced is left out for the next "fix all".
    """
    requests = [
        FixRequest(located.finding, document.source, located.analysis)
        for located in _current_findings(server, document)
    ]
    result = combine_fixes(
        document.source, requests, lambda request: _compute(request, document.uri)
    )
    for finding in result.left_out:
        logger.debug(
            "fix all left out %s at line %d of %s",
            finding.code,
            finding.location.span.start_line + 1,
            document.uri,
        )
    if not result.edits:
        return []
    return [
        types.CodeAction(
            title="Fix all safe steward findings",
            kind=FIX_ALL_KIND,
            edit=_workspace_edit(server, document, result.edits),
        )
    ]


def _fix(located: _Located, document: TextDocument) -> Fix | None:
    request = FixRequest(located.finding, document.source, located.analysis)
    return _compute(request, document.uri)


def _compute(request: FixRequest, uri: str) -> Fix | None:
    try:
        return fix_for(request)
    except Exception:  # noqa: BLE001 - a failed fix must not fail the request
        logger.exception("computing the %s fix failed in %s", request.finding.code, uri)
        return None


def _current_findings(
    server: StewardLanguageServer, document: TextDocument
) -> list[_Located]:
    """Return the findings of the document's latest analysis, if still current."""
    folder = server.folders.folder_of_uri(document.uri)
    path = uri_path(document.uri)
    if folder is None or folder.last_result is None or path is None:
        return []
    published = folder.published.get(document.uri)
    if published is None or published.version != document.version:
        logger.debug("no fixes for %s: the buffer changed since analysis", path)
        return []
    return [
        _Located(finding, analysis)
        for analysis in folder.last_result.environments
        for finding in analysis.findings
        if finding.location.path == path
    ]


def _finding_of(
    server: StewardLanguageServer, document: TextDocument, diagnostic: types.Diagnostic
) -> _Located | None:
    lines = split_lines(document.source)
    codec = document.position_codec
    for located in _current_findings(server, document):
        finding = located.finding
        if finding.code != diagnostic.code:
            continue
        if to_range(finding.location.span, lines, codec) == diagnostic.range:
            return located
    return None


def _workspace_edit(
    server: StewardLanguageServer,
    document: TextDocument,
    edits: Sequence[TextEdit],
) -> types.WorkspaceEdit:
    """Return the edits as a WorkspaceEdit, versioned where the client allows."""
    lines = split_lines(document.source)
    text_edits: list[types.TextEdit] = [
        types.TextEdit(
            range=to_range(edit.span, lines, document.position_codec),
            new_text=edit.new_text,
        )
        for edit in edits
    ]
    if not _supports_document_changes(server):
        return types.WorkspaceEdit(changes={document.uri: text_edits})
    identifier = types.OptionalVersionedTextDocumentIdentifier(
        uri=document.uri, version=document.version
    )
    change = types.TextDocumentEdit(text_document=identifier, edits=list(text_edits))
    return types.WorkspaceEdit(document_changes=[change])


def _supports_document_changes(server: StewardLanguageServer) -> bool:
    workspace = server.client_capabilities.workspace
    edit = workspace.workspace_edit if workspace else None
    return bool(edit and edit.document_changes)
