"""Workspace folders: one engine Workspace per folder the client opened."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from steward_lsp.engine.analysis import AnalysisResult, Workspace
from steward_lsp.engine.deep import DeepResult
from steward_lsp.engine.findings import Finding
from steward_lsp.engine.live import LiveCheck
from steward_lsp.engine.lookup_outline import Lens


@dataclass(frozen=True)
class OpenDocument:
    """An editor buffer as it was when an analysis started."""

    uri: str
    version: int | None
    text: str


NO_DIAGNOSTICS_RESULT_ID = "none"
"""The result ID of a file the server has no diagnostics for."""

_SESSION = uuid.uuid4().hex[:8]
_result_ids = itertools.count(1)


def new_result_id() -> str:
    """Return a result ID for pull diagnostics that no earlier one equals.

    The session prefix keeps an ID from an earlier server process, which a
    client may send after a restart, from matching one of this process.
    """
    return f"{_SESSION}-{next(_result_ids)}"


@dataclass
class PublishedDiagnostics:
    """The current diagnostics of one file: pushed to the client, or pulled.

    ``result_id`` changes whenever ``diagnostics`` do, and only then.
    """

    version: int | None
    diagnostics: list[types.Diagnostic]
    result_id: str


@dataclass(eq=False)
class FolderState:
    """One workspace folder and the server's state for it.

    ``workspace`` is not thread-safe: only the analysis worker touches it,
    together with ``overlays`` (the buffers currently handed to it). The
    event loop owns the other fields and hands pending changes to the
    worker at the start of each analysis.
    """

    uri: str
    root: Path
    workspace: Workspace
    client_settings: dict[str, object]
    overlays: set[Path] = field(default_factory=set)
    pending_file_changes: list[Path] = field(default_factory=list)
    settings_changed: bool = False
    published: dict[str, PublishedDiagnostics] = field(default_factory=dict)
    shown_problems: set[str] = field(default_factory=set)
    shown_notes: set[str] = field(default_factory=set)
    """Configuration notes already shown; each is shown once per session."""
    command_findings: dict[str, list[Finding]] = field(default_factory=dict)
    """Findings of the last run of each generator command, such as the
    revisions verify-migrations saw fail, shown until the command runs again."""
    deep_results: dict[str, DeepResult] = field(default_factory=dict)
    """The last deep check of each environment, by name, shown until the next."""
    live_check: LiveCheck | None = None
    """The last live-database check (STW111), shown until the next one."""
    code_lenses: dict[Path, list[Lens]] = field(default_factory=dict)
    """The code lenses of each open file at the latest analysis, kept only
    for a client that accepts ``workspace/codeLens/refresh``."""
    last_result: AnalysisResult | None = None
    """The latest analysis whose diagnostics were published, for editor features.

    Its objects are never changed after the analysis, so handlers on the
    event loop may read it while the worker builds the next one.
    """

    def contains(self, path: Path) -> bool:
        """Tell whether ``path`` lies under this folder's root.

        The analysed project may lie above the editor's root (a root inside
        Flask-Migrate's ``migrations/``), so its model files count too.
        """
        analysed = self.workspace.root
        roots = (self.root, analysed)
        return any(path == root or root in path.parents for root in roots)


class FolderSet:
    """The workspace folders of one session, with path-to-folder routing."""

    def __init__(self) -> None:
        self.folders: list[FolderState] = []

    def add(self, uri: str, client_settings: dict[str, object]) -> FolderState | None:
        """Add the folder at ``uri``; None when it is not a local folder."""
        fs_path = to_fs_path(uri)
        if fs_path is None:
            return None

        root = Path(fs_path).resolve()
        for folder in self.folders:
            if folder.root == root:
                return folder

        folder = FolderState(
            uri=uri,
            root=root,
            workspace=Workspace(root, client_settings),
            client_settings=dict(client_settings),
        )
        self.folders.append(folder)
        return folder

    def remove(self, uri: str) -> FolderState | None:
        """Remove the folder at ``uri`` and return it; None when unknown."""
        root = uri_path(uri)
        for folder in self.folders:
            if folder.root == root:
                self.folders.remove(folder)
                return folder
        return None

    def folder_of(self, path: Path) -> FolderState | None:
        """Return the innermost folder that contains ``path``."""
        candidates = [folder for folder in self.folders if folder.contains(path)]
        if not candidates:
            return None
        return max(candidates, key=lambda folder: len(folder.root.parts))

    def folder_of_uri(self, uri: str) -> FolderState | None:
        """Return the innermost folder that contains the file at ``uri``."""
        path = uri_path(uri)
        return self.folder_of(path) if path is not None else None


def uri_path(uri: str) -> Path | None:
    """Return the resolved local path of a ``file:`` URI, else None."""
    fs_path = to_fs_path(uri)
    if fs_path is None:
        return None
    return Path(fs_path).resolve()
