"""Scheduling of analyses: debouncing, one worker thread, stale results.

Every engine call runs on one worker thread, which serializes access to the
Workspaces (they are not thread-safe) and keeps the event loop free to
respond to the client while an analysis runs. An analysis that finishes after
an open buffer changed is dropped instead of published: the change has
scheduled a newer one.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from steward_lsp.engine.analysis import AnalysisResult
from steward_lsp.server.analysis_job import AnalysisJob, run_job
from steward_lsp.server.diagnostics import publish_outcome
from steward_lsp.server.features.outline import refresh_code_lenses
from steward_lsp.server.folders import FolderState, OpenDocument, uri_path

if TYPE_CHECKING:
    from steward_lsp.server.server import StewardLanguageServer

logger = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 0.15
"""Quiet time after a keystroke before the folder is analysed again."""

T = TypeVar("T")


class Worker:
    """One daemon thread that runs submitted calls in order.

    A daemon thread, unlike ThreadPoolExecutor's, does not keep the process
    alive at exit: a client that sends ``exit`` while an analysis of a huge
    project runs gets the server to stop at once.
    """

    def __init__(self, name: str) -> None:
        self._calls: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, function: Callable[[], T]) -> Future[T]:
        """Queue ``function`` and return the future of its result."""
        future: Future[T] = Future()

        def call() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(function())
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiter
                future.set_exception(exc)

        self._calls.put(call)
        return future

    def stop(self) -> None:
        """End the thread after the call it is running; queued calls never run."""
        self._stopped.set()
        self._calls.put(None)

    def _run(self) -> None:
        while (call := self._calls.get()) is not None and not self._stopped.is_set():
            call()


class AnalysisScheduler:
    """Run folder analyses on the worker thread and publish their results.

    It starts paused, so that edits arriving while the server indexes the
    workspace are queued and analysed after it.
    """

    def __init__(self, server: StewardLanguageServer):
        self._server = server
        self._worker = Worker("steward-analysis")
        self._dirty: list[FolderState] = []
        self._timer: asyncio.Handle | None = None
        self._task: asyncio.Task[None] | None = None
        self._paused = True
        self._stopped = False
        self._analysing: Counter[FolderState] = Counter()
        """Analyses in progress per folder: analyze_now can overlap a scheduled one."""
        self._waiters: dict[FolderState, list[asyncio.Future[None]]] = {}

    def schedule(self, folder: FolderState, delay: float = DEBOUNCE_SECONDS) -> None:
        """Analyse ``folder`` after ``delay`` seconds without further changes."""
        if folder not in self._dirty:
            self._dirty.append(folder)
        if self._paused:
            return

        if self._timer is not None:
            self._timer.cancel()
        loop = asyncio.get_running_loop()
        if delay <= 0:
            self._timer = loop.call_soon(self._start)
        else:
            self._timer = loop.call_later(delay, self._start)

    def resume(self) -> None:
        """Start analysing the folders scheduled while paused."""
        self._paused = False
        if self._dirty:
            self._timer = asyncio.get_running_loop().call_soon(self._start)

    async def analyze_now(self, folder: FolderState) -> None:
        """Analyse ``folder`` and publish, returning when it is done."""
        if folder in self._dirty:
            self._dirty.remove(folder)
        await self._analyze(folder)

    async def wait_until_current(self, folder: FolderState) -> None:
        """Wait until every change scheduled for ``folder`` has been analysed.

        Returns at once when nothing is pending, and when the scheduler has
        been shut down.
        """
        while not self._stopped and (
            folder in self._dirty or folder in self._analysing
        ):
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.setdefault(folder, []).append(waiter)
            await waiter

    async def latest_result(self, folder: FolderState) -> AnalysisResult | None:
        """Return the folder's latest analysis, analysing it first if it has none."""
        if folder.last_result is None:
            await self.analyze_now(folder)
        return folder.last_result

    async def current_result(self, folder: FolderState) -> AnalysisResult | None:
        """Return the folder's analysis once every pending change is in it."""
        await self.wait_until_current(folder)
        return await self.latest_result(folder)

    async def run_on_worker(self, function: Callable[[], T]) -> T:
        """Run ``function`` on the analysis worker, the thread that owns Workspaces.

        Generators read files through the Workspace, so they queue behind
        the analysis in progress instead of racing it.
        """
        return await asyncio.wrap_future(self._worker.submit(function))

    def shutdown(self) -> None:
        """Stop the timer and the worker; queued analyses are dropped."""
        self._paused = True
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
        self._worker.stop()
        for folder in list(self._waiters):
            self._wake(folder)

    def _start(self) -> None:
        self._timer = None
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run_pending())

    async def _run_pending(self) -> None:
        while self._dirty and not self._paused:
            await self._analyze(self._dirty.pop(0))

    async def _analyze(self, folder: FolderState) -> None:
        self._analysing[folder] += 1
        try:
            await self._analyze_and_publish(folder)
        finally:
            self._analysing[folder] -= 1
            if not self._analysing[folder]:
                del self._analysing[folder]
            self._wake(folder)

    def _wake(self, folder: FolderState) -> None:
        for waiter in self._waiters.pop(folder, []):
            if not waiter.done():
                waiter.set_result(None)

    async def _analyze_and_publish(self, folder: FolderState) -> None:
        job = self._take_job(folder)
        try:
            outcome = await asyncio.wrap_future(
                self._worker.submit(lambda: run_job(job))
            )
        except Exception:  # noqa: BLE001 - the server outlives a failed analysis
            logger.exception(
                "analysis of %s failed; the last diagnostics stay", folder.root
            )
            return

        if folder not in self._server.folders.folders:
            logger.debug("dropped the analysis of %s: folder removed", folder.root)
            return
        if _versions(self.open_documents(folder)) != _versions(job.documents):
            logger.debug("dropped the analysis of %s: a buffer changed", folder.root)
            return

        publish_outcome(self._server, folder, outcome, job.documents)
        refresh_code_lenses(self._server, folder, job.documents)

    def _take_job(self, folder: FolderState) -> AnalysisJob:
        file_changes, folder.pending_file_changes = folder.pending_file_changes, []
        settings = dict(folder.client_settings) if folder.settings_changed else None
        folder.settings_changed = False
        return AnalysisJob(
            folder=folder,
            documents=self.open_documents(folder),
            file_changes=file_changes,
            client_settings=settings,
            codec=self._server.workspace.position_codec,
        )

    def open_documents(self, folder: FolderState) -> dict[Path, OpenDocument]:
        """Return the open Python buffers under ``folder``."""
        documents: dict[Path, OpenDocument] = {}
        for document in list(self._server.workspace.text_documents.values()):
            path = uri_path(document.uri)
            if path is None or path.suffix != ".py":
                continue
            if self._server.folders.folder_of(path) is not folder:
                continue
            documents[path] = OpenDocument(
                document.uri, document.version, document.source
            )
        return documents


def _versions(documents: dict[Path, OpenDocument]) -> dict[Path, int | None]:
    return {path: document.version for path, document in documents.items()}
