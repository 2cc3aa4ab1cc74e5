"""``workspace/executeCommand`` for the generators, with progress.

A client runs ``steward.modelState`` and the others with one optional
argument: an object holding the generator's options (the same names as the
command-line options, with underscores) and ``uri``, a file or folder of the
workspace folder to run in (default: the first folder). The generator runs
on the analysis worker. Its files are written to disk by the same code as
the CLI's, which raises rather than replace a file steward did not write or
one edited by hand since (unless the ``overwrite_edited`` option is true), and
leaves a file with unchanged text alone. The result is an object with
``written`` and ``unchanged`` (file URIs), ``summary``, ``notes`` and
``failed``; an error is shown to the user and returned as ``error``.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from steward_lsp.engine.generate import (
    COMMON_OPTIONS,
    GENERATORS,
    GenerateError,
    GenerateRequest,
    Generator,
)
from steward_lsp.engine.generate.output import OverwriteRefused, write_files
from steward_lsp.server.convert import path_uri
from steward_lsp.server.folders import FolderState, uri_path

if TYPE_CHECKING:
    from steward_lsp.server.server import StewardLanguageServer

logger = logging.getLogger(__name__)


def register(server: StewardLanguageServer) -> None:
    """Register one command per generator on ``server``."""
    for generator in GENERATORS:
        handler = _handler(generator)
        # pygls evaluates the handler's annotations to find the server
        # parameter, and the server class is imported here for type checking only.
        handler.__annotations__["server"] = type(server)
        server.command(generator.command_id)(handler)


def command_ids() -> list[str]:
    """Return the command ids the server registers, for code actions and tests."""
    return [generator.command_id for generator in GENERATORS]


def _handler(generator: Generator) -> Any:
    async def run(server: StewardLanguageServer, *arguments: Any) -> dict[str, Any]:
        try:
            return await run_command(server, generator, arguments)
        except Exception as exc:  # noqa: BLE001 - the server outlives a failed command
            logger.exception("%s failed", generator.command_id)
            return _error(server, generator, f"internal error: {exc!r}; see the log")

    run.__name__ = f"run_{generator.cli_name.replace('-', '_')}"
    return run


async def run_command(
    server: StewardLanguageServer, generator: Generator, arguments: tuple[Any, ...]
) -> dict[str, Any]:
    """Run ``generator`` for the client and write its files."""
    try:
        options = command_options(generator, arguments)
    except ValueError as exc:
        return _error(server, generator, str(exc))
    uri = options.pop("uri", None)
    folder = _folder(server, uri)
    if folder is None:
        if uri is not None and server.folders.folders:
            text = f"{uri} is not inside an open workspace folder"
            return _error(server, generator, text)
        return _error(server, generator, "open a workspace folder first")
    output = options.get("output_dir")
    if isinstance(output, str) and not _inside(folder.workspace.root, output):
        # The user types a folder outside the project on the command line;
        # an editor request gets no such trust.
        text = f"output_dir {output!r} is outside the workspace {folder.workspace.root}"
        return _error(server, generator, f"{text}; choose a folder inside it")

    progress = await begin_progress(server, f"steward: {generator.title}")
    try:
        result = await server.scheduler.latest_result(folder)
        if result is None:
            return _error(server, generator, f"the analysis of {folder.root} failed")
        focus = uri_path(uri) if isinstance(uri, str) else None
        request = GenerateRequest(folder.workspace.root, result, options, focus)
        try:
            generated = await server.scheduler.run_on_worker(
                lambda: generator.run(request)
            )
            outcome = write_files(
                generated.files, bool(options.get("overwrite_edited"))
            )
        except (GenerateError, OverwriteRefused) as exc:
            return _error(server, generator, str(exc))
    finally:
        end_progress(server, progress)

    # A new revision changes the drift; the client may not send
    # didChangeWatchedFiles for files the server wrote.
    folder.pending_file_changes.extend(outcome.written)
    folder.command_findings[generator.cli_name] = list(generated.findings)
    server.scheduler.schedule(folder)
    message = generated.summary or generator.title
    if outcome.counts():
        separator = "; " if generated.summary else ": "
        message = f"{message}{separator}{outcome.counts()}"
    kind = types.MessageType.Warning if generated.failed else types.MessageType.Info
    server.window_show_message(types.ShowMessageParams(kind, message))
    return {
        "written": [path_uri(path) for path in outcome.written],
        "unchanged": [path_uri(path) for path in outcome.unchanged],
        "summary": generated.summary,
        "notes": generated.notes,
        "failed": generated.failed,
    }


def command_options(generator: Generator, arguments: tuple[Any, ...]) -> dict[str, Any]:
    """Return the options object of a command's arguments, checked.

    Raises ValueError naming the first unknown option or value of the wrong
    type, so a client's mistake is reported instead of ignored.
    """
    if not arguments:
        return {}
    if len(arguments) > 1 or not isinstance(arguments[0], dict | type(None)):
        raise ValueError(
            "the arguments must be one object of options, such as "
            '[{"uri": "file:///...", "env": "migrations"}]'
        )
    given = dict(arguments[0] or {})
    known = {option.name: option for option in (*COMMON_OPTIONS, *generator.options)}
    for name, value in given.items():
        if name == "uri":
            if not isinstance(value, str):
                raise ValueError(f"invalid uri {value!r}: give a file URI")
            continue
        option = known.get(name)
        if option is None:
            listed = ", ".join(["uri", *sorted(known)])
            raise ValueError(f"unknown option {name!r}; known options: {listed}")
        if value is not None and not _has_kind(value, option.kind):
            raise ValueError(
                f"invalid {name} {value!r}: expected a {option.kind.__name__}"
            )
    return given


def _inside(root: Path, folder: str) -> bool:
    path = Path(folder)
    path = path if path.is_absolute() else root / path
    return path.resolve().is_relative_to(root.resolve())


def _has_kind(value: object, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _folder(server: StewardLanguageServer, uri: object) -> FolderState | None:
    if isinstance(uri, str):
        return server.folders.folder_of_uri(uri)
    return server.folders.folders[0] if server.folders.folders else None


def _error(
    server: StewardLanguageServer, generator: Generator, text: str
) -> dict[str, Any]:
    message = f"steward {generator.cli_name}: {text}"
    logger.error("%s", message)
    server.window_show_message(
        types.ShowMessageParams(types.MessageType.Error, message)
    )
    return {"error": message}


async def begin_progress(server: StewardLanguageServer, title: str) -> str | None:
    """Start a ``$/progress`` report titled ``title``; None when the client has none."""
    capabilities = server.client_capabilities.window
    if capabilities is None or not capabilities.work_done_progress:
        return None
    token = f"steward-{uuid.uuid4().hex[:12]}"
    try:
        await server.work_done_progress.create_async(token)
    except Exception:  # noqa: BLE001 - progress is optional; the command still runs
        logger.debug("creating progress token %s failed", token, exc_info=True)
        return None
    server.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title))
    return token


def end_progress(server: StewardLanguageServer, token: str | None) -> None:
    """End the ``$/progress`` report ``token`` began, if any."""
    if token is not None:
        server.work_done_progress.end(token, types.WorkDoneProgressEnd())
