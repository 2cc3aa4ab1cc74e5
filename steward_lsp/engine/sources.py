"""Reading source files and resolving dotted module names to files."""

from __future__ import annotations

import tokenize
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


class SourceError(Exception):
    """A file cannot be read as Python source; the message names it."""


def decode_source(path: Path) -> str:
    """Return the text of ``path``, decoded as Python decodes source.

    Honours a PEP 263 coding line and falls back to UTF-8. Raises
    :class:`SourceError` with the path and what to do when the file is
    missing or cannot be decoded.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise SourceError(f"{path}: file not found") from exc
    except OSError as exc:
        raise SourceError(f"{path}: cannot read file: {exc.strerror}") from exc
    try:
        encoding, _ = tokenize.detect_encoding(iter(raw.splitlines(True)).__next__)
        return raw.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        raise SourceError(
            f"{path.name}: not valid UTF-8 or declared encoding ({exc}); "
            "save the file as UTF-8 or add a coding line"
        ) from exc


class ModuleLoader(Generic[T]):
    """Resolve dotted module names under source roots and parse them lazily.

    ``parse`` turns a file into a cached summary, or None when it cannot be
    read or parsed (the caller has already reported why).
    """

    def __init__(self, source_roots: list[Path], parse: Callable[[Path], T | None]):
        self.source_roots = source_roots
        self._parse = parse
        self._summaries: dict[Path, T | None] = {}

    def resolve(
        self, module: str, relative_to: Path | None = None, level: int = 0
    ) -> Path | None:
        """Return the file of ``module``, or None when it is outside the workspace.

        ``level`` is the number of leading dots of a relative import made
        from the file ``relative_to``.
        """
        parts = [part for part in module.split(".") if part]
        if level and relative_to is not None:
            base = relative_to.parent
            for _ in range(level - 1):
                base = base.parent
            return _module_file(base, parts)
        for root in self.source_roots:
            found = _module_file(root, parts)
            if found is not None:
                return found
        return None

    def summary(self, path: Path) -> T | None:
        """Return the parsed summary of ``path``, parsing it on first use."""
        path = path.resolve()
        if path not in self._summaries:
            self._summaries[path] = self._parse(path)
        return self._summaries[path]


def _module_file(base: Path, parts: list[str]) -> Path | None:
    target = base.joinpath(*parts) if parts else base
    candidate = target.with_suffix(".py") if parts else None
    if candidate is not None and candidate.is_file():
        return candidate.resolve()
    package = target / "__init__.py"
    if package.is_file():
        return package.resolve()
    return None
