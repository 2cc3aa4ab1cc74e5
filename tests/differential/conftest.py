"""Make the oracle's and the author tests' runners importable; print the seed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from run_seed import examples_per_dialect, run_seed

TESTS = Path(__file__).resolve().parent.parent
for folder in (TESTS / "oracle", TESTS / "generate"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the seed the differential tests ran with, to replay a failure."""
    reports = [
        report
        for reports in terminalreporter.stats.values()
        for report in reports
        if "test_differential.py::" in getattr(report, "nodeid", "")
    ]
    if not reports:
        return
    seed, source = run_seed()
    terminalreporter.write_sep("-", "differential test")
    terminalreporter.write_line(
        f"seed {seed} ({source}), {examples_per_dialect()} examples per dialect; "
        f"replay with STEWARD_DIFFERENTIAL_SEED={seed}"
    )
