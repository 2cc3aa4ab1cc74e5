"""Workspace analysis: discovery, parsing with per-file caches, rules.

The CLI runs :meth:`Workspace.analyze` once; the language server keeps one
:class:`Workspace`, feeds it editor buffers with :meth:`Workspace.set_document`
and calls :meth:`Workspace.analyze` again after each change. Parsing is cached
per file and keyed by the text, so a keystroke re-parses one file and re-runs
the cheap comparison steps.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from steward_lsp.engine import discovery, graph, model_parser, replay, revision_parser
from steward_lsp.engine.config import (
    ConfigError,
    InvalidTomlError,
    Settings,
    load_pyproject_settings,
)
from steward_lsp.engine.discovery_signature import Signature, discovery_signature
from steward_lsp.engine.findings import Finding, Severity
from steward_lsp.engine.migration import RevisionScript
from steward_lsp.engine.project import Environment
from steward_lsp.engine.queries import DataAccessScanner, FileScan, ProjectQueries
from steward_lsp.engine.rules import RuleContext, apply_ignores, run_rules
from steward_lsp.engine.schema import Location, SchemaState, Span
from steward_lsp.engine.sources import ModuleLoader, SourceError, decode_source

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class _CacheEntry(Generic[T]):
    text: str
    value: T


@dataclass(frozen=True)
class _DiskEntry:
    mtime_ns: int
    size: int
    text: str


# A file modified this recently may change again within the same timestamp
# tick at the same size, so its text is not reused (git calls this "racy git").
_RACY_NS = 2_000_000_000


class DiskCache:
    """Decoded file texts keyed by path, reused while (mtime, size) are unchanged.

    A re-analysis reads every file of the project, so only the files whose
    ``st_mtime_ns`` or ``st_size`` changed are decoded again. NOTE: a file
    replaced by one of the same size with the same old mtime (``cp -p``) is
    missed until :meth:`Workspace.file_changed` or :meth:`Workspace.reload`.
    """

    def __init__(self) -> None:
        self._entries: dict[Path, _DiskEntry] = {}

    def read(self, path: Path) -> str:
        """Return the text of ``path``, decoding it only when it changed.

        Raises :class:`SourceError` as :func:`decode_source` does.
        """
        try:
            stat = os.stat(path)
        except OSError:
            self._entries.pop(path, None)
            return decode_source(path)
        entry = self._entries.get(path)
        if (
            entry is not None
            and entry.mtime_ns == stat.st_mtime_ns
            and entry.size == stat.st_size
        ):
            return entry.text
        text = decode_source(path)
        if time.time_ns() - stat.st_mtime_ns > _RACY_NS:
            self._entries[path] = _DiskEntry(stat.st_mtime_ns, stat.st_size, text)
        else:
            self._entries.pop(path, None)
        return text

    def forget(self, path: Path | None = None) -> None:
        """Drop the text of ``path``, or of every file when None."""
        if path is None:
            self._entries.clear()
        else:
            self._entries.pop(path, None)


class ParseCache(Generic[T]):
    """Per-file parse results keyed by text, keeping the last good one.

    When a file fails to parse (a half-typed buffer), :meth:`get` returns the
    last value that parsed, so the rest of the analysis stays stable while
    the user types.
    """

    def __init__(self) -> None:
        self._entries: dict[Path, _CacheEntry[T]] = {}

    def lookup(self, path: Path, text: str) -> T | None:
        """Return the cached value for ``path`` if it was parsed from ``text``."""
        entry = self._entries.get(path)
        if entry is not None and entry.text == text:
            return entry.value
        return None

    def store(self, path: Path, text: str, value: T) -> None:
        """Remember ``value`` as the parse of ``text``."""
        self._entries[path] = _CacheEntry(text, value)

    def last_good(self, path: Path) -> T | None:
        """Return the value of the last successful parse of ``path``."""
        entry = self._entries.get(path)
        return entry.value if entry is not None else None

    def forget(self, path: Path) -> None:
        """Drop the entry of a deleted file."""
        self._entries.pop(path, None)


@dataclass
class EnvironmentAnalysis:
    """Everything computed for one environment, for rules and editor features."""

    environment: Environment
    model_schema: SchemaState
    head_schema: SchemaState
    scripts: list[RevisionScript]
    revision_graph: graph.RevisionGraph
    replay_result: replay.ReplayResult
    findings: list[Finding] = field(default_factory=list)
    queries: ProjectQueries = field(default_factory=ProjectQueries)
    revision_dialects: list[str] = field(default_factory=list)
    """Dialects whose options the revisions use, looked for only when the
    dialect is unknown."""
    dialect_note: str | None = None
    """The reason dialect-specific rules are off (an unknown dialect), if they are."""
    model_problem: str | None = None
    """The reason the models cannot be compared (they declare no table), which
    holds back drift for the environment."""


@dataclass
class AnalysisResult:
    """Findings per file and the per-environment analyses behind them.

    ``problems`` are configuration and environment messages (an invalid
    ``[tool.steward]``, an alembic.ini whose script_location is missing);
    the server shows them once and the CLI prints them and exits 2.
    """

    findings: dict[Path, list[Finding]]
    environments: list[EnvironmentAnalysis]
    problems: list[str]
    analysed_files: set[Path]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    """Information about the configuration, such as an unknown dialect, that
    turns rules off without being an error."""
    settings_error: str | None = None
    """The problem of a pyproject.toml that is not valid TOML, when no earlier
    settings are kept and so nothing was analysed. It is in ``problems`` too."""

    def all_findings(self) -> list[Finding]:
        """Return every finding, sorted by file and position."""
        items = [f for found in self.findings.values() for f in found]
        return sorted(items, key=Finding.sort_key)


class Workspace:
    """A folder with one or more Alembic environments.

    Open editor buffers override the files on disk (:meth:`set_document`).
    ``client_settings`` are applied over ``[tool.steward]``. A ``root`` inside
    an Alembic script folder (Flask-Migrate's ``migrations/``) is replaced by
    the project folder above it (:func:`discovery.enclosing_project`).
    """

    def __init__(self, root: Path, client_settings: dict[str, object] | None = None):
        self.root = discovery.enclosing_project(root)
        self.client_settings = dict(client_settings or {})
        self._overlays: dict[Path, str] = {}
        self._disk = DiskCache()
        # Path.resolve() per file per analysis cost as much as reading it.
        self._resolved: dict[Path, Path] = {}
        self._models: ParseCache[model_parser.ModuleSummary] = ParseCache()
        self._revisions: ParseCache[RevisionScript] = ParseCache()
        self._queries = DataAccessScanner(ParseCache[FileScan]())
        self._environments: list[Environment] | None = None
        self._signatures: dict[Path, Signature | None] = {}
        self._problems: list[str] = []
        self._settings_error: str | None = None
        self.settings = Settings()
        self._valid_settings: Settings | None = None

    # -- inputs -----------------------------------------------------------

    def set_document(self, path: Path, text: str | None) -> None:
        """Use ``text`` for ``path`` instead of the disk, or stop when None."""
        path = path.resolve()
        if text is None:
            self._overlays.pop(path, None)
        else:
            self._overlays[path] = text

    def file_changed(self, path: Path) -> None:
        """Note that ``path`` changed on disk (created, changed or deleted)."""
        # A created or deleted symlink changes what paths resolve to.
        self._resolved.clear()
        path = path.resolve()
        self._disk.forget(path)
        if path.name in {"alembic.ini", "pyproject.toml", "env.py", "setup.cfg"}:
            self._environments = None
        if not path.exists():
            self._models.forget(path)
            self._revisions.forget(path)
            self._environments = None
        elif path.suffix == ".py" and self._environments is not None:
            # Each analysis lists the version locations anyway, so this is for
            # other Python files: one may now be imported by env.py or the
            # models, or declare a model class. Only a change of its imports
            # or class headers can do that.
            if not self._in_version_locations(path) and self._signature_changed(path):
                self._environments = None

    def _in_version_locations(self, path: Path) -> bool:
        environments = self._environments or []
        return any(
            path.is_relative_to(folder)
            for env in environments
            for folder in env.version_locations
        )

    def _signature_changed(self, path: Path) -> bool:
        """Tell whether ``path``'s discovery signature changed since the last save.

        The first save of a file has nothing to compare with, so it counts
        as changed.
        """
        try:
            text = self._disk.read(path)
        except SourceError:
            return True
        signature = discovery_signature(text)
        previous = self._signatures.get(path)
        self._signatures[path] = signature
        return signature is None or previous != signature

    def reload(self) -> None:
        """Forget discovered environments so the next analysis finds them anew."""
        self._environments = None
        self._resolved.clear()
        self._disk.forget()

    def read_text(self, path: Path) -> str:
        """Return the editor buffer of ``path``, else its text on disk.

        Raises :class:`SourceError` when the file is missing or not UTF-8.
        """
        resolved = self._resolved.get(path)
        if resolved is None:
            resolved = self._resolved[path] = path.resolve()
        if resolved in self._overlays:
            return self._overlays[resolved]
        return self._disk.read(resolved)

    # -- analysis ---------------------------------------------------------

    def environments(self) -> list[Environment]:
        """Return the environments of this workspace, discovering them once."""
        if self._environments is None:
            self._problems = []
            self._settings_error = None
            settings = self._load_settings()
            if settings is None:
                # Without the settings (exclude, models) the findings would
                # be wrong, so nothing is analysed until the file is fixed.
                self._environments = []
                return self._environments
            self.settings = settings
            found, problems = discovery.discover_environments(self.root, self.settings)
            self._environments = found
            self._problems.extend(problems)
        return self._environments

    def analyze(self) -> AnalysisResult:
        """Analyse every environment and return findings per file."""
        started = time.perf_counter()
        environments = self.environments()
        findings: dict[Path, list[Finding]] = {}
        analyses: list[EnvironmentAnalysis] = []
        analysed: set[Path] = set()
        for env in environments:
            try:
                analysis, env_files = self._analyze_environment(env)
            except Exception:  # noqa: BLE001 - one environment must not stop others
                logger.exception("analysis of environment %s failed", env.name)
                continue
            analyses.append(analysis)
            analysed.update(env_files)
            for finding in analysis.findings:
                findings.setdefault(finding.location.path, []).append(finding)
        for path in analysed:
            findings.setdefault(path, [])
        for found in findings.values():
            found.sort(key=Finding.sort_key)
        elapsed = time.perf_counter() - started
        logger.debug("analysed %d files in %.3fs", len(analysed), elapsed)
        problems = list(self._problems)
        problems.extend(a.model_problem for a in analyses if a.model_problem)
        notes = [a.dialect_note for a in analyses if a.dialect_note]
        return AnalysisResult(
            findings,
            analyses,
            problems,
            analysed,
            elapsed,
            notes,
            settings_error=self._settings_error,
        )

    def _load_settings(self) -> Settings | None:
        """Return the settings of pyproject.toml and the client.

        Returns None when pyproject.toml is not valid TOML and no earlier
        load succeeded; after one did, its settings are kept.
        """
        try:
            settings = load_pyproject_settings(self.root / "pyproject.toml")
        except InvalidTomlError as exc:
            if self._valid_settings is None:
                self._settings_error = f"{exc}; nothing is checked until then"
                self._problems.append(self._settings_error)
                return None
            self._problems.append(f"{exc}; the last valid settings apply")
            return self._valid_settings
        except ConfigError as exc:
            if exc.partial is not None:
                self._problems.extend(
                    f"{message}; the other settings apply" for message in exc.messages
                )
                settings = exc.partial
            else:
                self._problems.append(f"{exc}; using default settings")
                settings = Settings()
        if self.client_settings:
            from steward_lsp.engine.config import merge_settings

            try:
                settings = merge_settings(
                    settings, self.client_settings, "client settings"
                )
            except ConfigError as exc:
                if exc.partial is not None:
                    self._problems.extend(
                        f"{message}; the other client settings apply"
                        for message in exc.messages
                    )
                    settings = exc.partial
                else:
                    self._problems.append(f"{exc}; ignoring client settings")
        self._valid_settings = settings
        return settings

    def _analyze_environment(
        self, env: Environment
    ) -> tuple[EnvironmentAnalysis, set[Path]]:
        findings: list[Finding] = []
        sources: dict[Path, str] = {}

        # Files that never parsed: what they declare or change is unknown,
        # so drift is held back for the environment.
        unparsed: list[Path] = []
        scripts: list[RevisionScript] = []
        for path in env.revision_files():
            script = self._parse_revision(path, sources, findings)
            if script is not None:
                scripts.append(script)
            if (script is None and path in sources) or (
                script is not None
                and (script.unreadable_header or script.parse_error is not None)
            ):
                unparsed.append(path)

        loader: ModuleLoader[model_parser.ModuleSummary] = ModuleLoader(
            env.source_roots,
            lambda p: self._parse_model(p, sources, findings, unparsed),
        )
        model_result = model_parser.build_model_schema(env, loader)
        findings.extend(model_result.findings)

        revision_graph = graph.build_graph(scripts, env.settings)
        findings.extend(revision_graph.findings)
        replayed = replay.replay(
            revision_graph,
            dialect=env.dialect,
            naming_convention=model_result.schema.naming_convention,
        )
        findings.extend(replayed.findings)
        queries = self._queries.scan(env, self.root, self.read_text, sources)
        revision_dialects = _revision_dialects(env, scripts, sources)
        model_problem = _tableless_models_problem(
            env, model_result.schema, replayed.head_schema, unparsed
        )

        context = RuleContext(
            environment=env,
            settings=env.settings,
            model_schema=model_result.schema,
            head_schema=replayed.head_schema,
            scripts=scripts,
            revision_graph=revision_graph,
            replay_result=replayed,
            unparsed_model_files=tuple(unparsed),
            queries=queries,
            models_unusable=model_problem is not None,
        )
        findings.extend(run_rules(context))
        findings = apply_ignores(findings, sources, env.settings, self.root)

        analysis = EnvironmentAnalysis(
            environment=env,
            model_schema=model_result.schema,
            head_schema=replayed.head_schema,
            scripts=scripts,
            revision_graph=revision_graph,
            replay_result=replayed,
            findings=findings,
            queries=queries,
            model_problem=model_problem,
            dialect_note=_unknown_dialect_note(env, scripts, revision_dialects),
            revision_dialects=revision_dialects,
        )
        return analysis, set(sources)

    def _parse_revision(
        self, path: Path, sources: dict[Path, str], findings: list[Finding]
    ) -> RevisionScript | None:
        text = self._read_or_report(path, findings)
        if text is None:
            return self._revisions.last_good(path) or _salvage_undecodable(path)
        sources[path] = text
        cached = self._revisions.lookup(path, text)
        if cached is not None:
            return cached
        try:
            script = revision_parser.parse_revision(path, text)
        except SyntaxError as exc:
            findings.append(_syntax_finding(path, exc, "revision"))
            last_good = self._revisions.last_good(path)
            if last_good is not None:
                return last_good
            error = f"line {exc.lineno}: {exc.msg}"
            return revision_parser.salvage_header(path, text, error)
        self._revisions.store(path, text, script)
        return script

    def _parse_model(
        self,
        path: Path,
        sources: dict[Path, str],
        findings: list[Finding],
        unparsed: list[Path],
    ) -> model_parser.ModuleSummary | None:
        """Parse a model file, falling back to its last good parse.

        A file with neither a parse nor a last good one is added to
        ``unparsed``, which holds back drift findings for the environment.
        """
        text = self._read_or_report(path, findings)
        if text is None:
            return self._last_good_model(path, None, unparsed)
        sources[path] = text
        cached = self._models.lookup(path, text)
        if cached is not None:
            return cached
        try:
            summary = model_parser.parse_model_module(path, text)
        except SyntaxError as exc:
            findings.append(_syntax_finding(path, exc, "model"))
            return self._last_good_model(path, text, unparsed)
        self._models.store(path, text, summary)
        return summary

    def _last_good_model(
        self, path: Path, text: str | None, unparsed: list[Path]
    ) -> model_parser.ModuleSummary | None:
        summary = self._models.last_good(path)
        if summary is None and (text is None or _may_declare_tables(text)):
            unparsed.append(path)
        return summary

    def _read_or_report(self, path: Path, findings: list[Finding]) -> str | None:
        try:
            return self.read_text(path)
        except SourceError as exc:
            findings.append(
                Finding(
                    "STW001",
                    str(exc),
                    Location(path, Span(0, 0, 0, 0)),
                    severity=Severity.ERROR,
                )
            )
            return None


def _tableless_models_problem(
    env: Environment,
    model_schema: SchemaState,
    head_schema: SchemaState,
    unparsed: list[Path],
) -> str | None:
    """Return a problem when the models found declare no table but the chain does.

    Comparing then would report every table of the chain as dropped from the
    models, and author-migration would drop them all. The usual cause is a
    model module that discovery reached without the tables, such as an
    application package whose models are imported at run time.
    """
    if not env.model_files or unparsed or model_schema.tables:
        return None
    if not head_schema.tables:
        return None
    where = env.env_py or env.config_file or env.script_location
    read = ", ".join(str(path) for path in env.model_files[:3])
    more = f" and {len(env.model_files) - 3} more" if len(env.model_files) > 3 else ""
    return (
        f"{where}: the model modules steward found for environment "
        f"{env.name!r} ({read}{more}) declare no table, but the migrations "
        f"build {len(head_schema.tables)} tables, so drift (STW101-STW109) is "
        "not checked; make target_metadata in env.py import the modules that "
        "declare the models, or list them in [tool.steward] models in "
        "pyproject.toml"
    )


# Words in revision files that belong to one dialect's SQLAlchemy options.
_DIALECT_MARKERS = {
    "postgresql": (
        "import postgresql",
        "dialects.postgresql",
        "postgresql.",
        "postgresql_",
    ),
    "mysql": ("import mysql", "dialects.mysql", "mysql.", "mysql_"),
}


def _revision_dialects(
    env: Environment, scripts: list[RevisionScript], sources: dict[Path, str]
) -> list[str]:
    """Return the dialects whose options the revisions use, when none is set.

    The dialect comes from ``[tool.steward] dialect`` or from the URL in
    alembic.ini; Alembic's placeholder ``driver://...`` and URLs set in
    env.py give none.
    """
    if env.settings.dialect or env.dialect:
        return []
    texts = [sources.get(script.path, "") for script in scripts]
    return [
        dialect
        for dialect, markers in _DIALECT_MARKERS.items()
        if any(marker in text for text in texts for marker in markers)
    ]


def _unknown_dialect_note(
    env: Environment, scripts: list[RevisionScript], used: list[str]
) -> str | None:
    """Return a note when the dialect of an environment with revisions is unknown."""
    if env.settings.dialect or env.dialect or not scripts:
        return None
    where = env.config_file or env.env_py or env.script_location
    hint = ""
    if len(used) == 1:
        hint = f" The revisions use {used[0]} options, so it is likely {used[0]!r}."
    suggested = used[0] if len(used) == 1 else "postgresql"
    others = " or ".join(
        f'"{name}"' for name in ("postgresql", "mysql", "sqlite") if name != suggested
    )
    return (
        f"{where}: the database dialect of environment {env.name!r} is unknown, "
        "because its sqlalchemy.url is a placeholder or not set, so STW306 "
        f"(long locks on PostgreSQL, table copies on MySQL) is skipped.{hint} "
        f'Set dialect = "{suggested}" (or {others}) in [tool.steward] in '
        "pyproject.toml"
    )


# Words without which a module declares no table: a file reached only through
# imports (forms, helpers) that fails to parse then leaves drift checks on.
_TABLE_MARKERS = (
    "__tablename__",
    "__table__",
    "Table(",
    "Column(",
    "mapped_column(",
    "table=True",
)


def _salvage_undecodable(path: Path) -> RevisionScript | None:
    """Read the header of a revision file that is not valid UTF-8."""
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None
    return revision_parser.salvage_header(path, text, "the file is not valid UTF-8")


def _may_declare_tables(text: str) -> bool:
    return any(marker in text for marker in _TABLE_MARKERS)


def _syntax_finding(path: Path, exc: SyntaxError, kind: str) -> Finding:
    line = max((exc.lineno or 1) - 1, 0)
    col = max((exc.offset or 1) - 1, 0)
    # Projects on a newer Python than steward's use syntax this ast rejects.
    python = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    message = (
        f"{path.name}: Python syntax error in {kind} file, as parsed by "
        f"{python}: {exc.msg}; fix it, or if the project needs a newer Python, "
        "run steward with that Python. Until it parses, steward keeps the last "
        "analysis of this file or, without one, holds back drift for this "
        "environment"
    )
    return Finding("STW001", message, Location(path, Span(line, col, line, col + 1)))
