"""Session lifecycle: initialize, initialized, configuration changes, shutdown."""

from __future__ import annotations

import asyncio
import logging
import platform
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from steward_lsp import __version__
from steward_lsp.server import client_settings, documents
from steward_lsp.server.convert import path_uri
from steward_lsp.server.diagnostics import clear_folder
from steward_lsp.server.logging_bridge import connect_to_client

if TYPE_CHECKING:
    from steward_lsp.server.server import StewardLanguageServer

logger = logging.getLogger(__name__)


def register(server: StewardLanguageServer) -> None:
    """Register the lifecycle handlers on ``server``."""
    server.add_feature(types.INITIALIZE, initialize)
    server.add_feature(types.INITIALIZED, initialized)
    server.add_feature(
        types.WORKSPACE_DID_CHANGE_CONFIGURATION, did_change_configuration
    )
    server.add_feature(
        types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS, did_change_workspace_folders
    )
    server.add_feature(types.SHUTDOWN, shutdown)


def initialize(server: StewardLanguageServer, params: types.InitializeParams) -> None:
    """Log the start banner, read the initial settings and add the folders."""
    connect_to_client(server)
    client = params.client_info
    logger.info(
        "steward %s starting on Python %s (%s); client %s %s",
        __version__,
        platform.python_version(),
        platform.platform(),
        client.name if client else "unknown",
        (client.version or "") if client else "",
    )
    logger.debug("Python executable: %s", sys.executable)

    server.initial_settings = client_settings.settings_from_options(
        params.initialization_options
    )
    for uri in _folder_uris(params):
        folder = server.folders.add(uri, server.initial_settings)
        if folder is None:
            logger.warning("ignoring workspace folder %s: not a local folder", uri)
        else:
            logger.info("workspace folder %s", folder.root)
    if not server.folders.folders:
        logger.warning("the client opened no folder; steward has nothing to analyse")


async def initialized(
    server: StewardLanguageServer, params: types.InitializedParams
) -> None:
    """Read client settings, watch files, index every folder, then go live."""
    await client_settings.pull_settings(server)
    watchers = asyncio.ensure_future(documents.register_file_watchers(server))
    await _index(server)
    server.scheduler.resume()
    await watchers


async def did_change_configuration(
    server: StewardLanguageServer, params: types.DidChangeConfigurationParams
) -> None:
    """Re-read the client settings and analyse every folder again."""
    if client_settings.supports_pull(server):
        await client_settings.pull_settings(server)
    else:
        pushed = (
            params.settings.get(client_settings.SECTION)
            if isinstance(params.settings, dict)
            else None
        )
        settings = {
            **server.initial_settings,
            **client_settings.known_settings(pushed or {}, "didChangeConfiguration"),
        }
        for folder in server.folders.folders:
            folder.client_settings = settings
            folder.settings_changed = True

    for folder in server.folders.folders:
        if folder.settings_changed:
            server.scheduler.schedule(folder, delay=0)


async def did_change_workspace_folders(
    server: StewardLanguageServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    """Drop removed folders with their diagnostics, and analyse added ones."""
    for removed in params.event.removed:
        folder = server.folders.remove(removed.uri)
        if folder is not None:
            logger.info("workspace folder removed: %s", folder.root)
            clear_folder(server, folder)

    added = []
    for item in params.event.added:
        folder = server.folders.add(item.uri, server.initial_settings)
        if folder is None:
            logger.warning("ignoring workspace folder %s: not a local folder", item.uri)
            continue
        logger.info("workspace folder added: %s", folder.root)
        added.append(folder)

    await client_settings.pull_settings(server)
    for folder in server.folders.folders:
        if folder in added or folder.settings_changed:
            server.scheduler.schedule(folder, delay=0)


def shutdown(server: StewardLanguageServer, params: None) -> None:
    """Stop scheduling analyses."""
    logger.info("shutting down")
    server.scheduler.shutdown()
    server.deep_checks.stop()


async def _index(server: StewardLanguageServer) -> None:
    """Analyse every folder, reporting ``$/progress`` when the client shows it."""
    token = await _create_progress(server)
    folders = server.folders.folders
    progress = server.work_done_progress
    if token is not None:
        progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title="steward: indexing", message="reading migrations", percentage=0
            ),
        )

    for done, folder in enumerate(folders):
        if token is not None:
            progress.report(
                token,
                types.WorkDoneProgressReport(
                    message=folder.root.name, percentage=done * 100 // len(folders)
                ),
            )
        await server.scheduler.analyze_now(folder)

    if token is not None:
        progress.end(token, types.WorkDoneProgressEnd(message="done"))
    for folder in folders:
        asyncio.ensure_future(server.deep_checks.after_open(folder))


async def _create_progress(server: StewardLanguageServer) -> str | None:
    window = server.client_capabilities.window
    if not (window and window.work_done_progress):
        return None

    token = f"steward-index-{uuid.uuid4()}"
    try:
        await server.work_done_progress.create_async(token)
    except Exception:  # noqa: BLE001 - progress is cosmetic, indexing goes on
        logger.exception(
            "window/workDoneProgress/create failed; indexing without progress"
        )
        return None
    return token


def _folder_uris(params: types.InitializeParams) -> list[str]:
    if params.workspace_folders:
        return [folder.uri for folder in params.workspace_folders]
    if params.root_uri:
        return [params.root_uri]
    if params.root_path:
        return [path_uri(Path(params.root_path))]
    return []
