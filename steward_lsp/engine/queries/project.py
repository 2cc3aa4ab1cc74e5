"""Scanning the data-access code of one environment, with per-file caches.

The files are the Python files of the environment's project folder, walked
with discovery's folder rules (``exclude``, virtual environments, hidden
folders), without the revision files and env.py, plus the model files. The
list is kept while the environment object lives: the workspace discovers
environments again when a Python file is created or deleted. Each file's
scan is kept by its text, so a keystroke in one file scans only that file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from steward_lsp.engine.discovery import _project_folder
from steward_lsp.engine.file_walk import FolderFilter, python_files
from steward_lsp.engine.project import Environment
from steward_lsp.engine.queries.scanner import scan_source
from steward_lsp.engine.queries.uses import FileScan, ProjectQueries
from steward_lsp.engine.sources import SourceError

logger = logging.getLogger(__name__)

# NOTE: queries in tests run against fixture data, not production traffic,
# so test modules and tests/ folders are not scanned.
_TEST_FOLDERS = frozenset({"tests", "test"})


class ScanCache(Protocol):
    """The parse cache of :mod:`steward_lsp.engine.analysis`, for file scans."""

    def lookup(self, path: Path, text: str) -> FileScan | None: ...

    def store(self, path: Path, text: str, value: FileScan) -> None: ...

    def last_good(self, path: Path) -> FileScan | None: ...


class DataAccessScanner:
    """The data-access files of each environment and their cached scans."""

    def __init__(self, cache: ScanCache) -> None:
        self._cache = cache
        self._files: dict[str, tuple[Environment, list[Path]]] = {}
        self._merged: dict[str, tuple[list[FileScan], ProjectQueries]] = {}

    def scan(
        self,
        environment: Environment,
        root: Path,
        read_text: Callable[[Path], str],
        sources: dict[Path, str],
    ) -> ProjectQueries:
        """Return the merged scans of ``environment``'s data-access files.

        Files that contain a query are added to ``sources``, so inline
        ignores apply to their findings. A file that
        cannot be read is skipped; one that does not parse keeps its last
        good scan.
        """
        scans: list[FileScan] = []
        for path in self.files(environment, root):
            try:
                text = sources.get(path) or read_text(path)
            except SourceError as exc:
                logger.debug("not scanning %s for queries: %s", path, exc)
                continue
            scan = self._scan_file(path, text)
            if scan is None or scan.is_empty():
                continue
            if scan.uses or scan.loads:
                sources.setdefault(path, text)
            scans.append(scan)
        previous = self._merged.get(environment.name)
        if previous is not None and _same_objects(previous[0], scans):
            return previous[1]
        merged = ProjectQueries()
        for scan in scans:
            merged.add(scan)
        self._merged[environment.name] = (scans, merged)
        return merged

    def files(self, environment: Environment, root: Path) -> list[Path]:
        """Return the files scanned for ``environment``, walking once per object."""
        cached = self._files.get(environment.name)
        if cached is not None and cached[0] is environment:
            return cached[1]
        files = _data_access_files(environment, root)
        self._files[environment.name] = (environment, files)
        logger.debug("%d data-access files for %s", len(files), environment.name)
        return files

    def _scan_file(self, path: Path, text: str) -> FileScan | None:
        cached = self._cache.lookup(path, text)
        if cached is not None:
            return cached
        try:
            scan = scan_source(path, text)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            # CPython's parser raises RecursionError or MemoryError on
            # expressions nested too deep for it (tried on 3.11).
            logger.debug("keeping the last query scan of %s: %r", path, exc)
            return self._cache.last_good(path)
        previous = self._cache.last_good(path)
        if previous is not None and previous == scan:
            # Most edits leave the queries as they were; keeping the old object
            # lets scan() return the same merged scan and its derived results.
            scan = previous
        self._cache.store(path, text, scan)
        return scan


def _same_objects(first: list[FileScan], second: list[FileScan]) -> bool:
    if len(first) != len(second):
        return False
    return all(a is b for a, b in zip(first, second, strict=True))


def _data_access_files(environment: Environment, root: Path) -> list[Path]:
    folders = FolderFilter(root, environment.settings.exclude)
    skipped = [environment.script_location, *environment.version_locations]
    project_folder = _project_folder(environment)
    found: dict[Path, None] = {}
    for path in python_files(project_folder, folders):
        if _is_test_file(path.relative_to(project_folder)):
            continue
        resolved = path.resolve()
        if not any(resolved.is_relative_to(folder) for folder in skipped):
            found[resolved] = None
    for path in environment.model_files:
        found.setdefault(path.resolve(), None)
    return list(found)


def _is_test_file(relative: Path) -> bool:
    name = relative.name
    if name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
        return True
    return any(part in _TEST_FOLDERS for part in relative.parent.parts)
