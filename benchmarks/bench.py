"""Time the static analysis on a generated project against plain ast.parse.

Run from the repository root::

    python benchmarks/bench.py [--models 300] [--revisions 1000] [--repeat 5]

It writes a project of ``--models`` models and ``--revisions`` revisions to
a temporary folder, then measures, as the median of ``--repeat`` runs:

- a cold ``Workspace.analyze()`` (a new Workspace, so discovery and every
  parse happen again; the OS file cache is warm after the first run);
- one re-analysis of a warm Workspace after a one-line edit to one model
  file, fed through ``Workspace.set_document`` as the language server does;
- the baseline: reading and ``ast.parse`` of the same files in the same
  process.
"""

from __future__ import annotations

import argparse
import ast
import logging
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_project  # noqa: E402

from steward_lsp.engine.analysis import AnalysisResult, Workspace  # noqa: E402


def _median_seconds(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _parse_files(paths: list[Path]) -> None:
    for path in paths:
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _edited_texts(path: Path) -> tuple[str, str]:
    """Return two versions of ``path`` that differ from it in one line each."""
    text = path.read_text(encoding="utf-8")
    old = "created_at: Mapped[datetime]"
    if old not in text:
        raise RuntimeError(f"{path}: expected line {old!r} not found")
    first = text.replace(old, "created_at: Mapped[Optional[datetime]]", 1)
    second = text.replace(old, "created_at: Mapped[datetime | None]", 1)
    return first, second


def _describe_findings(result: AnalysisResult) -> str:
    codes = Counter(finding.code for finding in result.all_findings())
    listed = ", ".join(f"{code} x{count}" for code, count in sorted(codes.items()))
    return f"{sum(codes.values())} ({listed or 'none'})"


def run(models: int, revisions: int, repeat: int, folder: Path) -> None:
    """Generate the project in ``folder`` and print the measurements."""
    model_files = generate_project(folder, models, revisions)
    python_files = sorted(folder.rglob("*.py"))
    edited = model_files[len(model_files) // 2]
    print(
        f"project: {models} models in {len(model_files)} files, "
        f"{revisions} revisions, {len(python_files)} Python files"
    )
    print(f"Python {platform.python_version()} on {platform.machine()}")

    parse_all = _median_seconds(lambda: _parse_files(python_files), repeat)
    parse_one = _median_seconds(lambda: _parse_files([edited]), repeat * 20)

    cold_result: list[AnalysisResult] = []
    cold = _median_seconds(
        lambda: cold_result.append(Workspace(folder).analyze()), repeat
    )
    result = cold_result[-1]
    analysed = len(result.analysed_files)

    workspace = Workspace(folder)
    workspace.analyze()
    versions = _edited_texts(edited)
    counter = iter(range(10**9))

    def reanalyze() -> None:
        workspace.set_document(edited, versions[next(counter) % 2])
        workspace.analyze()

    incremental = _median_seconds(reanalyze, repeat * 2)

    print(f"files analysed: {analysed}; findings: {_describe_findings(result)}")
    if result.problems:
        print(f"problems: {result.problems}")
    print(f"ast.parse of all {len(python_files)} files: {parse_all * 1000:9.1f} ms")
    print(f"ast.parse of the edited file:    {parse_one * 1000:9.2f} ms")
    print(
        f"cold Workspace.analyze():        {cold * 1000:9.1f} ms"
        f"  = {cold / parse_all:5.2f} x ast.parse of all files"
    )
    print(
        f"re-analysis after a 1-line edit: {incremental * 1000:9.1f} ms"
        f"  = {incremental / parse_all:5.2f} x ast.parse of all files"
        f", {incremental / parse_one:6.1f} x ast.parse of the edited file"
    )


def main() -> None:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=300, help="number of models")
    parser.add_argument(
        "--revisions", type=int, default=1000, help="number of revisions"
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs per measurement (median taken)"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="write the project to this new folder and keep it (default: a "
        "temporary folder, deleted afterwards)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.keep is not None:
        run(args.models, args.revisions, args.repeat, args.keep)
        return
    with tempfile.TemporaryDirectory(prefix="steward-bench-") as folder:
        run(args.models, args.revisions, args.repeat, Path(folder))


if __name__ == "__main__":
    main()
