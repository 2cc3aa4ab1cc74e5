"""Pull diagnostics: ``textDocument/diagnostic`` and ``workspace/diagnostic``.

Both read the diagnostics that :mod:`steward_lsp.server.diagnostics` stores
after each analysis, and return an ``unchanged`` report when the client's previous
result ID is still current. A pull waits for the analysis of changes still
pending in the file's folder, so a client that pulls right after an edit,
without waiting for ``workspace/diagnostic/refresh``, gets the findings of
that edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from steward_lsp.server.folders import NO_DIAGNOSTICS_RESULT_ID, PublishedDiagnostics

if TYPE_CHECKING:
    from steward_lsp.server.server import StewardLanguageServer

IDENTIFIER = "steward"
"""The identifier of steward's diagnostics, sent back by the client in each pull."""

DocumentReport = (
    types.RelatedFullDocumentDiagnosticReport
    | types.RelatedUnchangedDocumentDiagnosticReport
)
WorkspaceReport = (
    types.WorkspaceFullDocumentDiagnosticReport
    | types.WorkspaceUnchangedDocumentDiagnosticReport
)


def register(server: StewardLanguageServer) -> None:
    """Register both pull requests and the ``diagnosticProvider`` capability.

    A model edit changes the findings on revision files, so the
    diagnostics have inter-file dependencies.
    """
    server.add_feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        document_diagnostic,
        types.DiagnosticOptions(
            identifier=IDENTIFIER,
            inter_file_dependencies=True,
            workspace_diagnostics=True,
        ),
    )
    server.add_feature(types.WORKSPACE_DIAGNOSTIC, workspace_diagnostic)


async def document_diagnostic(
    server: StewardLanguageServer, params: types.DocumentDiagnosticParams
) -> DocumentReport:
    """Return the diagnostics of one file once its folder's analysis is current.

    A file outside every folder, or with no findings, gets an empty report.
    """
    uri = params.text_document.uri
    folder = server.folders.folder_of_uri(uri)
    stored = None
    if folder is not None:
        await server.scheduler.current_result(folder)
        stored = folder.published.get(uri)

    result_id = stored.result_id if stored is not None else NO_DIAGNOSTICS_RESULT_ID
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(
        items=stored.diagnostics if stored is not None else [], result_id=result_id
    )


async def workspace_diagnostic(
    server: StewardLanguageServer, params: types.WorkspaceDiagnosticParams
) -> types.WorkspaceDiagnosticReport:
    """Return a report for every file with diagnostics, in every folder.

    A file the client has a result for but the server no longer has
    diagnostics for (its folder was removed) gets an empty report, because
    a client keeps the diagnostics of a file a workspace report leaves out.
    """
    previous = {item.uri: item.value for item in params.previous_result_ids}
    items: list[WorkspaceReport] = []
    reported: set[str] = set()
    for folder in list(server.folders.folders):
        await server.scheduler.current_result(folder)
        for uri, stored in list(folder.published.items()):
            if uri in reported:
                continue
            reported.add(uri)
            items.append(_workspace_report(uri, stored, previous.get(uri)))

    for uri, result_id in previous.items():
        if uri not in reported and result_id != NO_DIAGNOSTICS_RESULT_ID:
            items.append(
                types.WorkspaceFullDocumentDiagnosticReport(
                    uri=uri, version=None, items=[], result_id=NO_DIAGNOSTICS_RESULT_ID
                )
            )
    return types.WorkspaceDiagnosticReport(items=items)


def _workspace_report(
    uri: str, stored: PublishedDiagnostics, previous_result_id: str | None
) -> WorkspaceReport:
    if previous_result_id == stored.result_id:
        return types.WorkspaceUnchangedDocumentDiagnosticReport(
            uri=uri, version=stored.version, result_id=stored.result_id
        )
    return types.WorkspaceFullDocumentDiagnosticReport(
        uri=uri,
        version=stored.version,
        items=stored.diagnostics,
        result_id=stored.result_id,
    )
