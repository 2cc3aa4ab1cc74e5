"""Findings: what the rules report, independent of any editor protocol."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from steward_lsp.engine.schema import Location


class Severity(enum.IntEnum):
    """Severity of a finding; values match the LSP DiagnosticSeverity."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4


@dataclass(frozen=True)
class RelatedLocation:
    """Another place that explains a finding (the other side of a drift)."""

    location: Location
    message: str


@dataclass
class Finding:
    """One problem at one location.

    ``data`` carries what a quick fix needs (the proposed edit, the USING
    clause of a cast, the name of the table) as JSON-serializable values.
    ``severity`` defaults to the rule's catalogue severity when None.
    """

    code: str
    message: str
    location: Location
    severity: Severity | None = None
    related: list[RelatedLocation] = field(default_factory=list)
    data: dict[str, object] = field(default_factory=dict)

    def effective_severity(self) -> Severity:
        """Return the finding's severity, falling back to its rule's."""
        from steward_lsp.engine.rules_catalogue import RULES

        if self.severity is not None:
            return self.severity
        rule = RULES.get(self.code)
        return rule.severity if rule else Severity.WARNING

    def sort_key(self) -> tuple[str, int, int, str]:
        """Return a key that orders findings by file, position and code."""
        span = self.location.span
        return (str(self.location.path), span.start_line, span.start_col, self.code)
