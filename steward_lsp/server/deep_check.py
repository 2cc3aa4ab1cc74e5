"""The database checks in the editor: the deep check and the live check.

The deep engine runs the project's migrations on a scratch database, which
takes seconds, so it runs on a thread of its own rather than the analysis
worker, one folder at a time, with ``$/progress``, after each save in folders
whose ``deep`` setting is on. Its results are kept on the folder, and every
later analysis shows them in place of the static drift findings until the
next save runs it again. A save while a run is in progress runs it once more when that
run ends.

The live check (STW111) reads the database named by the ``database_url_env``
variable of the server's environment, read-only, on the same thread: once
after the first analysis of a folder and after each save.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from steward_lsp.engine import deep, live
from steward_lsp.engine.rules.ignores import apply_ignores_reading
from steward_lsp.server.commands import begin_progress, end_progress
from steward_lsp.server.folders import FolderState
from steward_lsp.server.scheduler import Worker

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import AnalysisResult, EnvironmentAnalysis
    from steward_lsp.server.server import StewardLanguageServer

logger = logging.getLogger(__name__)


class DeepChecks:
    """Runs deep checks of folders after saves, one at a time."""

    def __init__(self, server: StewardLanguageServer) -> None:
        self._server = server
        self._worker = Worker("steward-deep")
        self._running: set[FolderState] = set()
        self._again: dict[FolderState, bool] = {}

    def stop(self) -> None:
        """Stop the worker; a run in progress is abandoned with the process."""
        self._worker.stop()

    async def after_open(self, folder: FolderState) -> None:
        """Run the live check of ``folder`` once its first analysis is done."""
        await self._run_serially(folder, deep_check=False)

    async def after_save(self, folder: FolderState) -> None:
        """Run the live check, and the deep check where the settings ask for it."""
        await self._run_serially(folder, deep_check=True)

    async def _run_serially(self, folder: FolderState, *, deep_check: bool) -> None:
        # A request during a run is remembered, with whether it wants the
        # deep check, and served by one more run when this one ends.
        if folder in self._running:
            self._again[folder] = self._again.get(folder, False) or deep_check
            return
        self._running.add(folder)
        try:
            while True:
                await self._run(folder, deep_check=deep_check)
                if folder not in self._again:
                    break
                deep_check = self._again.pop(folder)
        finally:
            self._running.discard(folder)

    async def _run(self, folder: FolderState, *, deep_check: bool) -> None:
        result = await self._server.scheduler.latest_result(folder)
        if result is None:
            return
        live_changed = await self._run_live(folder, result)
        chosen = [a for a in result.environments if a.environment.settings.deep]
        if not deep_check or not chosen:
            if deep_check:
                folder.deep_results.clear()
            if live_changed:
                self._server.scheduler.schedule(folder, delay=0)
            return

        token = await begin_progress(self._server, "steward: deep check")
        try:
            for analysis in chosen:
                name = analysis.environment.name
                outcome = await _submit(self._worker, analysis, folder)
                folder.deep_results[name] = outcome
                logger.info(
                    "deep check of %s took %.1f s: %d findings",
                    name,
                    outcome.seconds,
                    len(outcome.findings),
                )
                for problem in outcome.problems:
                    logger.warning("%s", problem)
        finally:
            end_progress(self._server, token)
        self._server.scheduler.schedule(folder, delay=0)

    async def _run_live(self, folder: FolderState, result: AnalysisResult) -> bool:
        """Run the live check where its variable is set; return whether it changed."""
        configured = any(
            os.environ.get(a.environment.settings.database_url_env, "").strip()
            for a in result.environments
        )
        before = folder.live_check
        if not configured:
            folder.live_check = None
            return before is not None

        def run() -> live.LiveCheck:
            return live.check_workspace(
                result,
                folder.workspace.root,
                os.environ,
                _read_from_disk,
                in_editor=True,
            )

        outcome = await asyncio.wrap_future(self._worker.submit(run))
        logger.info("live check of %s: %d findings", folder.root, len(outcome.findings))
        for problem in outcome.problems:
            logger.warning("%s", problem)
        folder.live_check = outcome
        return before is None or (before.findings, before.problems) != (
            outcome.findings,
            outcome.problems,
        )


async def _submit(
    worker: Worker, analysis: EnvironmentAnalysis, folder: FolderState
) -> deep.DeepResult:
    settings = analysis.environment.settings

    def run() -> deep.DeepResult:
        outcome = deep.run_deep(analysis)
        outcome.findings = apply_ignores_reading(
            outcome.findings, settings, folder.workspace.root, _read_from_disk
        )
        return outcome

    return await asyncio.wrap_future(worker.submit(run))


def _read_from_disk(path: Path) -> str:
    return path.read_text(encoding="utf-8")
