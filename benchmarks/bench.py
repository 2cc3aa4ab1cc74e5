"""Time the static analysis on a generated project against plain ast.parse.

Run from the repository root::

    python benchmarks/bench.py [--models 300] [--revisions 1000] [--repeat 5]

It writes a project of ``--models`` models and ``--revisions`` revisions to
a temporary folder, then measures, as the median of ``--repeat`` runs:

- a cold ``Workspace.analyze()`` (a new Workspace, so discovery and every
  parse happen again; the OS file cache is warm after the first run);
- one re-analysis of a warm Workspace after a one-line edit to one model
  file, fed through ``Workspace.set_document`` as the language server does;
- the same edit saved: written to disk and reported through
  ``Workspace.file_changed``, as on didSave;
- the baseline: reading and ``ast.parse`` of the same files in the same
  process.

Each measurement is printed as wall-clock and CPU time (``time.process_time``);
on a busy machine the CPU figures and the ratios move less than wall time.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import logging
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_project  # noqa: E402

from steward_lsp.engine.analysis import AnalysisResult, Workspace  # noqa: E402


@dataclass(frozen=True)
class Timing:
    """Median wall-clock and CPU seconds of one measurement."""

    wall: float
    cpu: float


def _measure(action: Callable[[], object], repeat: int) -> Timing:
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(repeat):
        wall_start = time.perf_counter()
        cpu_start = time.process_time()
        action()
        cpus.append(time.process_time() - cpu_start)
        walls.append(time.perf_counter() - wall_start)
    return Timing(statistics.median(walls), statistics.median(cpus))


def _row(label: str, timing: Timing, baseline: Timing) -> str:
    return (
        f"{label:<36} {timing.wall * 1000:10.1f} {timing.cpu * 1000:10.1f}"
        f" {timing.wall / baseline.wall:9.2f} {timing.cpu / baseline.cpu:9.2f}"
    )


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

    parse_all = _measure(lambda: _parse_files(python_files), repeat)
    parse_one = _measure(lambda: _parse_files([edited]), repeat * 20)

    cold_results: list[AnalysisResult] = []
    cold = _measure(lambda: cold_results.append(Workspace(folder).analyze()), repeat)
    result = cold_results[-1]

    workspace = Workspace(folder)
    workspace.analyze()
    versions = _edited_texts(edited)
    edits = itertools.count()

    def reanalyze() -> None:
        workspace.set_document(edited, versions[next(edits) % 2])
        workspace.analyze()

    incremental = _measure(reanalyze, repeat * 2)

    def save() -> None:
        # What the server does on didSave: the buffer reaches the disk, the
        # Workspace gets file_changed, and the folder is analysed again.
        edited.write_text(versions[next(edits) % 2], encoding="utf-8")
        workspace.file_changed(edited)
        workspace.analyze()

    saved = _measure(save, repeat * 2)

    print(f"files analysed: {len(result.analysed_files)}")
    print(f"findings: {_describe_findings(result)}")
    if result.problems:
        print(f"problems: {result.problems}")
    print(
        f"medians of {repeat} runs ({repeat * 20} for the edited-file parse, "
        f"{repeat * 2} for re-analysis); ratios are to ast.parse of all files"
    )
    print(
        f"{'measurement':<36} {'wall ms':>10} {'CPU ms':>10} {'wall x':>9} {'CPU x':>9}"
    )
    print(_row(f"ast.parse of all {len(python_files)} files", parse_all, parse_all))
    print(_row("ast.parse of the edited file", parse_one, parse_all))
    print(_row("cold Workspace.analyze()", cold, parse_all))
    print(_row("re-analysis after a one-line edit", incremental, parse_all))
    print(_row("re-analysis after saving that edit", saved, parse_all))
    print(
        "re-analysis / ast.parse of the edited file: "
        f"{incremental.wall / parse_one.wall:.1f} x wall, "
        f"{incremental.cpu / parse_one.cpu:.1f} x CPU"
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
