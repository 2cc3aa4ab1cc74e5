"""The generator commands: what each writes, and the rules every one obeys.

A generator reads an analysis and returns the files it would write; it
writes nothing itself. The CLI (``steward_lsp.generator_cli``) and the language
server (``steward_lsp.server.commands``) both call it and then write the
files through :func:`steward_lsp.engine.generate.output.write_files`, which
refuses to replace a file that steward did not generate or that was edited
by hand since.

Each generator module defines ``OPTIONS`` (its command-line options, which
are also the keys of the object an LSP client passes as the command's first
argument) and ``generate(request) -> GenerateResult``. :data:`GENERATORS`
names them, so adding a generator is one entry here and one module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.generate.output import GeneratedFile

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import AnalysisResult, EnvironmentAnalysis


class GenerateError(Exception):
    """A generator cannot run; the message names the cause and the fix."""


@dataclass(frozen=True)
class Option:
    """One option of a generator, for argparse and for LSP arguments.

    ``name`` is the LSP key and, with underscores as dashes, the long
    command-line option (``database_url`` is ``--database-url``). A
    ``kind`` of ``bool`` is a flag.
    """

    name: str
    help: str
    kind: type = str
    default: Any = None
    short: str | None = None
    required: bool = False


@dataclass
class GenerateRequest:
    """The input of a generator: the analysed workspace and the options."""

    root: Path
    analysis: AnalysisResult
    options: Mapping[str, Any] = field(default_factory=dict)
    focus: Path | None = None
    """The file the editor had open, which picks the environment that contains it
    for a command that works on one environment when ``env`` is unset."""

    def option(self, name: str, default: Any = None) -> Any:
        """Return the option ``name``, or ``default`` when unset."""
        value = self.options.get(name)
        return default if value is None else value


@dataclass
class GenerateResult:
    """The files a generator would write and what to tell the user.

    ``summary`` is one line for the terminal or the editor's message.
    ``failed`` is true when the generator's own check failed (a round trip
    that did not pass, stale files under ``--check``); the CLI then exits 1.
    """

    files: list[GeneratedFile] = field(default_factory=list)
    summary: str = ""
    notes: list[str] = field(default_factory=list)
    failed: bool = False
    findings: list[Finding] = field(default_factory=list)
    """Findings on the project's files, such as a revision that failed its
    round trip; the CLI prints them and the server shows them as diagnostics."""


@dataclass(frozen=True)
class Generator:
    """One generator command: CLI name, LSP command id, title and module."""

    cli_name: str
    command_id: str
    title: str
    module: str

    def load(self) -> Any:
        """Import and return the generator module."""
        return importlib.import_module(self.module)

    @property
    def options(self) -> tuple[Option, ...]:
        """Return the options the generator module declares."""
        options: tuple[Option, ...] = self.load().OPTIONS
        return options

    def run(self, request: GenerateRequest) -> GenerateResult:
        """Run the generator on ``request``."""
        function: Callable[[GenerateRequest], GenerateResult] = self.load().generate
        return function(request)


GENERATORS: tuple[Generator, ...] = (
    Generator(
        "model-state",
        "steward.modelState",
        "Write the data model diagram and integrity notes",
        "steward_lsp.engine.generate.model_state",
    ),
    Generator(
        "author-migration",
        "steward.authorMigration",
        "Author a migration for the model changes",
        "steward_lsp.engine.generate.author",
    ),
    Generator(
        "optimize-db",
        "steward.optimizeDb",
        "Write index and connection-pool advice",
        "steward_lsp.engine.generate.optimize",
    ),
    Generator(
        "document-state",
        "steward.documentState",
        "Write the data contract and retention matrix",
        "steward_lsp.engine.generate.document_state",
    ),
    Generator(
        "merge-heads",
        "steward.mergeHeads",
        "Write a merge revision for the heads",
        "steward_lsp.engine.generate.merge",
    ),
    Generator(
        "verify-migrations",
        "steward.verifyMigrations",
        "Run every revision up and down on a scratch database",
        "steward_lsp.engine.generate.verify",
    ),
)


def generator_named(name: str) -> Generator:
    """Return the generator whose CLI name or command id is ``name``."""
    for generator in GENERATORS:
        if name in (generator.cli_name, generator.command_id):
            return generator
    known = ", ".join(g.cli_name for g in GENERATORS)
    raise GenerateError(f"no generator named {name!r}; known: {known}")


def select_environment(
    analysis: AnalysisResult, name: str | None, focus: Path | None = None
) -> EnvironmentAnalysis:
    """Return the environment ``name``, or the only one when ``name`` is None.

    Without a name, a workspace with several environments takes the one
    that contains the file ``focus``, and otherwise needs ``--env``, which the
    message says with the environments' names.
    """
    environments = analysis.environments
    if name is None and len(environments) > 1:
        holder = environment_holding(analysis, focus)
        if holder is not None:
            return holder
    if not environments and analysis.settings_error is not None:
        raise GenerateError(analysis.settings_error)
    if not environments:
        raise GenerateError(
            "no Alembic environment found: add an alembic.ini with "
            "script_location, or run the command in the folder that holds it"
        )
    if name is None:
        if len(environments) == 1:
            return environments[0]
        names = ", ".join(e.environment.name for e in environments)
        raise GenerateError(
            f"this workspace has {len(environments)} Alembic environments "
            f"({names}); choose one with --env NAME"
        )
    for environment in environments:
        if environment.environment.name == name:
            return environment
    names = ", ".join(e.environment.name for e in environments)
    raise GenerateError(f"no Alembic environment named {name!r}; known: {names}")


def environment_holding(
    analysis: AnalysisResult, path: Path | None
) -> EnvironmentAnalysis | None:
    """Return the environment whose script folder, revisions or models contain ``path``.

    Where script folders nest, the innermost one wins. None when no
    environment contains the file.
    """
    if path is None:
        return None
    resolved = path.resolve()
    best: tuple[int, EnvironmentAnalysis] | None = None
    for candidate in analysis.environments:
        environment = candidate.environment
        if resolved in {file.resolve() for file in environment.model_files}:
            return candidate
        folders = [environment.script_location, *environment.version_locations]
        if environment.config_file is not None:
            folders.append(environment.config_file.parent)
        for folder in folders:
            folder = folder.resolve()
            if resolved.is_relative_to(folder):
                depth = len(folder.parts)
                if best is None or depth > best[0]:
                    best = (depth, candidate)
    return best[1] if best is not None else None


def refuse_unreadable(
    analysis: EnvironmentAnalysis,
    codes: Collection[str] = ("STW001",),
    reason: str = "so the files written describe the whole project",
) -> None:
    """Raise GenerateError when a file of the environment could not be read.

    A model file that does not parse would make the documents describe a
    schema without its tables, and replace good ones with that. ``codes``
    adds graph codes for the commands that need a loadable chain, and
    ``reason`` says in the message why the command needs the fix.
    """
    blocking = [f for f in analysis.findings if f.code in codes]
    if not blocking:
        return
    listed = "; ".join(
        f"{f.location.path.name}:{f.location.span.start_line + 1}: {f.code} {f.message}"
        for f in blocking[:3]
    )
    raise GenerateError(
        f"{analysis.environment.name}: fix these first, {reason}: {listed}"
    )


def output_dir(request: GenerateRequest, environment: EnvironmentAnalysis) -> Path:
    """Return the folder generated documents go to.

    The ``output_dir`` option wins, then the environment's ``output_dir``
    setting; a relative path is taken from the workspace root.
    """
    configured = (
        request.option("output_dir") or environment.environment.settings.output_dir
    )
    if not isinstance(configured, str) or not configured.strip():
        raise GenerateError(f"invalid output_dir {configured!r}: give a folder path")
    folder = Path(configured)
    return folder if folder.is_absolute() else request.root / folder


COMMON_OPTIONS: tuple[Option, ...] = (
    Option("env", "the Alembic environment to use, when the workspace has several"),
    Option(
        "output_dir",
        "folder for generated documents, relative to the workspace "
        "(default: the output_dir setting, docs)",
    ),
    Option(
        "overwrite_edited",
        "replace generated files even when they were edited by hand since "
        "steward wrote them (the edits are lost)",
        kind=bool,
    ),
)
"""Options every generator accepts; generator modules declare only their own."""
