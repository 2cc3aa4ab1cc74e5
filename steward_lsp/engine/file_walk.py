"""Walking a workspace while skipping folders that hold no project code."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from pathlib import Path

# Virtual environments are also recognised by their pyvenv.cfg, whatever
# their name.
SKIPPED_FOLDERS = frozenset(
    {
        "node_modules",
        "site-packages",
        "dist-packages",
        "__pycache__",
        "venv",
        "build",
        "dist",
    }
)


class FolderFilter:
    """Decide which folders of a workspace a walk enters.

    ``exclude`` contains glob patterns matched against folder paths relative to
    ``root`` with forward slashes (``tests/workspaces``, ``*/fixtures``).
    """

    def __init__(self, root: Path, exclude: list[str]):
        self.root = root
        self.exclude = [pattern.strip("/") for pattern in exclude if pattern.strip("/")]

    def skips(self, folder: Path) -> bool:
        """Return whether ``folder`` and everything under it is skipped."""
        name = folder.name
        if folder != self.root and (name.startswith(".") or name in SKIPPED_FOLDERS):
            return True
        if name.endswith(".egg-info") or (folder / "pyvenv.cfg").is_file():
            return True
        if "{{" in name:
            # A cookiecutter or copier template, not code that runs.
            return True
        return self.excluded(folder)

    def excluded(self, path: Path) -> bool:
        """Return whether ``path`` matches an ``exclude`` pattern."""
        try:
            relative = path.relative_to(self.root).as_posix()
        except ValueError:
            return False
        if relative == ".":
            return False
        return any(
            fnmatch.fnmatchcase(relative, pattern) or relative.startswith(pattern + "/")
            for pattern in self.exclude
        )


def walk_folders(top: Path, folders: FolderFilter) -> Iterator[tuple[Path, list[str]]]:
    """Yield each folder under ``top`` that is not skipped, with its file names.

    Folders come in sorted order, so results do not depend on the file
    system's listing order.
    """
    for current, subfolders, files in os.walk(top):
        folder = Path(current)
        subfolders[:] = sorted(d for d in subfolders if not folders.skips(folder / d))
        yield folder, sorted(files)


def python_files(top: Path, folders: FolderFilter) -> Iterator[Path]:
    """Yield the ``.py`` files under ``top`` outside skipped folders."""
    for folder, files in walk_folders(top, folders):
        for name in files:
            if name.endswith(".py"):
                yield folder / name
