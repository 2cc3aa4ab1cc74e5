"""Time the data-access scan (STW203) on the generated benchmark project.

Run from the repository root::

    python benchmarks/bench_queries.py [--files 100] [--functions 20] [--repeat 5]

It writes bench.py's project (300 models, 1,000 revisions) plus ``--files``
service modules of ``--functions`` query functions each, four column uses
per function, to a temporary folder. It prints, as the median of
``--repeat`` runs, the wall-clock and CPU time of:

- ``ast.parse`` and ``scan_source`` of the service modules;
- a cold ``Workspace.analyze()``, with the scan and with the scan replaced
  by an empty result;
- a re-analysis of a warm Workspace after a blank line is added to a model
  file (with and without the scan), and after a query of a service module
  orders by another column, fed through ``Workspace.set_document`` as the
  language server does.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import platform
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import Timing, _measure, _parse_files  # noqa: E402
from generate import generate_project  # noqa: E402

from steward_lsp.engine import analysis  # noqa: E402
from steward_lsp.engine.queries import ProjectQueries, scan_source  # noqa: E402

MODELS = 300
REVISIONS = 1000

QUERY_FUNCTION = """
def find_{number}(session, value):
    stmt = (
        select(Model{model:03d})
        .where(Model{model:03d}.created_at >= value, Model{model:03d}.note.is_(None))
        .order_by(Model{model:03d}.name.desc())
    )
    rows = session.scalars(stmt).all()
    other = session.query(Model{other:03d}).filter_by(parent_id=value).first()
    return rows, other, session.get(Model{model:03d}, value)
"""


def write_services(root: Path, files: int, functions: int) -> list[Path]:
    """Write the service modules under ``root/app/services``; return their paths."""
    folder = root / "app" / "services"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    numbers = itertools.count()
    paths: list[Path] = []
    for index in range(files):
        body = ["from sqlalchemy import select", "from app.models import *", ""]
        for _ in range(functions):
            number = next(numbers)
            body.append(
                QUERY_FUNCTION.format(
                    number=number,
                    model=number % MODELS,
                    other=(number * 7) % MODELS,
                )
            )
        path = folder / f"service_{index:03d}.py"
        path.write_text("\n".join(body))
        paths.append(path)
    return paths


def _edit(
    workspace: analysis.Workspace, path: Path, old: str | None = None, new: str = ""
) -> Callable[[], None]:
    """Return an action that changes ``path``'s buffer and analyses again.

    With ``old``, its first occurrence becomes ``new`` and back, alternately;
    without, a blank line is added and removed at the end.
    """
    text = path.read_text()
    if old is None:
        versions = (text + "\n", text + "\n\n")
    else:
        versions = (text.replace(old, new, 1), text)
    edits = itertools.count()

    def edit_and_analyze() -> None:
        workspace.set_document(path, versions[next(edits) % 2])
        workspace.analyze()

    return edit_and_analyze


def _warm(root: Path) -> analysis.Workspace:
    workspace = analysis.Workspace(root)
    workspace.analyze()
    return workspace


def run(files: int, functions: int, repeat: int, root: Path) -> None:
    """Generate the project in ``root`` and print the measurements."""
    model_files = generate_project(root, MODELS, REVISIONS)
    services = write_services(root, files, functions)
    edited_model = model_files[len(model_files) // 2]
    print(f"Python {platform.python_version()} on {platform.machine()}")
    print(
        f"{MODELS} models, {REVISIONS} revisions, {files} service modules of "
        f"{functions} query functions ({files * functions * 4} column uses)"
    )

    def scan_all() -> None:
        for path in services:
            scan_source(path, path.read_text())

    rows: list[tuple[str, Timing]] = [
        (
            "ast.parse of the service modules",
            _measure(lambda: _parse_files(services), repeat),
        ),
        ("scan_source of the service modules", _measure(scan_all, repeat)),
        ("cold analyze", _measure(lambda: analysis.Workspace(root).analyze(), repeat)),
    ]
    workspace = _warm(root)
    findings = sum(1 for f in workspace.analyze().all_findings() if f.code == "STW203")
    rows.append(
        (
            "re-analysis after a model edit",
            _measure(_edit(workspace, edited_model), repeat * 2),
        )
    )
    rows.append(
        (
            "re-analysis after a query edit",
            _measure(
                _edit(workspace, services[0], ".name.desc()", ".id.desc()"),
                repeat * 2,
            ),
        )
    )

    original = analysis.DataAccessScanner.scan
    analysis.DataAccessScanner.scan = lambda *args, **kwargs: ProjectQueries()  # type: ignore[method-assign]
    try:
        rows.append(
            (
                "cold analyze, scan off",
                _measure(lambda: analysis.Workspace(root).analyze(), repeat),
            )
        )
        rows.append(
            (
                "re-analysis after a model edit, scan off",
                _measure(_edit(_warm(root), edited_model), repeat * 2),
            )
        )
    finally:
        analysis.DataAccessScanner.scan = original  # type: ignore[method-assign]

    print(f"STW203 findings: {findings}")
    print(f"medians of {repeat} runs ({repeat * 2} for re-analysis)")
    print(f"{'measurement':<44} {'wall ms':>9} {'CPU ms':>9}")
    for label, timing in rows:
        print(f"{label:<44} {timing.wall * 1000:9.1f} {timing.cpu * 1000:9.1f}")


def main() -> None:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100, help="service modules")
    parser.add_argument(
        "--functions", type=int, default=20, help="query functions per module"
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs per measurement (median taken)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="steward-bench-queries-") as folder:
        run(args.files, args.functions, args.repeat, Path(folder))


if __name__ == "__main__":
    main()
