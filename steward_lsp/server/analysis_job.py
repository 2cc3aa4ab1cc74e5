"""One analysis of one workspace folder, run on the analysis worker thread.

The job carries everything the worker needs, copied on the event loop: the
open buffers with their versions, the files changed on disk and new client
settings. The worker hands them to the engine Workspace, analyses, and
converts findings to diagnostics, so the event loop only has to publish.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from steward_lsp.engine import deep
from steward_lsp.engine.analysis import AnalysisResult
from steward_lsp.engine.sources import SourceError
from steward_lsp.server import convert
from steward_lsp.server.folders import FolderState, OpenDocument

logger = logging.getLogger(__name__)

# JSON lets a client send a surrogate code point on its own ("\udcff"), which
# no file can hold and Python's compile() cannot encode. U+FFFD takes its
# place: one code point and one UTF-16 unit, so positions do not move.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class AnalysisJob:
    """Inputs of one analysis, taken on the event loop."""

    folder: FolderState
    documents: dict[Path, OpenDocument]
    file_changes: list[Path]
    client_settings: dict[str, object] | None
    codec: PositionCodec


@dataclass
class AnalysisOutcome:
    """Diagnostics per file and configuration problems of one analysis.

    ``failed`` contains the URIs of files whose findings could not be converted;
    the client keeps what it was last sent for them.
    """

    diagnostics: dict[Path, list[types.Diagnostic]] = field(default_factory=dict)
    uris: dict[Path, str] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    result: AnalysisResult | None = None


def run_job(job: AnalysisJob) -> AnalysisOutcome:
    """Feed the job's changes to the folder's Workspace and analyse it.

    Runs on the worker thread, the only thread that touches the Workspace.
    """
    started = time.perf_counter()
    folder = job.folder
    workspace = folder.workspace

    if job.client_settings is not None:
        workspace.client_settings = dict(job.client_settings)
        workspace.reload()
    for path in job.file_changes:
        workspace.file_changed(path)
    for path in folder.overlays - job.documents.keys():
        workspace.set_document(path, None)
    for path, document in job.documents.items():
        workspace.set_document(path, _LONE_SURROGATE.sub("\ufffd", document.text))
    folder.overlays = set(job.documents)

    result = workspace.analyze()
    if folder.deep_results:
        result = deep.with_deep_results(result, dict(folder.deep_results))
    for findings in list(folder.command_findings.values()):
        for finding in findings:
            result.findings.setdefault(finding.location.path, []).append(finding)
    live_check = folder.live_check
    if live_check is not None:
        for finding in live_check.findings:
            result.findings.setdefault(finding.location.path, []).append(finding)
    outcome = _convert(job, result)
    outcome.problems = list(result.problems)
    if live_check is not None:
        outcome.problems.extend(live_check.problems)
    outcome.result = result
    if not workspace.environments() and not result.problems:
        outcome.problems.append(
            f"steward found no Alembic environment under {folder.root} "
            "(no alembic.ini, no [tool.alembic] in pyproject.toml); "
            "open the folder that contains alembic.ini"
        )

    outcome.seconds = time.perf_counter() - started
    logger.debug(
        "analysed %s: %d files in %.3fs",
        folder.root,
        len(outcome.diagnostics),
        outcome.seconds,
    )
    return outcome


def _convert(job: AnalysisJob, result: AnalysisResult) -> AnalysisOutcome:
    outcome = AnalysisOutcome()
    text_lines: dict[Path, Sequence[str] | None] = {}

    def lines_of(path: Path) -> Sequence[str] | None:
        if path not in text_lines:
            try:
                text_lines[path] = convert.split_lines(
                    job.folder.workspace.read_text(path)
                )
            except SourceError:
                text_lines[path] = None
        return text_lines[path]

    def uri_of(path: Path) -> str:
        document = job.documents.get(path)
        return document.uri if document is not None else convert.path_uri(path)

    for path, findings in result.findings.items():
        outcome.uris[path] = uri_of(path)
        try:
            diagnostics = [
                convert.to_diagnostic(finding, lines_of, uri_of, job.codec)
                for finding in findings
            ]
        except Exception:  # noqa: BLE001 - one file must not hide the others
            logger.exception("converting the findings of %s failed", path)
            outcome.failed.add(outcome.uris[path])
            continue
        outcome.diagnostics[path] = diagnostics

    return outcome
