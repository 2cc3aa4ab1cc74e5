"""The generator subcommands of ``steward``: one per entry of GENERATORS.

Each gets a PATH argument (the workspace, default the current folder), the
common options, the options its module declares, and ``--check``, which
writes nothing and exits 1 when a file on disk differs from what the
command would write.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.generate import (
    COMMON_OPTIONS,
    GENERATORS,
    GenerateError,
    GenerateRequest,
    Generator,
    Option,
)
from steward_lsp.engine.generate.output import (
    OverwriteRefused,
    check_writable,
    is_current,
    write_files,
)

EXIT_CLEAN = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

logger = logging.getLogger(__name__)


def add_generator_commands(commands: Any) -> None:
    """Add one sub-parser per generator to the ``steward`` sub-parsers."""
    for generator in GENERATORS:
        try:
            options = generator.options
        except ImportError:
            logger.debug("generator %s is not installed", generator.cli_name)
            continue
        parser = commands.add_parser(
            generator.cli_name,
            help=generator.title[0].lower() + generator.title[1:],
            description=f"{generator.title}. Writes new files only, never "
            "replaces a file steward did not write or one edited by hand since "
            "(unless --overwrite-edited), and leaves unchanged files as they "
            "are. Exit status: 0 on success, 1 when the command's check "
            "failed, 2 on usage errors.",
        )
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=Path("."),
            metavar="PATH",
            help="workspace folder (default: the current folder)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="write nothing; exit 1 when a file would change",
        )
        for option in (*COMMON_OPTIONS, *options):
            _add_option(parser, option)
        parser.set_defaults(run=_runner(generator))


def _add_option(parser: argparse.ArgumentParser, option: Option) -> None:
    flags = [f"--{option.name.replace('_', '-')}"]
    if option.short:
        flags.insert(0, option.short)
    if option.kind is bool:
        parser.add_argument(
            *flags, dest=option.name, action="store_true", help=option.help
        )
        return
    parser.add_argument(
        *flags,
        dest=option.name,
        type=option.kind,
        default=option.default,
        required=option.required,
        help=option.help,
    )


def _runner(generator: Generator) -> Any:
    def run(args: argparse.Namespace) -> int:
        return run_generator(generator, args)

    return run


def run_generator(generator: Generator, args: argparse.Namespace) -> int:
    """Analyse the workspace, run ``generator`` and write or check its files."""
    from steward_lsp.engine.analysis import Workspace

    root = args.path.resolve()
    if not root.is_dir():
        print(f"steward: error: {args.path}: no such folder", file=sys.stderr)
        return EXIT_USAGE
    names = {option.name for option in (*COMMON_OPTIONS, *generator.options)}
    options = {name: getattr(args, name) for name in names}

    workspace = Workspace(root)
    result = workspace.analyze()
    if result.settings_error is not None:
        # As steward check does: without its settings, nothing is analysed.
        print(f"steward: error: {result.settings_error}", file=sys.stderr)
        return EXIT_USAGE
    for problem in result.problems:
        print(f"steward: warning: {problem}", file=sys.stderr)
    try:
        generated = generator.run(GenerateRequest(workspace.root, result, options))
    except GenerateError as exc:
        print(f"steward: error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    overwrite_edited = bool(options.get("overwrite_edited"))
    for note in generated.notes:
        print(f"steward: {note}", file=sys.stderr)
    if generated.findings:
        from steward_lsp.engine import report

        ordered = sorted(generated.findings, key=Finding.sort_key)
        sys.stdout.write(report.render(ordered, "text", Path.cwd(), []))
    if args.check:
        stale = [file for file in generated.files if not is_current(file)]
        for file in stale:
            try:
                check_writable(file, overwrite_edited)
            except OverwriteRefused as exc:
                print(f"steward: error: {exc}", file=sys.stderr)
                return EXIT_USAGE
        for file in stale:
            state = "is out of date" if file.path.exists() else "does not exist yet"
            print(f"steward: {_relative(file.path, root)} {state}", file=sys.stderr)
        if stale:
            print(
                f"steward: run `steward {generator.cli_name}` to write "
                f"{len(stale)} file(s)",
                file=sys.stderr,
            )
            return EXIT_FAILED
        return EXIT_FAILED if generated.failed else EXIT_CLEAN

    try:
        result = write_files(generated.files, overwrite_edited)
    except OverwriteRefused as exc:
        print(f"steward: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for path in result.written:
        print(f"wrote {_relative(path, root)}")
    for path in result.unchanged:
        print(f"unchanged {_relative(path, root)}")
    summary = "; ".join(text for text in (generated.summary, result.counts()) if text)
    if summary:
        print(f"steward: {summary}", file=sys.stderr)
    return EXIT_FAILED if generated.failed else EXIT_CLEAN


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
