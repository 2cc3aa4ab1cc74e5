"""The types of a quick fix and the registry of fix functions per rule code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.schema import Span

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import EnvironmentAnalysis


@dataclass(frozen=True)
class TextEdit:
    """Replace ``span`` of a file (code-point columns) with ``new_text``."""

    span: Span
    new_text: str


@dataclass(frozen=True)
class Fix:
    """Edits of one file that fix one finding.

    ``safe`` fixes change nothing but what the rule asks for, so "fix all"
    and fix-on-save apply them without the user reading each one. A fix
    whose title asks the user to check a value is never safe.
    """

    title: str
    edits: tuple[TextEdit, ...]
    safe: bool


@dataclass(frozen=True)
class FixRequest:
    """A finding, the text of its file, and the analysis that found it.

    ``analysis`` supplies what the file alone does not say (the schema
    before a revision, the model's server default); fixes that need it
    return None without it.
    """

    finding: Finding
    text: str
    analysis: EnvironmentAnalysis | None = None


FixFunction = Callable[[FixRequest], Fix | None]

FIXERS: dict[str, FixFunction] = {}
"""The fix function of each rule code that has one."""


def fixer(*codes: str) -> Callable[[FixFunction], FixFunction]:
    """Register the decorated function as the fix of findings with ``codes``."""

    def register_fixer(function: FixFunction) -> FixFunction:
        for code in codes:
            FIXERS[code] = function
        return function

    return register_fixer
