"""The ``steward`` command: ``check`` for CI and terminals, ``serve`` for editors.

Each subcommand is a function that adds its arguments to an argparse
sub-parser and a function that runs it and returns the exit status, so a
generator command is added by writing one more pair.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from steward_lsp import __version__
from steward_lsp.engine import report
from steward_lsp.engine.findings import Finding, Severity
from steward_lsp.engine.rules_catalogue import CODE_SELECTOR_ADVICE, matches_some_rule

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
"""The status shells give a command stopped by Ctrl-C (128 + SIGINT)."""

# Files and folders that mark the top of a project, for a file argument
# outside the current folder.
_WORKSPACE_MARKERS = ("pyproject.toml", "alembic.ini", "setup.cfg", ".git")

logger = logging.getLogger(__name__)


class UsageError(Exception):
    """A command-line argument is invalid; the message names the fix."""


@dataclass
class CheckTarget:
    """One workspace to analyse and the files of it to report (None: all)."""

    root: Path
    files: set[Path] | None = field(default=None)
    live: bool = True
    deep: bool = False
    deep_timeout: float = 120.0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``steward`` command line and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="steward: %(levelname)s: %(name)s: %(message)s",
    )
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    run: Callable[[argparse.Namespace], int] = args.run
    # SIGTERM (a CI job cancelled, `kill`) unwinds like Ctrl-C, so the worker
    # subprocesses of the deep check and the round trip are stopped too.
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return run(args)
    except UsageError as exc:
        print(f"steward: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("steward: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="steward",
        description="Drift, safety and index checks for SQLAlchemy models and "
        "Alembic migrations.",
    )
    parser.add_argument("--version", action="version", version=f"steward {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log debug messages on stderr"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="report findings of the static engine",
        description="Analyse the Alembic environments of each PATH and report "
        "findings. Exit status: 0 without warnings or errors, 1 with "
        "findings, 2 on usage or configuration errors.",
    )
    add_check_arguments(check)
    check.set_defaults(run=run_check)

    serve = commands.add_parser(
        "serve",
        help="start the language server on stdin and stdout",
        description="Start the language server, speaking LSP over stdin/stdout.",
    )
    serve.add_argument(
        "--stdio",
        action="store_true",
        help="accepted for clients that pass it; stdio is the only transport",
    )
    serve.set_defaults(run=run_serve)

    from steward_lsp.generator_cli import add_generator_commands

    add_generator_commands(commands)
    return parser


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``steward check``."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        type=Path,
        help="workspace folder to analyse, or a file whose findings to report "
        "(default: the current folder)",
    )
    parser.add_argument(
        "--format",
        choices=report.FORMATS,
        default="text",
        help="output format (default: text, one path:line:col: CODE message line "
        "per finding)",
    )
    parser.add_argument(
        "--select",
        metavar="CODES",
        default="",
        help="comma-separated rule codes or prefixes to report, e.g. STW1,STW301",
    )
    parser.add_argument(
        "--ignore",
        metavar="CODES",
        default="",
        help="comma-separated rule codes or prefixes not to report",
    )
    parser.add_argument(
        "--deep",
        action="store_true",
        help="also run the migrations and env.py on a scratch database and "
        "compare with Alembic (runs the project's code; see the deep setting)",
    )
    parser.add_argument(
        "--deep-timeout",
        metavar="SECONDS",
        type=float,
        default=120.0,
        help="time limit of one environment's deep check (default: 120)",
    )
    parser.add_argument(
        "--no-live",
        action="store_true",
        help="do not read the live database even when the database_url_env "
        "variable (DATABASE_URL by default) is set; STW111 needs it",
    )
    parser.add_argument(
        "--output-file",
        metavar="FILE",
        type=Path,
        help="write the report to FILE instead of standard output",
    )


def run_check(args: argparse.Namespace) -> int:
    """Run ``steward check`` and return its exit status."""
    select = parse_codes(args.select, "--select")
    ignore = parse_codes(args.ignore, "--ignore")
    if args.deep_timeout <= 0:
        raise UsageError(
            f"--deep-timeout {args.deep_timeout:g}: give the seconds one "
            "environment's deep check may take, a number above 0"
        )
    cwd = Path.cwd()
    targets = group_targets(args.paths or [Path(".")], cwd)
    for target in targets:
        target.live = not args.no_live
        target.deep = args.deep
        target.deep_timeout = args.deep_timeout

    findings: list[Finding] = []
    problems: list[str] = []
    for target in targets:
        found, target_problems = check_with_fallback(target)
        findings.extend(found)
        problems.extend(target_problems)
    findings = [f for f in _unique(findings) if _selected(f.code, select, ignore)]
    findings.sort(key=Finding.sort_key)

    text = report.render(findings, args.format, cwd, problems)
    if args.output_file is not None:
        try:
            args.output_file.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(
                f"cannot write {args.output_file}: {exc.strerror}; "
                "choose a writable --output-file"
            ) from exc
    else:
        sys.stdout.write(text)

    for problem in problems:
        print(f"steward: error: {problem}", file=sys.stderr)
    if args.format == "text":
        summary = _summary(findings)
        if problems:
            count = len(problems)
            noun = "error" if count == 1 else "errors"
            summary = f"{summary}; fix the {count} configuration {noun} above"
        print(f"steward: {summary}", file=sys.stderr)
    if problems:
        return EXIT_USAGE
    failing = [f for f in findings if f.effective_severity() <= Severity.WARNING]
    return EXIT_FINDINGS if failing else EXIT_CLEAN


@dataclass
class CheckOutcome:
    """Findings and problems of one workspace, and the file arguments it missed."""

    findings: list[Finding]
    problems: list[str]
    missed: set[Path] = field(default_factory=set)


def check_with_fallback(target: CheckTarget) -> tuple[list[Finding], list[str]]:
    """Analyse ``target``; retry missed file arguments in their nearest project.

    A file inside the current folder is first analysed with the current
    folder as workspace. When no environment there reads it (its project is
    nested, or excluded by ``[tool.steward] exclude``), the nearest parent
    folder with an alembic.ini or pyproject.toml is analysed for it instead.
    """
    outcome = check_target(target)
    if target.files is None or not outcome.missed:
        return outcome.findings, outcome.problems

    retries: dict[Path, set[Path]] = {}
    for path in outcome.missed:
        project = _nearest_project(path, target.root)
        if project is None:
            _warn_not_analysed(path, target.root)
        else:
            retries.setdefault(project, set()).add(path)
    findings = list(outcome.findings)
    # The outer workspace's problems do not matter when it read none of the
    # files it was chosen for.
    problems = [] if retries and outcome.missed == target.files else outcome.problems
    for root, files in sorted(retries.items()):
        nested = check_target(
            CheckTarget(root, files, target.live, target.deep, target.deep_timeout)
        )
        findings.extend(nested.findings)
        problems.extend(nested.problems)
        for path in sorted(nested.missed):
            _warn_not_analysed(path, root)
    return findings, problems


def check_target(target: CheckTarget) -> CheckOutcome:
    """Analyse one workspace and keep the findings of the requested files."""
    # Imported here so that --help and --version load no parser.
    from steward_lsp.engine.analysis import Workspace

    workspace = Workspace(target.root)
    try:
        result = workspace.analyze()
    except Exception as exc:  # noqa: BLE001 - reported as exit status 2
        logger.exception("analysis of %s failed", target.root)
        problem = f"internal error while analysing {target.root}: {exc!r}"
        return CheckOutcome([], [problem])

    for note in result.notes:
        print(f"steward: note: {note}", file=sys.stderr)
    problems = list(result.problems)
    findings = result.all_findings()
    if target.deep or any(e.environment.settings.deep for e in result.environments):
        from steward_lsp.engine import deep

        findings, deep_problems = deep.check_workspace(
            result,
            workspace.root,
            workspace.read_text,
            force=target.deep,
            timeout=target.deep_timeout,
        )
        problems.extend(deep_problems)
    if target.live:
        from steward_lsp.engine.live import check_workspace

        live = check_workspace(result, workspace.root, os.environ, workspace.read_text)
        findings.extend(live.findings)
        problems.extend(live.problems)
    if not result.environments and not problems:
        problems.append(
            f"no Alembic environment found under {target.root}: add an "
            "alembic.ini with script_location, a [tool.alembic] table in "
            "pyproject.toml, or a migrations/ folder with env.py and alembic.ini"
        )
    if target.files is None:
        return CheckOutcome(findings, problems)

    findings = [f for f in findings if f.location.path.resolve() in target.files]
    analysed = {path.resolve() for path in result.analysed_files}
    return CheckOutcome(findings, problems, target.files - analysed)


def _nearest_project(path: Path, outer_root: Path) -> Path | None:
    """Return the nearest folder below ``outer_root`` that looks like a project."""
    for folder in path.parents:
        if folder == outer_root or not folder.is_relative_to(outer_root):
            return None
        is_script_location = (folder / "env.py").is_file()
        if not is_script_location and any(
            (folder / marker).is_file() for marker in ("alembic.ini", "pyproject.toml")
        ):
            return folder
    return None


def _warn_not_analysed(path: Path, root: Path) -> None:
    logger.warning(
        "%s is not a model or revision file of any environment under %s", path, root
    )


def group_targets(paths: Sequence[Path], cwd: Path) -> list[CheckTarget]:
    """Map PATH arguments to workspaces, analysing each workspace once.

    A folder that contains a pyproject.toml, alembic.ini, setup.cfg or .git is
    a workspace root. A file, or a folder without one of those (such as
    ``migrations/versions``), belongs to the current folder's workspace when
    it is inside the current folder and the current folder contains one of
    those, else to its nearest parent folder that does; only its files are
    reported.
    """
    targets: dict[Path, CheckTarget] = {}
    cwd = cwd.resolve()
    for path in paths:
        resolved = (cwd / path).resolve()
        if resolved.is_dir() and (_is_project(resolved) or resolved == cwd):
            targets[resolved] = CheckTarget(resolved)
            continue
        if not resolved.exists():
            raise UsageError(f"{path}: no such file or folder")
        if resolved.is_dir():
            files = {file.resolve() for file in resolved.rglob("*.py")}
            root = _workspace_of(resolved / "__init__.py", cwd)
        else:
            files = {resolved}
            root = _workspace_of(resolved, cwd)
        target = targets.setdefault(root, CheckTarget(root, set()))
        if target.files is not None:
            target.files.update(files)
    return list(targets.values())


def _is_project(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in _WORKSPACE_MARKERS)


def _workspace_of(path: Path, cwd: Path) -> Path:
    if path.is_relative_to(cwd) and _is_project(cwd):
        return cwd
    for folder in path.parents:
        if _is_project(folder):
            return folder
    return cwd if path.is_relative_to(cwd) else path.parent


def parse_codes(value: str, option: str) -> list[str]:
    """Split a comma-separated list of rule codes or prefixes and validate it."""
    codes = [code.strip().upper() for code in value.split(",") if code.strip()]
    if value.strip() and not codes:
        raise UsageError(
            f"{option} {value!r} names no rule code; give codes such as STW301 "
            "or prefixes such as STW3, separated by commas"
        )
    for code in codes:
        if not matches_some_rule(code):
            raise UsageError(
                f"{option}: {code!r} matches no rule code; {CODE_SELECTOR_ADVICE}"
            )
    return codes


def _selected(code: str, select: list[str], ignore: list[str]) -> bool:
    if select and not any(code.startswith(prefix) for prefix in select):
        return False
    return not any(code.startswith(prefix) for prefix in ignore)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[object, ...]] = set()
    unique = []
    for finding in findings:
        key = (finding.location, finding.code, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _summary(findings: list[Finding]) -> str:
    if not findings:
        return "no findings"
    counts: dict[Severity, int] = {}
    for finding in findings:
        severity = finding.effective_severity()
        counts[severity] = counts.get(severity, 0) + 1
    parts = [_count(counts[severity], severity) for severity in sorted(counts)]
    noun = "finding" if len(findings) == 1 else "findings"
    return f"{len(findings)} {noun} ({', '.join(parts)})"


def _count(number: int, severity: Severity) -> str:
    word = report.severity_word(severity)
    if number != 1 and severity in (Severity.ERROR, Severity.WARNING):
        word += "s"
    return f"{number} {word}"


def run_serve(args: argparse.Namespace) -> int:
    """Start the language server; it returns when the client exits."""
    # Imported here so that `steward check` never loads pygls.
    from steward_lsp.server import serve

    serve()
    return EXIT_CLEAN
