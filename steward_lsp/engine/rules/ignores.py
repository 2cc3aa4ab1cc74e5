"""Suppression of findings: inline comments and configured ignores.

``# steward: ignore[STW301, STW302]`` on the first line of a finding drops
those codes there, and a bare ``# steward: ignore`` drops every code on that
line. Where that line ends inside a triple-quoted string or continues with a
backslash, the comment is read where the string or continuation ends.
``select``, ``ignore`` and ``per_file_ignores`` take codes or prefixes
(``"STW3"`` is the whole safety family).
"""

from __future__ import annotations

import fnmatch
import logging
import re
from collections.abc import Callable
from pathlib import Path

from steward_lsp.engine.comment_lines import comment_line, continued_lines, may_continue
from steward_lsp.engine.config import Settings
from steward_lsp.engine.findings import Finding

_IGNORE_COMMENT = re.compile(
    r"#\s*steward:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE
)

ALL_CODES = frozenset({"*"})

logger = logging.getLogger(__name__)


def inline_ignores(line: str) -> frozenset[str]:
    """Return the codes a line suppresses; ``ALL_CODES`` for a bare ignore."""
    codes: set[str] = set()
    for match in _IGNORE_COMMENT.finditer(line):
        listed = match.group("codes")
        if listed is None:
            return ALL_CODES
        codes.update(code.strip().upper() for code in listed.split(",") if code.strip())
    return frozenset(codes)


def matches_code(code: str, selectors: list[str]) -> bool:
    """Return whether ``code`` equals or starts with one of ``selectors``."""
    return any(
        code.startswith(selector.strip().upper())
        for selector in selectors
        if selector.strip()
    )


def apply_ignores(
    findings: list[Finding], sources: dict[Path, str], settings: Settings, root: Path
) -> list[Finding]:
    """Drop findings suppressed by ``# steward: ignore[...]`` or settings.

    Parameters
    ----------
    findings:
        Findings of one environment.
    sources:
        Text of each analysed file, for the inline comments.
    settings:
        ``select``, ``ignore`` and ``per_file_ignores`` come from here.
    root:
        Folder that ``per_file_ignores`` globs are relative to.

    Returns
    -------
    The findings that remain, in their original order.
    """
    lines_of: dict[Path, list[str]] = {}
    continued_of: dict[Path, dict[int, int]] = {}
    kept: list[Finding] = []
    for finding in findings:
        if settings.select and not matches_code(finding.code, settings.select):
            continue
        if matches_code(finding.code, settings.ignore):
            continue
        if _ignored_for_file(finding, settings.per_file_ignores, root):
            continue
        if _ignored_inline(finding, sources, lines_of, continued_of):
            continue
        kept.append(finding)
    return kept


def apply_ignores_reading(
    findings: list[Finding],
    settings: Settings,
    root: Path,
    read_text: Callable[[Path], str],
) -> list[Finding]:
    """Apply :func:`apply_ignores` to findings made after the analysis.

    The live and deep checks find things the static analysis did not read
    files for; ``read_text`` supplies the Python files their findings sit in.
    A file that cannot be read keeps its findings.
    """
    sources: dict[Path, str] = {}
    for finding in findings:
        path = finding.location.path
        if path in sources or path.suffix != ".py":
            continue
        try:
            sources[path] = read_text(path)
        except Exception:  # noqa: BLE001 - an unreadable file only loses its comments
            logger.debug("cannot read %s for ignore comments", path)
    return apply_ignores(findings, sources, settings, root)


def _ignored_for_file(
    finding: Finding, per_file_ignores: dict[str, list[str]], root: Path
) -> bool:
    if not per_file_ignores:
        return False
    path = finding.location.path
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = path.as_posix()
    for pattern, codes in per_file_ignores.items():
        if _path_matches(relative, pattern) and matches_code(finding.code, codes):
            return True
    return False


def _path_matches(relative: str, pattern: str) -> bool:
    pattern = pattern.strip().removeprefix("./")
    if fnmatch.fnmatchcase(relative, pattern):
        return True
    # "migrations/" or "migrations" names a folder and everything under it.
    folder = pattern.rstrip("/")
    if relative.startswith(folder + "/") and not any(c in folder for c in "*?["):
        return True
    # "**/x.py" also matches "x.py" at the root, as in ruff's per-file-ignores.
    return pattern.startswith("**/") and fnmatch.fnmatchcase(relative, pattern[3:])


def _ignored_inline(
    finding: Finding,
    sources: dict[Path, str],
    lines_of: dict[Path, list[str]],
    continued_of: dict[Path, dict[int, int]],
) -> bool:
    path = finding.location.path
    if path not in lines_of:
        text = sources.get(path)
        lines_of[path] = text.splitlines() if text is not None else []
    lines = lines_of[path]
    line_number = finding.location.span.start_line
    if not 0 <= line_number < len(lines):
        return False
    if _ignored_on(finding, lines[line_number]):
        return True
    if not may_continue(lines[line_number]):
        return False
    # The comment of a line that ends inside a string or continues with a
    # backslash sits where that string or continuation ends.
    if path not in continued_of:
        continued_of[path] = continued_lines(sources.get(path) or "")
    target = comment_line(line_number, continued_of[path])
    return target != line_number and _ignored_on(finding, lines[target])


def _ignored_on(finding: Finding, line: str) -> bool:
    codes = inline_ignores(line)
    if codes is ALL_CODES or "*" in codes:
        return True
    return matches_code(finding.code, list(codes))
