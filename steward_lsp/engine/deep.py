"""The deep engine: the project's own migrations and env.py on a scratch database.

Opt-in (``deep = true`` in ``[tool.steward]``, the client setting, or
``steward check --deep``), because it runs the project's code. For one
environment it creates a scratch database (a temporary SQLite file, or a new
database on the ``scratch_url`` server, dropped afterwards), runs
:mod:`steward_lsp.engine.deep_worker` in the configured interpreter with a
timeout, and maps each of Alembic's ``compare_metadata`` differences to a
drift finding on the model or revision line the static engine indexed.

Where the two engines disagree, the deep result replaces the static drift
findings (STW101 to STW109) and the disagreement is logged, so it can become
a fixture. The exceptions are the kinds of difference that compare_metadata
gets wrong, where the static answer stays (:mod:`deep_known` and
:mod:`deep_renames`). A revision or module that raises, and a run that
times out, is an STW112 finding on the file at fault.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steward_lsp.engine import deep_worker
from steward_lsp.engine.deep_known import (
    alembic_cannot_see,
    charset_only_change,
    wrong_alembic_report,
)
from steward_lsp.engine.deep_renames import fold_renames
from steward_lsp.engine.findings import Finding
from steward_lsp.engine.graph import GRAPH_ERROR_CODES
from steward_lsp.engine.roundtrip import (
    RoundTripError,
    dialect_note,
    project_interpreter,
)
from steward_lsp.engine.rules.ignores import apply_ignores_reading
from steward_lsp.engine.schema import (
    CheckConstraintDef,
    ForeignKeyDef,
    IndexDef,
    Location,
    SchemaState,
    Span,
    UniqueConstraintDef,
    table_key,
)
from steward_lsp.engine.worker_process import run_worker

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import AnalysisResult, EnvironmentAnalysis
    from steward_lsp.engine.project import Environment

logger = logging.getLogger(__name__)

FAILED_CODE = "STW112"
DRIFT_CODES = frozenset(f"STW10{digit}" for digit in range(1, 10))
DEFAULT_TIMEOUT_SECONDS = 120.0

# The steward code of each kind of difference compare_metadata reports.
ALEMBIC_CODES = {
    "add_table": "STW101",
    "remove_table": "STW102",
    "add_column": "STW103",
    "remove_column": "STW104",
    "modify_type": "STW105",
    "modify_nullable": "STW106",
    "add_index": "STW107",
    "remove_index": "STW107",
    "add_constraint": "STW108",
    "remove_constraint": "STW108",
    "add_fk": "STW108",
    "remove_fk": "STW108",
    "modify_default": "STW109",
}


@dataclass
class DeepResult:
    """The findings of one deep run of one environment."""

    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    completed: bool = False
    """Whether the comparison ran, so its drift findings replace the static ones."""


def check_workspace(
    result: AnalysisResult,
    root: Path,
    read_text: Callable[[Path], str],
    *,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> tuple[list[Finding], list[str]]:
    """Return every finding of ``result``, with the deep result where it ran.

    The deep engine runs on each environment whose ``deep`` setting is on,
    or on all of them with ``force`` (``steward check --deep``).
    """
    findings: list[Finding] = []
    problems: list[str] = []
    for analysis in result.environments:
        settings = analysis.environment.settings
        if not (force or settings.deep):
            findings.extend(analysis.findings)
            continue
        deep = run_deep(analysis, timeout=timeout)
        logger.info(
            "deep check of %s took %.1f s", analysis.environment.name, deep.seconds
        )
        deep.findings = apply_ignores_reading(deep.findings, settings, root, read_text)
        findings.extend(merge(analysis.findings, deep, analysis.environment.name))
        problems.extend(deep.problems)
    return sorted(findings, key=Finding.sort_key), problems


def with_deep_results(
    result: AnalysisResult, deep_results: Mapping[str, DeepResult]
) -> AnalysisResult:
    """Return ``result`` with each environment's drift replaced by its deep run.

    The language server keeps the deep results of the last save and applies
    them to every analysis until the next save runs the deep check again.
    """
    from steward_lsp.engine.analysis import AnalysisResult

    findings: dict[Path, list[Finding]] = {path: [] for path in result.findings}
    for analysis in result.environments:
        name = analysis.environment.name
        merged = analysis.findings
        if name in deep_results:
            merged = merge(analysis.findings, deep_results[name], name)
        for finding in merged:
            findings.setdefault(finding.location.path, []).append(finding)
    for found in findings.values():
        found.sort(key=Finding.sort_key)
    return AnalysisResult(
        findings,
        result.environments,
        result.problems,
        result.analysed_files,
        result.seconds,
    )


def run_deep(
    analysis: EnvironmentAnalysis,
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    scratch_url: str | None = None,
) -> DeepResult:
    """Run the deep engine on one analysed environment."""
    from steward_lsp.engine.roundtrip_scratch import (
        ScratchError,
        scratch_database,
        scratch_server_url,
    )

    environment = analysis.environment
    settings = environment.settings
    started = time.perf_counter()
    result = DeepResult()
    broken = [f.code for f in analysis.findings if f.code in GRAPH_ERROR_CODES]
    if broken:
        # Alembic would stop on the graph with an error that names no file
        # (a KeyError for an unknown parent), where the static findings
        # already name the fix.
        logger.warning(
            "deep check of %s skipped: Alembic cannot load a revision graph "
            "with %s; fix those findings first",
            environment.name,
            ", ".join(sorted(set(broken))),
        )
        return result
    scratch_url = scratch_server_url(scratch_url, settings.scratch_url)
    note = dialect_note(environment, scratch_url) or _revision_dialect_note(
        analysis, scratch_url
    )
    if note is not None:
        # A warning, not a problem, because the check still runs: a problem
        # would make steward check exit 2.
        logger.warning("deep check of %s: %s", environment.name, note)
    with tempfile.TemporaryDirectory(prefix="steward-deep-") as folder:
        try:
            with scratch_database(scratch_url, Path(folder)) as db:
                records = _run_worker(analysis, db.url, Path(folder), timeout, result)
                result.problems.extend(db.notes)
        except ScratchError as exc:
            result.problems.append(f"deep check of {environment.name}: {exc}")
            return result
    _read_records(analysis, records, result)
    if note is not None:
        result.findings = [_with_dialect_note(f, note) for f in result.findings]
    result.seconds = time.perf_counter() - started
    return result


def _revision_dialect_note(
    analysis: EnvironmentAnalysis, scratch_url: str | None
) -> str | None:
    """Return the note for revisions of one dialect run on SQLite, no dialect set.

    Revisions that use a dialect's options (``postgresql.JSONB``,
    ``postgresql_where``, ``mysql_engine``) are written for that dialect.
    """
    used = analysis.revision_dialects
    if scratch_url is not None or not used:
        return None
    from steward_lsp.engine.roundtrip_scratch import SCRATCH_URL_VARIABLE

    dialects = " and ".join(used)
    return (
        f"the revisions use {dialects} options but this run used sqlite, so a "
        f"step can fail on sqlite alone; set the scratch_url setting or "
        f"{SCRATCH_URL_VARIABLE} to a {used[0]} server to test on {used[0]}, "
        f'and dialect = "{used[0]}" in [tool.steward]'
    )


def _with_dialect_note(finding: Finding, note: str) -> Finding:
    """Add ``note`` to a failure, which may come from the other dialect alone."""
    if finding.code != FAILED_CODE:
        return finding
    return dataclasses.replace(
        finding,
        message=f"{finding.message} ({note})",
        data={**finding.data, "dialect_note": note},
    )


def _run_worker(
    analysis: EnvironmentAnalysis,
    url: str,
    folder: Path,
    timeout: float,
    result: DeepResult,
) -> list[dict[str, Any]]:
    environment = analysis.environment
    results_file = folder / "results.jsonl"
    spec_file = write_spec(environment, url, folder, results_file)
    try:
        python = project_interpreter(environment)
    except RoundTripError as exc:
        result.problems.append(f"deep check of {environment.name}: {exc}")
        return []
    # The worker imports only the standard library, SQLAlchemy and Alembic, so
    # a copy of it runs in the project's interpreter without steward there.
    worker = folder / "steward_deep_worker.py"
    shutil.copyfile(deep_worker.__file__, worker)
    command = [python, str(worker), str(spec_file)]
    try:
        completed = run_worker(command, cwd=environment.root, timeout=timeout)
    except OSError as exc:
        result.problems.append(
            f"deep check of {environment.name}: cannot start {python} ({exc}); "
            "set the python setting to the project's interpreter"
        )
        return []
    if completed.timed_out:
        records = read_records(results_file)
        records.append({"kind": "timeout", "seconds": timeout})
        return records

    records = read_records(results_file)
    if completed.returncode != 0 and not any(r["kind"] == "error" for r in records):
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
        output = " / ".join(tail) or "no output"
        if any(r["kind"] == "start" for r in records):
            # A revision was running: it ended the process (os._exit, a crash
            # in a driver), so the finding goes on that revision.
            text = f"the process exited with status {completed.returncode}: {output}"
            records.append({"kind": "error", "phase": "upgrade", "text": text})
            return records
        result.problems.append(
            f"deep check of {environment.name}: the worker in {python} exited with "
            f"status {completed.returncode}: {' / '.join(tail) or 'no output'}; "
            "check that SQLAlchemy and Alembic are installed there"
        )
    return records


def write_spec(
    environment: Environment, url: str, folder: Path, results_file: Path
) -> Path:
    """Write the JSON spec a worker reads into ``folder``; return its path."""
    spec = {
        "root": str(environment.root),
        "config_file": str(environment.config_file)
        if environment.config_file
        else None,
        "section": environment.config_section,
        "script_location": str(environment.script_location),
        "url": url,
        "source_roots": [str(path) for path in environment.source_roots],
        "database_url_env": environment.settings.database_url_env,
        "results": str(results_file),
    }
    spec_file = folder / "spec.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    return spec_file


def read_records(results_file: Path) -> list[dict[str, Any]]:
    try:
        lines = results_file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            logger.debug("skipped a partial line of the deep results: %r", line)
    return records


def _read_records(
    analysis: EnvironmentAnalysis, records: list[dict[str, Any]], result: DeepResult
) -> None:
    last_started: str | None = None
    for record in records:
        kind = record["kind"]
        if kind == "start":
            last_started = record.get("revision")
        elif kind == "diff":
            finding = _drift_finding(analysis, record)
            if finding is not None:
                result.findings.append(finding)
        elif kind == "error":
            result.findings.append(_failure(analysis, record, last_started))
        elif kind == "timeout":
            result.findings.append(_timeout(analysis, record, last_started))
        elif kind == "done":
            result.completed = True
    result.findings = _pair_changes(result.findings)


def _revision_location(analysis: EnvironmentAnalysis, revision: str | None) -> Location:
    script = analysis.revision_graph.scripts.get(revision or "")
    if script is not None:
        return script.revision_location or Location(script.path, Span(0, 0, 0, 0))
    environment = analysis.environment
    path = environment.env_py or environment.config_file or environment.script_location
    return Location(path, Span(0, 0, 0, 0))


def _failure(
    analysis: EnvironmentAnalysis, record: dict[str, Any], last_started: str | None
) -> Finding:
    text = record.get("text", "unknown error")
    path = record.get("path")
    if path:
        line = max(int(record.get("line") or 1) - 1, 0)
        location = Location(Path(path), Span(line, 0, line, 0))
    else:
        location = _revision_location(analysis, last_started)
    phase = record.get("phase", "upgrade")
    where = (
        f" in revision {last_started}" if last_started and phase == "upgrade" else ""
    )
    doing = "upgrading a scratch database" if phase == "upgrade" else "comparing"
    message = f"the deep check failed while {doing}{where}: {text}"
    return Finding(FAILED_CODE, message, location, data={"phase": phase, "error": text})


def _timeout(
    analysis: EnvironmentAnalysis, record: dict[str, Any], last_started: str | None
) -> Finding:
    seconds = record.get("seconds")
    where = f" while running revision {last_started}" if last_started else ""
    message = (
        f"the deep check timed out after {seconds:g} s{where}; a revision that "
        "waits on a lock or a network call hangs here too"
    )
    location = _revision_location(analysis, last_started)
    return Finding(FAILED_CODE, message, location, data={"timeout": seconds})


def _drift_finding(
    analysis: EnvironmentAnalysis, record: dict[str, Any]
) -> Finding | None:
    kind = record["diff"]
    code = ALEMBIC_CODES.get(kind)
    if code is None:
        logger.info(
            "deep check: Alembic difference %s has no steward code: %s", kind, record
        )
        return None
    table = record.get("table", "")
    column = record.get("column")
    schema = record.get("schema")
    # The places the static rules use: a table only at head on its revision,
    # anything else missing from a model on the model class, the rest on the
    # model's own line.
    name = record.get("name")
    if kind == "remove_table":
        location = _schema_location(analysis.head_schema, table, schema, None)
    elif name and (
        named := _named_location(analysis.model_schema, table, schema, name)
    ):
        location = named
    elif kind.startswith("remove_"):
        location = _schema_location(analysis.model_schema, table, schema, None)
    else:
        location = _schema_location(analysis.model_schema, table, schema, column)
    if location is None:
        location = _schema_location(analysis.head_schema, table, schema, column)
    if location is None:
        location = _revision_location(analysis, None)
    message = f"{_describe(record)} (found by the deep check on a scratch database)"
    return Finding(code, message, location, data={"deep": True, **record})


def _named_location(
    schema: SchemaState, table: str, schema_name: str | None, name: str
) -> Location | None:
    """Return where the model declares the index or constraint ``name``."""
    found = schema.tables.get(table_key(table, schema_name))
    if found is None:
        return None
    items: list[IndexDef | UniqueConstraintDef | ForeignKeyDef | CheckConstraintDef]
    items = [*found.indexes, *found.uniques, *found.all_foreign_keys(), *found.checks]
    for item in items:
        if item.name == name and item.location is not None:
            return item.location
    return None


def _schema_location(
    schema: SchemaState, table: str, schema_name: str | None, column: str | None
) -> Location | None:
    found = schema.tables.get(table_key(table, schema_name))
    if found is None:
        return None
    if column is not None and column in found.columns:
        return found.columns[column].location or found.location
    return found.location


def _describe(record: dict[str, Any]) -> str:
    kind = record["diff"]
    table = record.get("table")
    column = record.get("column")
    if kind == "add_table":
        return f"table {table} is in the models but not at head"
    if kind == "remove_table":
        return f"table {table} is at head but no model declares it"
    if kind == "add_column":
        return f"column {table}.{column} is in the model but not at head"
    if kind == "remove_column":
        return f"column {table}.{column} is at head but not in the model"
    if kind.startswith("modify_"):
        what = kind.removeprefix("modify_")
        return (
            f"column {table}.{column} {what} differs: {record.get('database')} at "
            f"head, {record.get('model')} in the model"
        )
    what = kind.split("_", 1)[1].replace("fk", "foreign key")
    columns = ", ".join(record.get("columns") or [])
    place = (
        "in the models but not at head"
        if kind.startswith("add_")
        else ("at head but not in the models")
    )
    return (
        f"{what} {record.get('name') or ''} ({columns}) on {table} is {place}".replace(
            "  ", " "
        )
    )


def _pair_changes(findings: list[Finding]) -> list[Finding]:
    """Join a remove and an add of one named index or constraint into one finding.

    Alembic reports a changed index as dropped and created again; the static
    rules report one finding on the index, and so does the deep check.
    """
    paired: list[Finding] = []
    seen: dict[tuple[str, str, int, str], Finding] = {}
    for finding in findings:
        name = finding.data.get("name")
        if not isinstance(name, str) or not name:
            paired.append(finding)
            continue
        key = (
            finding.code,
            str(finding.location.path),
            finding.location.span.start_line,
            name,
        )
        first = seen.get(key)
        if first is None:
            seen[key] = finding
            paired.append(finding)
            continue
        first.message = (
            f"{name} on {finding.data.get('table')} differs between the models and "
            "head: Alembic drops and creates it again (found by the deep check on a "
            "scratch database)"
        )
    return paired


def merge(
    static: list[Finding], deep: DeepResult, environment_name: str
) -> list[Finding]:
    """Return ``static`` with its drift findings replaced by the deep ones.

    The static findings stay for the kinds of difference compare_metadata
    gets wrong (see :mod:`steward_lsp.engine.deep_known`): a rename, drift
    it does not compare, and a difference it reports that is not there. A
    deep run that did not complete (a revision raised, it timed out) adds
    its STW112 finding and keeps the static drift findings.
    """
    if not deep.completed:
        return [*static, *deep.findings]
    deep_findings = fold_renames(static, deep.findings)
    deep_keys = {_key(f) for f in deep_findings}
    kept_drift = [
        f
        for f in static
        if f.code in DRIFT_CODES
        and (
            alembic_cannot_see(f)
            or (charset_only_change(f) and _key(f) not in deep_keys)
        )
    ]
    for finding in kept_drift:
        logger.info(
            "deep check of %s: kept static %s at %s:%d, a difference that "
            "compare_metadata does not report",
            environment_name,
            finding.code,
            finding.location.path,
            finding.location.span.start_line + 1,
        )
    deep_findings = _without_wrong_reports(deep_findings, environment_name)
    static_by_key = {_key(f): f for f in static if f.code in DRIFT_CODES}
    deep_findings = [
        _with_static_hints(f, static_by_key.get(_key(f))) for f in deep_findings
    ]
    kept = [f for f in static if f.code not in DRIFT_CODES] + kept_drift
    static_drift = {_key(f) for f in static if f.code in DRIFT_CODES}
    deep_drift = {_key(f) for f in deep_findings if f.code in DRIFT_CODES}
    unconfirmed = static_drift - deep_drift - {_key(f) for f in kept_drift}
    for code, path, line in sorted(unconfirmed):
        logger.warning(
            "deep check of %s: static %s at %s:%d not confirmed on the database",
            environment_name,
            code,
            path,
            line + 1,
        )
    for code, path, line in sorted(deep_drift - static_drift):
        logger.warning(
            "deep check of %s: %s at %s:%d missed by the static engine",
            environment_name,
            code,
            path,
            line + 1,
        )
    return [*kept, *deep_findings]


def _with_static_hints(finding: Finding, static: Finding | None) -> Finding:
    """Add to a deep finding the fix hints of the static finding at its place.

    compare_metadata reports a type change but not the PostgreSQL ``USING``
    clause its ALTER needs, which the static rule carries in ``data["using"]``.
    """
    if static is None or "using" not in static.data or "using" in finding.data:
        return finding
    using = static.data["using"]
    return replace(
        finding,
        message=f"{finding.message} (cast with postgresql_using={using!r})",
        data={**finding.data, "using": using},
    )


def _without_wrong_reports(
    findings: list[Finding], environment_name: str
) -> list[Finding]:
    """Drop the deep findings that are differences Alembic reports wrongly."""
    right: list[Finding] = []
    for finding in findings:
        reason = (
            wrong_alembic_report(finding.data) if finding.data.get("deep") else None
        )
        if reason is None:
            right.append(finding)
            continue
        logger.info(
            "deep check of %s: dropped Alembic's %s at %s:%d (%s) because %s",
            environment_name,
            finding.code,
            finding.location.path,
            finding.location.span.start_line + 1,
            finding.data.get("diff"),
            reason,
        )
    return right


def _key(finding: Finding) -> tuple[str, str, int]:
    return (finding.code, str(finding.location.path), finding.location.span.start_line)
