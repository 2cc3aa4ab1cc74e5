"""The round trip: every revision upgraded, downgraded and upgraded again.

:func:`run_round_trip` copies an environment's revision files into a
temporary script folder beside an env.py of steward's own, creates a scratch
database and runs :mod:`steward_lsp.engine.roundtrip_worker` in a
subprocess, with the project's interpreter and source roots and a timeout.
The project's own env.py never runs: it may read a production
``DATABASE_URL``. Before each revision the worker seeds one row into every
table, so the upgrade meets populated tables as it would in production.
After the downgrade it compares the schema and the seeded rows with what
they were before the upgrade, through Alembic's ``compare_metadata``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steward_lsp.engine.alembic_config import dialect_from_url
from steward_lsp.engine.generate.output import GeneratedFile
from steward_lsp.engine.project import Environment
from steward_lsp.engine.roundtrip_scratch import (
    SCRATCH_URL_VARIABLE,
    ScratchError,
    scratch_database,
)
from steward_lsp.engine.roundtrip_seed import SEED_FOLDER
from steward_lsp.engine.worker_process import run_worker

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import EnvironmentAnalysis

logger = logging.getLogger(__name__)

WORKER_MODULE = "steward_lsp.engine.roundtrip_worker"
_ENV_PY = f"from {WORKER_MODULE} import run_environment\n\nrun_environment()\n"
_STDERR_TAIL_CHARS = 2000
_WORKER_FILES = ("roundtrip_worker.py", "roundtrip_seed.py")


class RoundTripError(Exception):
    """The round trip cannot start; the message names the setting to fix."""


@dataclass
class StepResult:
    """One step of one revision: ``upgrade``, ``downgrade`` or ``upgrade again``.

    ``seconds`` is the wall-clock time of the Alembic command, env.py
    included. ``error`` contains the exception, the schema difference or the
    rollback SLO the step failed on.
    """

    step: str
    revision: str
    seconds: float
    ok: bool
    error: str | None = None


@dataclass
class RoundTripReport:
    """The steps of a round trip, in order, and whether all of them passed.

    ``database`` is the scratch database's URL without its password.
    ``notes`` are what the steps do not show: tables that could not be
    seeded, revisions not tested, an Alembic error that stopped the run.
    ``seeded`` is false when no rows were inserted before the revisions.
    """

    steps: list[StepResult]
    database: str
    slo_seconds: float
    passed: bool
    notes: list[str] = field(default_factory=list)
    seeded: bool = True

    @property
    def failed(self) -> bool:
        """Whether a step failed or the run stopped early."""
        return not self.passed

    def failures(self) -> list[StepResult]:
        """Return the steps that failed."""
        return [step for step in self.steps if not step.ok]

    def revisions(self) -> list[str]:
        """Return the revisions tested, in the order they ran."""
        return list(dict.fromkeys(step.revision for step in self.steps))


def run_round_trip(
    environment: Environment | EnvironmentAnalysis,
    *,
    revisions: Sequence[str] | None = None,
    scratch_url: str | None = None,
    extra_files: Sequence[GeneratedFile] = (),
    slo_seconds: float = 5.0,
    seed: bool = True,
    timeout: float = 300.0,
) -> RoundTripReport:
    """Round-trip the revisions of ``environment`` on a scratch database.

    Parameters
    ----------
    environment:
        The Alembic environment whose revision files run, or its analysis.
    revisions:
        Revision ids (or anything Alembic resolves, such as a unique
        prefix) to test; each is tested alone after upgrading to its
        parents. None tests every revision from base to the heads.
    scratch_url:
        A PostgreSQL or MySQL/MariaDB server URL on which a database is
        created for the run and dropped after it; None uses a temporary
        SQLite file.
    extra_files:
        Files not written yet (a revision, its seed hook under ``seeds/``),
        used as if they were in place; one with the path of an existing
        file replaces it.
    slo_seconds:
        The rollback SLO: a downgrade that takes longer fails.
    seed:
        Insert one row into every table before each revision.
    timeout:
        Seconds the whole run may take; the worker is stopped after it.

    Returns
    -------
    RoundTripReport
        A revision that raises is a failed step, never an exception.

    Raises
    ------
    RoundTripError
        When the scratch database cannot be created, or the interpreter of
        the ``python`` setting does not exist or cannot be started.
    """
    if not isinstance(environment, Environment):
        environment = environment.environment
    python = project_interpreter(environment)
    with tempfile.TemporaryDirectory(prefix="steward-roundtrip-") as temp:
        folder = Path(temp)
        originals = _copy_scripts(environment, extra_files, folder / "scripts")
        spec = {
            "script_location": str(folder / "scripts"),
            "version_locations": [str(copy) for copy in originals],
            "recursive": _is_nested(environment),
            "revisions": None if revisions is None else list(revisions),
            "seed": seed,
            "render_as_batch": environment.compare.render_as_batch,
            "results": str(folder / "results.jsonl"),
        }
        try:
            with scratch_database(scratch_url, folder) as scratch:
                spec["url"] = scratch.url
                run = _run_worker(environment, python, spec, folder, timeout)
        except ScratchError as exc:
            raise RoundTripError(str(exc)) from exc
        run.notes.extend(scratch.notes)

    report = _report(run, scratch.display, slo_seconds, timeout, seed)
    copies = {**originals, folder / "scripts": environment.script_location}
    _restore_paths(report, copies, environment.root)
    note = dialect_note(environment, scratch_url, option=SCRATCH_URL_OPTION)
    if note is not None:
        report.notes.append(note)
    return report


# The command-line option that chooses the scratch server of one run. Only
# verify-migrations and author-migration, the callers of run_round_trip, have it.
SCRATCH_URL_OPTION = "--scratch-url"


_MYSQL_FAMILY = {"mysql", "mariadb"}


def dialect_note(
    environment: Environment, scratch_url: str | None, *, option: str | None = None
) -> str | None:
    """Return the note for a scratch database of another dialect than the project's.

    ``scratch_url`` is the server the run used, None for a temporary SQLite
    file. ``option`` is the command's own option that can choose the server
    (:data:`SCRATCH_URL_OPTION`), None for a command without one, such as
    ``steward check --deep``. Returns None when the dialects match or the
    project's is unknown.
    """
    project = environment.settings.dialect or environment.dialect
    if project is None:
        return None
    backend = "sqlite" if scratch_url is None else dialect_from_url(scratch_url)
    if backend == project:
        return None
    if {backend, project} <= _MYSQL_FAMILY:
        # A mysql:// URL may name a MariaDB server, and the URL alone does
        # not tell which.
        return None
    if project == "sqlite":
        sources = f"the scratch_url setting and {SCRATCH_URL_VARIABLE}"
        if option is not None:
            sources = f"{option}, {sources}"
        advice = f"leave out {sources}, whichever chose the server, to test on SQLite"
    else:
        advice = (
            f"set the scratch_url setting or {SCRATCH_URL_VARIABLE} to a {project} "
            f"server to test on {project}"
        )
    return (
        f"the project targets {project} but this run used {backend}, so "
        "behaviour that differs between them was not tested, and a step can "
        f"fail on {backend} alone; {advice}"
    )


def project_interpreter(environment: Environment) -> str:
    """Return the ``python`` setting's interpreter, else steward's own."""
    configured = environment.settings.python
    if not configured:
        return sys.executable
    candidate = Path(configured).expanduser()
    if not candidate.is_absolute() and len(candidate.parts) > 1:
        candidate = environment.root / candidate
    found = shutil.which(str(candidate))
    if found is None:
        raise RoundTripError(
            f"the python setting {configured!r} names no interpreter that can "
            "run; set it to the project's Python (a path or a command on PATH) "
            "or leave it unset to use steward's own"
        )
    return found


def _copy_scripts(
    environment: Environment, extra_files: Sequence[GeneratedFile], target: Path
) -> dict[Path, Path]:
    """Build the temporary script folder; return each copied folder's original.

    Each version location is copied whole, so a revision that reads a file
    beside it (``Path(__file__).with_name("x.sql")``) finds it. An extra
    file goes to its place in the copy of the location it belongs to, else
    into the first one.
    """
    target.mkdir(parents=True)
    target.joinpath("env.py").write_text(_ENV_PY, encoding="utf-8")
    template = environment.script_location / "script.py.mako"
    if template.is_file():
        shutil.copyfile(template, target / "script.py.mako")
    seeds = environment.script_location / SEED_FOLDER
    if seeds.is_dir():
        shutil.copytree(seeds, target / SEED_FOLDER, ignore=_IGNORED_FILES)

    originals: dict[Path, Path] = {}
    locations = [folder for folder in environment.version_locations if folder.is_dir()]
    for index, location in enumerate(locations or [target / "versions"]):
        copy = target / ("versions" if index == 0 else f"versions_{index}")
        if location.is_dir():
            shutil.copytree(location, copy, ignore=_IGNORED_FILES)
        else:
            copy.mkdir()
        originals[copy] = location

    placements = {**originals, target: environment.script_location}
    for file in extra_files:
        destination = _place(file.path, placements)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(file.text, encoding="utf-8")
    return originals


_IGNORED_FILES = shutil.ignore_patterns("__pycache__", "*.pyc")


def _place(path: Path, placements: dict[Path, Path]) -> Path:
    """Return where ``path`` goes in the script folder copy.

    ``placements`` maps each copied folder to its original, version
    locations first, so a revision under the script location lands in its
    version location and a seed hook in the copy's ``seeds`` folder. A file
    outside all of them goes into the first version location.
    """
    for copy, original in placements.items():
        if path.is_relative_to(original):
            return copy / path.relative_to(original)
    first = next(iter(placements))
    return first / path.name


def _is_nested(environment: Environment) -> bool:
    """Tell whether a revision file is in a subfolder of its version location."""
    locations = set(environment.version_locations)
    return any(path.parent not in locations for path in environment.revision_files())


@dataclass
class _WorkerRun:
    records: list[dict[str, Any]]
    notes: list[str]
    timed_out: bool


def _run_worker(
    environment: Environment,
    python: str,
    spec: dict[str, Any],
    folder: Path,
    timeout: float,
) -> _WorkerRun:
    """Run the worker on ``spec`` and return the records it wrote."""
    spec_file = folder / "spec.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    spec_file.chmod(0o600)
    command = [python, "-m", WORKER_MODULE, str(spec_file)]
    worker = _copy_worker(folder / "worker")
    logger.info("round trip of %s: %s", environment.name, " ".join(command))
    try:
        outcome = run_worker(
            command,
            cwd=environment.root,
            env=_worker_environment(environment, worker, spec["url"]),
            timeout=timeout,
        )
    except OSError as exc:
        raise RoundTripError(
            f"cannot start the round-trip worker with {python}: {exc}; set the "
            "python setting to the project's interpreter"
        ) from exc
    timed_out = outcome.timed_out
    stderr = outcome.stderr
    if timed_out:
        logger.error("round trip of %s timed out after %s s", environment.name, timeout)

    records = _read_records(Path(spec["results"]))
    notes = []
    finished = any(r["kind"] in ("done", "fatal") for r in records)
    if not finished and not timed_out:
        logger.error(
            "round-trip worker of %s (%s) exited with status %s",
            environment.name,
            python,
            outcome.returncode,
        )
        notes.append(
            f"the round-trip worker ({python}) exited with status "
            f"{outcome.returncode} before it finished; it needs SQLAlchemy and "
            "Alembic, so check the python setting. Its output ended: "
            f"{stderr[-_STDERR_TAIL_CHARS:].strip()}"
        )
    return _WorkerRun(records, notes, timed_out)


def _copy_worker(target: Path) -> Path:
    """Copy the worker's modules, and only them, into a package under ``target``.

    The project's interpreter then imports the worker without steward's
    other dependencies and without steward's own site-packages on its path,
    whose SQLAlchemy and Alembic may not match the project's.
    """
    package = target / "steward_lsp" / "engine"
    package.mkdir(parents=True)
    for init in (target / "steward_lsp", package):
        init.joinpath("__init__.py").write_text("", encoding="utf-8")
    here = Path(__file__).resolve().parent
    for name in _WORKER_FILES:
        shutil.copyfile(here / name, package / name)
    return target


def _worker_environment(
    environment: Environment, worker: Path, url: str
) -> dict[str, str]:
    """Return the worker's environment: ``worker`` and the source roots on PYTHONPATH.

    The variable that names the live database (``database_url_env``) is set
    to the scratch database's ``url``, so a revision file or a project
    module that reads it connects to the scratch database too.
    """
    variables = dict(os.environ)
    variables[environment.settings.database_url_env] = url
    paths = [str(worker), *(str(root) for root in environment.source_roots)]
    if variables.get("PYTHONPATH"):
        paths.append(variables["PYTHONPATH"])
    variables["PYTHONPATH"] = os.pathsep.join(paths)
    return variables


def _read_records(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            # A line cut short when the worker was killed mid-write.
            continue
    return records


def _report(
    run: _WorkerRun, database: str, slo_seconds: float, timeout: float, seeded: bool
) -> RoundTripReport:
    """Turn the worker's records into a report, applying the rollback SLO."""
    steps: list[StepResult] = []
    notes = list(run.notes)
    started: dict[str, Any] | None = None
    fatal = False
    for record in run.records:
        kind = record["kind"]
        if kind == "start":
            started = record
        elif kind == "step":
            started = None
            steps.append(_step_result(record, slo_seconds))
        elif kind == "note":
            notes.append(record["text"])
        elif kind == "fatal":
            fatal = True
            notes.append(f"the round trip stopped: {record['text']}")
    if run.timed_out:
        notes.append(f"the round trip timed out after {timeout:g} s")
        if started is not None:
            steps.append(
                StepResult(
                    started["step"],
                    started["revision"],
                    timeout,
                    ok=False,
                    error=f"still running when the {timeout:g} s timeout ended it",
                )
            )
    if not steps and not fatal and not notes:
        notes.append("the environment has no revisions to test")
    passed = not (fatal or run.timed_out or run.notes) and all(s.ok for s in steps)
    return RoundTripReport(steps, database, slo_seconds, passed, notes, seeded)


def _step_result(record: dict[str, Any], slo_seconds: float) -> StepResult:
    result = StepResult(
        record["step"], record["revision"], record["seconds"], record["ok"]
    )
    result.error = record.get("error")
    if result.ok and result.step == "downgrade" and result.seconds > slo_seconds:
        result.ok = False
        result.error = (
            f"downgrade took {result.seconds:.1f} s, over the rollback SLO "
            f"of {slo_seconds:g} s"
        )
    return result


def _restore_paths(
    report: RoundTripReport, originals: dict[Path, Path], root: Path
) -> None:
    """Name the project's files, not their temporary copies, in errors.

    Paths are given from ``root`` (the folder of alembic.ini) where they are
    inside it, so a report reads the same on every machine.
    """
    # The longest folder first, so versions_1 is not read as versions + "_1".
    by_length = sorted(originals.items(), key=lambda item: -len(str(item[0])))

    def restore(text: str) -> str:
        for copy, original in by_length:
            shown = (
                original.relative_to(root)
                if original.is_relative_to(root)
                else original
            )
            text = text.replace(str(copy), str(shown))
        return text

    for step in report.steps:
        if step.error:
            step.error = restore(step.error)
    report.notes = [restore(note) for note in report.notes]


def render_report(report: RoundTripReport, title: str) -> str:
    """Return the Markdown body of a round-trip report (without the mark line)."""
    outcome = "passed" if report.passed else "failed"
    if report.seeded:
        seeding = "one row seeded into every table, then "
        contents = "only the seeded rows"
    else:
        seeding = ""
        contents = "no seeded rows"
    lines = [
        f"# {title}",
        "",
        f"Round trip on {report.database}: for each revision, {seeding}"
        "upgrade, downgrade (checked against the schema and rows from before "
        "the upgrade), upgrade again, and the revision's backfill hook where "
        f"there is one. Rollback SLO: {report.slo_seconds:g} s, timed on "
        f"tables that hold {contents}.",
        "",
        f"**Result: {outcome}.**",
        "",
    ]
    if report.steps:
        lines += [
            "| revision | step | seconds | result |",
            "| --- | --- | ---: | --- |",
        ]
        lines += [
            f"| `{step.revision}` | {step.step} | {step.seconds:.3f} | "
            f"{'ok' if step.ok else 'failed'} |"
            for step in report.steps
        ]
        lines.append("")
    failures = report.failures()
    if failures:
        lines += ["## Failures", ""]
        lines += [
            f"- `{step.revision}` {step.step}: {_one_line(step.error)}"
            for step in failures
        ]
        lines.append("")
    if report.notes:
        lines += ["## Notes", ""]
        lines += [f"- {note}" for note in report.notes]
        lines.append("")
    return "\n".join(lines)


def _one_line(text: str | None) -> str:
    """Fold an error's lines (SQLAlchemy puts the SQL on its own) into one."""
    return " ".join((text or "").split())
