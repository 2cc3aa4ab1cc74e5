"""Time the language server from didOpen and from didChange to diagnostics.

Run from the repository root::

    python benchmarks/lsp_latency.py [--workspace examples/defects] [--repeat 5]

Each repetition starts ``python -m steward_lsp serve`` over stdio in a copy
of the workspace and opens the workspace's first model file, then waits for
its diagnostics. It then adds a column to the model's first class and waits
for the diagnostics of that version. The baseline, measured in the
same run, is one in-process ``Workspace.analyze()`` of the same copy, so the
ratios show what the protocol, debounce and process add to the analysis.
Figures are medians in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from steward_lsp.engine.analysis import Workspace

TIMEOUT_SECONDS = 30.0


def _model_file(root: Path) -> Path:
    workspace = Workspace(root)
    result = workspace.analyze()
    for analysis in result.environments:
        for table in analysis.model_schema.tables.values():
            if table.location is not None and table.class_name:
                return table.location.path
    raise SystemExit(f"{root}: no declarative model class found")


def _with_extra_column(text: str, class_line: int) -> str:
    lines = text.splitlines(keepends=True)
    indent = "    "
    extra = f"{indent}latency_probe = Column(String(20), nullable=True)\n"
    # The column needs Column and String, which the example model modules
    # import.
    lines.insert(class_line + 1, extra)
    return "".join(lines)


async def _one_run(root: Path, model: Path, class_line: int) -> tuple[float, float]:
    client = LanguageClient("steward-latency", "1")
    uri = from_fs_path(str(model)) or ""
    seen_version: dict[str, int | None] = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _publish(params: types.PublishDiagnosticsParams) -> None:
        if params.uri == uri:
            seen_version["version"] = params.version
            arrived.set()

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def _log(params: types.LogMessageParams) -> None:
        pass

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def _show(params: types.ShowMessageParams) -> None:
        print(f"server message: {params.message}", file=sys.stderr)

    @client.feature(types.WORKSPACE_CONFIGURATION)
    def _configuration(params: types.ConfigurationParams) -> list[object]:
        return [None for _ in params.items]

    await client.start_io(sys.executable, "-m", "steward_lsp", "serve")
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=from_fs_path(str(root)),
            workspace_folders=[
                types.WorkspaceFolder(uri=from_fs_path(str(root)) or "", name="w")
            ],
        )
    )
    client.initialized(types.InitializedParams())

    text = model.read_text(encoding="utf-8")
    arrived.clear()
    opened = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
        )
    )
    await asyncio.wait_for(_wait_version(arrived, seen_version, 1), TIMEOUT_SECONDS)
    open_seconds = time.perf_counter() - opened

    arrived.clear()
    changed = time.perf_counter()
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=2, uri=uri),
            [
                types.TextDocumentContentChangeWholeDocument(
                    text=_with_extra_column(text, class_line)
                )
            ],
        )
    )
    await asyncio.wait_for(_wait_version(arrived, seen_version, 2), TIMEOUT_SECONDS)
    change_seconds = time.perf_counter() - changed

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return open_seconds, change_seconds


async def _wait_version(
    arrived: asyncio.Event, seen: dict[str, int | None], version: int
) -> None:
    while seen.get("version") != version:
        await arrived.wait()
        arrived.clear()


def main() -> None:
    """Print the didOpen and didChange latency of the server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=Path("examples/defects"))
    parser.add_argument(
        "--repeat", type=int, default=5, help="number of runs (default 5)"
    )
    args = parser.parse_args()

    opens: list[float] = []
    changes: list[float] = []
    baselines: list[float] = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / "workspace"
            shutil.copytree(args.workspace, root)
            model = _model_file(root)
            class_line = _first_class_line(model)
            started = time.perf_counter()
            Workspace(root).analyze()
            baselines.append(time.perf_counter() - started)
            open_seconds, change_seconds = asyncio.run(
                _one_run(root, model, class_line)
            )
            opens.append(open_seconds)
            changes.append(change_seconds)

    baseline = statistics.median(baselines)
    print(f"workspace: {args.workspace}, {args.repeat} runs, medians")
    print(f"{'measurement':<40} {'ms':>8} {'x analyze':>10}")
    for label, values in (
        ("in-process Workspace.analyze() (baseline)", baselines),
        ("didOpen -> diagnostics", opens),
        ("didChange -> diagnostics (150 ms debounce)", changes),
    ):
        median = statistics.median(values)
        print(f"{label:<40} {median * 1000:8.0f} {median / baseline:10.2f}")


def _first_class_line(model: Path) -> int:
    for number, line in enumerate(model.read_text(encoding="utf-8").splitlines()):
        if line.startswith("class ") and "(" in line:
            return number
    raise SystemExit(f"{model}: no class definition found")


if __name__ == "__main__":
    main()
