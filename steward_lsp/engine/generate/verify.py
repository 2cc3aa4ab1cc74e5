"""``steward verify-migrations``: every revision up, down and up on a scratch database.

Runs :func:`steward_lsp.engine.roundtrip.run_round_trip` on one
environment and writes ``migrations/<revision>-test-report.md`` under the
output folder for each revision tested. A run over the whole chain also
writes ``migrations/verify-report.md``, a row per revision with its result
and rollback time and a link to the revision's report. The command fails
when a step failed, a downgrade took longer than the ``rollback_slo``
setting, or the run stopped before every revision was tested.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.generate import (
    GenerateError,
    GenerateRequest,
    GenerateResult,
    Option,
    output_dir,
    refuse_unreadable,
    select_environment,
)
from steward_lsp.engine.generate.output import with_mark
from steward_lsp.engine.graph import GRAPH_ERROR_CODES
from steward_lsp.engine.roundtrip_scratch import SCRATCH_PREFIX, scratch_server_url
from steward_lsp.engine.rules.ignores import apply_ignores_reading
from steward_lsp.engine.schema import Location, Span

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import EnvironmentAnalysis
    from steward_lsp.engine.roundtrip import RoundTripReport, StepResult

COMMAND = "verify-migrations"
REPORT_SUFFIX = "-test-report.md"
SUMMARY_NAME = "verify-report.md"
DEFAULT_TIMEOUT_SECONDS = 300.0
_REASON_CHARS = 100

# The parts of a report that change on every run while the result stays the
# same: the seconds column of the steps table that render_report writes, the
# time in a rollback SLO failure, and the random suffix of a scratch database.
_STEP_SECONDS = re.compile(r"^(\| `[^`]*` \| [^|]* \| )\d+\.\d+( \|)", re.MULTILINE)
_SLO_SECONDS = re.compile(r"downgrade took \d+(?:\.\d+)? s, over the rollback SLO")
_SCRATCH_NAME = re.compile(re.escape(SCRATCH_PREFIX) + r"[0-9a-f]+")

OPTIONS: tuple[Option, ...] = (
    Option(
        "scratch_url",
        "SQLAlchemy URL of a PostgreSQL or MySQL/MariaDB server; steward "
        "creates a scratch database there and drops it after the run "
        "(default: STEWARD_SCRATCH_URL, else the scratch_url setting, else a "
        "temporary SQLite file)",
    ),
    Option(
        "revision",
        "test only this revision (an id or a unique prefix); default: every "
        "revision from base to the heads",
    ),
    Option(
        "no_seed",
        "do not insert a row into every table before each revision",
        kind=bool,
    ),
    Option(
        "timeout",
        "seconds the whole run may take before it is stopped "
        f"(default: {DEFAULT_TIMEOUT_SECONDS:g})",
        kind=float,
    ),
)


def generate(request: GenerateRequest) -> GenerateResult:
    """Round-trip the revisions and return one report per revision tested."""
    from steward_lsp.engine.roundtrip import RoundTripError, run_round_trip

    analysis = select_environment(
        request.analysis, request.option("env"), request.focus
    )
    refuse_unreadable(
        analysis,
        GRAPH_ERROR_CODES,
        "because Alembic cannot load a revision chain with these",
    )
    settings = analysis.environment.settings
    revision = request.option("revision")
    try:
        report = run_round_trip(
            analysis.environment,
            revisions=None if revision is None else [_resolve(analysis, revision)],
            scratch_url=scratch_server_url(
                request.option("scratch_url"), settings.scratch_url
            ),
            slo_seconds=settings.rollback_slo,
            seed=not request.option("no_seed", False),
            timeout=_timeout(request),
        )
    except RoundTripError as exc:
        raise GenerateError(str(exc)) from exc

    folder = output_dir(request, analysis) / "migrations"
    tested = report.revisions()
    general = _general_notes(report, tested)
    files = []
    for rev in tested:
        body = _revision_report(analysis, report, rev, general)
        path = folder / f"{rev}{REPORT_SUFFIX}"
        files.append(with_mark(path, COMMAND, body, normalize=report_outcome))
    if revision is None:
        body = _summary_report(analysis, report, tested, general)
        path = folder / SUMMARY_NAME
        files.append(with_mark(path, COMMAND, body, normalize=report_outcome))
    return GenerateResult(
        files=files,
        summary=summarize(report),
        notes=general,
        failed=not report.passed,
        findings=apply_ignores_reading(
            step_findings(analysis, report), settings, request.root, _read_file
        ),
    )


def report_outcome(text: str) -> str:
    """Return a report's text without its timings and scratch database name.

    What remains is what ``--check`` compares: the steps, whether each
    passed, the errors, whether a downgrade missed the SLO, and the notes.
    """
    text = _STEP_SECONDS.sub(r"\1-\2", text)
    text = _SLO_SECONDS.sub("downgrade took longer than the rollback SLO", text)
    return _SCRATCH_NAME.sub(f"{SCRATCH_PREFIX}*", text)


def _read_file(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def step_findings(
    analysis: EnvironmentAnalysis, report: RoundTripReport
) -> list[Finding]:
    """Return one STW308 finding per failed step, on its revision's id line."""
    findings = []
    for step in report.steps:
        script = analysis.revision_graph.scripts.get(step.revision)
        if step.ok or script is None:
            continue
        location = script.revision_location or Location(script.path, Span(0, 0, 0, 0))
        message = (
            f"the {step.step} of revision {step.revision} failed in the round trip "
            f"on {report.database}: {step.error or 'no error text'}"
        )
        data: dict[str, object] = {
            "revision": step.revision,
            "step": step.step,
            "seconds": round(step.seconds, 3),
        }
        findings.append(Finding("STW308", message, location, data=data))
    return findings


def _timeout(request: GenerateRequest) -> float:
    """Return the timeout option in seconds; an editor may send any JSON value."""
    value = request.option("timeout", DEFAULT_TIMEOUT_SECONDS)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = 0.0
    if not seconds > 0:
        raise GenerateError(
            f"invalid timeout {value!r}: give the seconds the run may take, "
            "a number above 0"
        )
    return seconds


def _resolve(analysis: EnvironmentAnalysis, name: str) -> str:
    """Return the revision id that ``name`` is, or is the unique prefix of."""
    known = list(analysis.revision_graph.scripts)
    if name in known:
        return name
    matches = [rev for rev in known if rev.startswith(name)]
    if len(matches) == 1:
        return matches[0]
    environment = analysis.environment.name
    if matches:
        raise GenerateError(
            f"revision {name!r} is ambiguous in {environment}: it is a prefix of "
            f"{', '.join(sorted(matches))}; give more characters"
        )
    raise GenerateError(
        f"no revision {name!r} in {environment}; run `alembic history` there "
        "for the revision ids"
    )


def _revision_report(
    analysis: EnvironmentAnalysis,
    report: RoundTripReport,
    rev: str,
    general: list[str],
) -> str:
    """Render the part of ``report`` about ``rev``, with the ``general`` notes."""
    from steward_lsp.engine.roundtrip import RoundTripReport, render_report

    steps = [step for step in report.steps if step.revision == rev]
    notes = [note for note in report.notes if rev in note] + general
    part = RoundTripReport(
        steps=steps,
        database=report.database,
        slo_seconds=report.slo_seconds,
        passed=all(step.ok for step in steps),
        notes=notes,
        seeded=report.seeded,
    )
    script = analysis.revision_graph.scripts.get(rev)
    title = f"Round trip of revision {rev}"
    if script is not None and script.message:
        title += f": {script.message}"
    return render_report(part, title)


def _summary_report(
    analysis: EnvironmentAnalysis,
    report: RoundTripReport,
    tested: list[str],
    general: list[str],
) -> str:
    """Render the chain's overview: each revision's result and rollback time."""
    outcome = "passed" if report.passed else "failed"
    environment = analysis.environment.name
    lines = [
        f"# Round trip of every revision of {environment}",
        "",
        f"Each revision from base to the heads, in the order Alembic runs them, "
        f"went up, down and up again on {report.database}. Rollback SLO: "
        f"{report.slo_seconds:g} s. Each revision's report has its steps and "
        "errors.",
        "",
        f"**Result: {outcome}.** {summarize(report)}.",
        "",
        "| revision | result | downgrade seconds | message | report |",
        "| --- | --- | ---: | --- | --- |",
    ]
    for rev in tested:
        steps = [step for step in report.steps if step.revision == rev]
        result = "passed" if all(step.ok for step in steps) else "failed"
        downgrade = [step.seconds for step in steps if step.step == "downgrade"]
        seconds = f"{downgrade[0]:.3f}" if downgrade else "-"
        script = analysis.revision_graph.scripts.get(rev)
        message = (script.message if script is not None else None) or ""
        message = " ".join(message.split()).replace("|", "\\|")
        link = f"[{rev}{REPORT_SUFFIX}]({rev}{REPORT_SUFFIX})"
        lines.append(f"| `{rev}` | {result} | {seconds} | {message} | {link} |")
    lines.append("")
    if general:
        lines += ["## Notes", ""]
        lines += [f"- {note}" for note in general]
        lines.append("")
    return "\n".join(lines)


def _general_notes(report: RoundTripReport, tested: list[str]) -> list[str]:
    """Return the notes that name no tested revision: the run's, not one revision's."""
    return [n for n in report.notes if not any(rev in n for rev in tested)]


def summarize(report: RoundTripReport) -> str:
    """Return one line: revisions tested, passed, failed, and why each failed.

    For example ``12 revision(s): 11 passed, 1 failed (abc123: downgrade took
    7.2 s, over the rollback SLO of 5 s)``.
    """
    tested = report.revisions()
    reasons = []
    for rev in tested:
        failed = [step for step in report.steps if step.revision == rev and not step.ok]
        if failed:
            reasons.append(f"{rev}: {_reason(failed[0])}")
    passed = len(tested) - len(reasons)
    line = f"{len(tested)} revision(s): {passed} passed, {len(reasons)} failed"
    if reasons:
        line += f" ({'; '.join(reasons)})"
    if not report.passed and not reasons:
        line += "; the run stopped early, see the notes"
    return line


def _reason(step: StepResult) -> str:
    text = " ".join((step.error or "").split())
    if not text.startswith(step.step):
        text = f"{step.step} failed: {text}"
    if len(text) > _REASON_CHARS:
        text = text[: _REASON_CHARS - 3] + "..."
    return text
