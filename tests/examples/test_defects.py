"""The defect example: steward reports exactly the findings marked in it.

Every line of examples/defects where a finding is expected ends with
``# expect: CODE`` (several codes comma-separated). The findings of
``steward check examples/defects`` must be those markers, no more, no less.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFECTS = REPO_ROOT / "examples" / "defects"
MARKER = re.compile(r"#\s*expect:\s*(STW\d{3}(?:\s*,\s*STW\d{3})*)\s*$")

# The rules the defect example must show firing. STW001 and STW002 are left
# out because unreadable input and invalid settings would hide the other
# findings. STW111 needs a live database.
REQUIRED_CODES = {
    "STW100", "STW101", "STW102", "STW103", "STW104", "STW105", "STW106",
    "STW107", "STW108", "STW109", "STW110",
    "STW201", "STW202", "STW203", "STW204",
    "STW301", "STW302", "STW303", "STW304", "STW305", "STW306", "STW307",
    "STW401", "STW402", "STW403", "STW404",
    "STW501", "STW502",
    "STW601", "STW602",
}  # fmt: skip

Marker = tuple[str, int, str]


def expected_markers() -> set[Marker]:
    """Return (path relative to the repository, 1-based line, code) per marker."""
    markers: set[Marker] = set()
    for path in sorted(DEFECTS.rglob("*.py")):
        relative = path.relative_to(REPO_ROOT).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            match = MARKER.search(line)
            if match is None:
                continue
            for code in match.group(1).split(","):
                markers.add((relative, number, code.strip()))
    return markers


@pytest.fixture(scope="module")
def reported() -> set[Marker]:
    """Run steward check on the defect example and return its findings."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "steward_lsp",
            "check",
            "examples/defects",
            "--format",
            "json",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 1, completed.stderr
    findings = json.loads(completed.stdout)
    return {(f["path"], f["line"], f["code"]) for f in findings}


def test_markers_cover_required_codes() -> None:
    marked = {code for _, _, code in expected_markers()}

    assert REQUIRED_CODES - marked == set()


def test_defects_no_missing_finding(reported: set[Marker]) -> None:
    missing = expected_markers() - reported

    assert sorted(missing) == []


def test_defects_no_unexpected_finding(reported: set[Marker]) -> None:
    unexpected = reported - expected_markers()

    assert sorted(unexpected) == []
