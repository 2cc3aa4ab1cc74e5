"""Document and file events: each schedules an analysis of its folder."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from steward_lsp.server.folders import FolderState, uri_path

if TYPE_CHECKING:
    from steward_lsp.server.server import StewardLanguageServer

logger = logging.getLogger(__name__)

WATCHED_GLOBS = ("**/*.py", "**/alembic.ini", "**/pyproject.toml")
"""Files whose changes on disk change an analysis: sources and configuration."""

WATCHER_REGISTRATION_ID = "steward-watched-files"


def register(server: StewardLanguageServer) -> None:
    """Register the document and file handlers on ``server``."""
    server.add_feature(types.TEXT_DOCUMENT_DID_OPEN, did_open)
    server.add_feature(types.TEXT_DOCUMENT_DID_CHANGE, did_change)
    server.add_feature(
        types.TEXT_DOCUMENT_DID_SAVE, did_save, types.SaveOptions(include_text=False)
    )
    server.add_feature(types.TEXT_DOCUMENT_DID_CLOSE, did_close)
    server.add_feature(
        types.WORKSPACE_DID_CHANGE_WATCHED_FILES, did_change_watched_files
    )


def did_open(
    server: StewardLanguageServer, params: types.DidOpenTextDocumentParams
) -> None:
    """Analyse the document's folder with the buffer in place of the disk."""
    folder = server.folders.folder_of_uri(params.text_document.uri)
    if folder is not None:
        server.scheduler.schedule(folder, delay=0)


def did_change(
    server: StewardLanguageServer, params: types.DidChangeTextDocumentParams
) -> None:
    """Analyse the document's folder once typing pauses."""
    folder = server.folders.folder_of_uri(params.text_document.uri)
    if folder is not None:
        server.scheduler.schedule(folder)


def did_save(
    server: StewardLanguageServer, params: types.DidSaveTextDocumentParams
) -> None:
    """Analyse at once, and run the deep check where it is on.

    A saved alembic.ini or new revision changes discovery, so the Workspace
    is told of the file as of a change on disk.
    """
    _file_changed(server, params.text_document.uri)
    folder = server.folders.folder_of_uri(params.text_document.uri)
    if folder is not None:
        asyncio.ensure_future(server.deep_checks.after_save(folder))


def did_close(
    server: StewardLanguageServer, params: types.DidCloseTextDocumentParams
) -> None:
    """Analyse the folder again with the file as it is on disk."""
    folder = server.folders.folder_of_uri(params.text_document.uri)
    if folder is not None:
        server.scheduler.schedule(folder, delay=0)


def did_change_watched_files(
    server: StewardLanguageServer, params: types.DidChangeWatchedFilesParams
) -> None:
    """Tell each folder's Workspace which files changed on disk, then analyse."""
    for change in params.changes:
        _file_changed(server, change.uri)


async def register_file_watchers(server: StewardLanguageServer) -> None:
    """Ask the client to report changes on disk, when it can watch dynamically.

    Without watchers, files changed outside the editor are seen when the
    next analysis reads them or when an open file is saved.
    """
    workspace = server.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if not (watched and watched.dynamic_registration):
        logger.info("the client cannot watch files; changes on disk are seen on save")
        return

    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED_GLOBS]
    )
    registration = types.Registration(
        id=WATCHER_REGISTRATION_ID,
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await server.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception:  # noqa: BLE001 - watching is optional, the server goes on
        logger.exception("client/registerCapability for file watchers failed")


def _file_changed(server: StewardLanguageServer, uri: str) -> None:
    path = uri_path(uri)
    folder: FolderState | None = server.folders.folder_of(path) if path else None
    if folder is None or path is None:
        return

    folder.pending_file_changes.append(path)
    server.scheduler.schedule(folder, delay=0)
