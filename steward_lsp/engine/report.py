"""Rendering findings for terminals and CI: text, JSON, GitHub and SARIF.

Every format gives 1-based lines and 1-based columns counted in code points
(SARIF's default ``unicodeCodePoints`` column kind), and paths relative to
the folder the report is written for.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote

from steward_lsp import __version__
from steward_lsp.engine.findings import Finding, Severity
from steward_lsp.engine.rules_catalogue import RULES, Rule, project_url
from steward_lsp.engine.schema import Span

FORMATS = ("text", "json", "github", "sarif")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# The home page when the package metadata has none (an unusual install).
TOOL_URL = "https://github.com/steward-lsp/steward-lsp"

_SARIF_LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "note",
    Severity.HINT: "note",
}
_GITHUB_COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "notice",
    Severity.HINT: "notice",
}


def render(
    findings: Sequence[Finding],
    output_format: str,
    base: Path,
    problems: Sequence[str] = (),
) -> str:
    """Render ``findings`` in ``output_format``.

    Parameters
    ----------
    findings:
        The findings, in the order they are reported.
    output_format:
        One of :data:`FORMATS`.
    base:
        The folder paths are made relative to (normally the current folder).
    problems:
        Configuration problems; only SARIF carries them, as tool
        configuration notifications. The other formats leave them to the
        caller, which prints them on standard error.

    Returns
    -------
    The report text, ending with a newline unless it is empty.
    """
    renderers: dict[str, Callable[[Sequence[Finding], Path], str]] = {
        "text": render_text,
        "json": render_json,
        "github": render_github,
    }
    if output_format == "sarif":
        return render_sarif(findings, base, problems)
    if output_format not in renderers:
        raise ValueError(f"unknown output format {output_format!r}")
    return renderers[output_format](findings, base)


def relative_path(path: Path, base: Path) -> str:
    """Return ``path`` relative to ``base`` with forward slashes."""
    try:
        relative = os.path.relpath(path, base)
    except ValueError:
        # Another drive on Windows: no relative path exists.
        relative = str(path)
    return Path(relative).as_posix()


def severity_word(severity: Severity) -> str:
    """Return the lower-case name of ``severity`` (``"warning"``)."""
    return severity.name.lower()


def render_text(findings: Sequence[Finding], base: Path) -> str:
    """Render one ``path:line:col: CODE message`` line per finding."""
    lines = []
    for finding in findings:
        span = finding.location.span
        path = relative_path(finding.location.path, base)
        position = f"{path}:{span.start_line + 1}:{span.start_col + 1}"
        # A database error quoted in a message may span lines (SQLAlchemy's
        # "[SQL: ...]"); the text format keeps one finding per line.
        message = " ".join(finding.message.split())
        lines.append(f"{position}: {finding.code} {message}")
    return "".join(line + "\n" for line in lines)


def render_json(findings: Sequence[Finding], base: Path) -> str:
    """Render a JSON array with one object per finding."""
    items = []
    for finding in findings:
        span = finding.location.span
        items.append(
            {
                "path": relative_path(finding.location.path, base),
                "line": span.start_line + 1,
                "column": span.start_col + 1,
                "end_line": span.end_line + 1,
                "end_column": span.end_col + 1,
                "code": finding.code,
                "severity": severity_word(finding.effective_severity()),
                "message": finding.message,
                "related": [
                    {
                        "path": relative_path(related.location.path, base),
                        "line": related.location.span.start_line + 1,
                        "column": related.location.span.start_col + 1,
                        "message": related.message,
                    }
                    for related in finding.related
                ],
            }
        )
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def render_github(findings: Sequence[Finding], base: Path) -> str:
    """Render GitHub Actions workflow commands, which annotate the pull request."""
    lines = []
    for finding in findings:
        span = finding.location.span
        command = _GITHUB_COMMANDS[finding.effective_severity()]
        properties = ",".join(
            [
                f"file={_escape_property(relative_path(finding.location.path, base))}",
                f"line={span.start_line + 1}",
                f"col={span.start_col + 1}",
                f"endLine={span.end_line + 1}",
                f"endColumn={span.end_col + 1}",
                f"title={_escape_property(finding.code)}",
            ]
        )
        lines.append(f"::{command} {properties}::{_escape_data(finding.message)}")
    return "".join(line + "\n" for line in lines)


def _escape_data(text: str) -> str:
    # Escaping as in the @actions/core toolkit's command.ts.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_sarif(
    findings: Sequence[Finding], base: Path, problems: Sequence[str] = ()
) -> str:
    """Render a SARIF 2.1.0 log with one run and the whole rule catalogue."""
    codes = list(RULES)
    rules = [_sarif_rule(rule) for rule in RULES.values()]
    results = [_sarif_result(finding, base, codes) for finding in findings]
    invocation = {
        "executionSuccessful": not problems,
        "toolConfigurationNotifications": [
            {"level": "error", "message": {"text": problem}} for problem in problems
        ],
    }
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "steward",
                        "version": __version__,
                        "informationUri": project_url("Homepage") or TOOL_URL,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {
                    "SRCROOT": {"uri": base.resolve().as_uri() + "/"}
                },
                "columnKind": "unicodeCodePoints",
                "invocations": [invocation],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(rule: Rule) -> dict[str, object]:
    """Describe ``rule`` for SARIF's ``tool.driver.rules``.

    ``helpUri`` is set only to an https address, because SARIF consumers such
    as GitHub code scanning cannot open a local ``file://`` page. The rule's
    page itself goes into ``help.markdown`` when the source tree has it.
    """
    help_text: dict[str, str] = {"text": rule.summary}
    page = rule.doc_page()
    if page is not None:
        help_text["markdown"] = page
    entry: dict[str, object] = {
        "id": rule.code,
        "name": rule.code,
        "shortDescription": {"text": rule.summary},
        "help": help_text,
        "defaultConfiguration": {"level": _SARIF_LEVELS[rule.severity]},
        "properties": {"family": rule.family},
    }
    if rule.published_doc_url is not None:
        entry["helpUri"] = rule.published_doc_url
    return entry


def _sarif_result(finding: Finding, base: Path, codes: list[str]) -> dict[str, object]:
    result: dict[str, object] = {
        "ruleId": finding.code,
        "level": _SARIF_LEVELS[finding.effective_severity()],
        "message": {"text": finding.message},
        "locations": [_sarif_location(finding.location.path, finding, base)],
    }
    if finding.code in codes:
        result["ruleIndex"] = codes.index(finding.code)
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": index,
                "message": {"text": related.message},
                "physicalLocation": _sarif_physical(
                    related.location.path, related.location.span, base
                ),
            }
            for index, related in enumerate(finding.related)
        ]
    return result


def _sarif_location(path: Path, finding: Finding, base: Path) -> dict[str, object]:
    return {"physicalLocation": _sarif_physical(path, finding.location.span, base)}


def _sarif_physical(path: Path, span: Span, base: Path) -> dict[str, object]:
    uri = quote(relative_path(path, base))
    return {
        "artifactLocation": {"uri": uri, "uriBaseId": "SRCROOT"},
        "region": {
            "startLine": span.start_line + 1,
            "startColumn": span.start_col + 1,
            "endLine": span.end_line + 1,
            "endColumn": span.end_col + 1,
        },
    }
