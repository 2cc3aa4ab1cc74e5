"""The differential test's seed: where it comes from and what it replays."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import run_seed

HERE = Path(__file__).resolve().parent

# A test that fails for x > 500000 with the differential test's decorator,
# logging each x it runs with.
FAILING_TEST = """
import sys
from pathlib import Path

sys.path.insert(0, {here!r})

from hypothesis import strategies as st
from run_seed import seeded_given


@seeded_given(200, database=Path({database!r}), x=st.integers(0, 10**6))
def test_small(x):
    with open({log!r}, "a") as log:
        log.write(f"{{x}}\\n")
    assert x <= 500000
"""


def _run_failing_test(folder: Path, seed: int) -> tuple[int, list[int]]:
    # The source stays the same from run to run, because Hypothesis keys
    # the saved examples by the test function's source.
    log = folder / "calls.log"
    log.unlink(missing_ok=True)
    test = folder / "test_failing.py"
    test.write_text(
        FAILING_TEST.format(
            here=str(HERE), database=str(folder / "examples"), log=str(log)
        )
    )
    environment = {**os.environ, "CI": "true", "STEWARD_DIFFERENTIAL_SEED": str(seed)}
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    values = [int(line) for line in log.read_text().split()] if log.exists() else []
    return completed.returncode, values


def test_failing_example_replayed_first(tmp_path: Path) -> None:
    first_status, first = _run_failing_test(tmp_path, 1)
    second_status, second = _run_failing_test(tmp_path, 2)

    assert first_status == 1
    assert (tmp_path / "examples").is_dir(), "no failing example was saved"
    assert second_status == 1
    # The shrunk failure of the first run, replayed before any new example.
    assert second[0] == 500001
    assert first[0] != 500001


def test_seed_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_DIFFERENTIAL_SEED", "12345")
    run_seed.run_seed.cache_clear()
    try:
        assert run_seed.run_seed() == (12345, "STEWARD_DIFFERENTIAL_SEED")
    finally:
        run_seed.run_seed.cache_clear()


def test_seed_from_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STEWARD_DIFFERENTIAL_SEED", raising=False)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=run_seed.REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if head.returncode != 0:
        pytest.skip(f"not a git checkout: {head.stderr.strip()}")
    run_seed.run_seed.cache_clear()
    try:
        seed, source = run_seed.run_seed()
    finally:
        run_seed.run_seed.cache_clear()
    sha = head.stdout.strip()
    assert seed == int(sha[:8], 16)
    assert source == f"commit {sha[:12]}"


def test_invalid_seed_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_DIFFERENTIAL_SEED", "tuesday")
    run_seed.run_seed.cache_clear()
    try:
        with pytest.raises(ValueError, match="STEWARD_DIFFERENTIAL_SEED='tuesday'"):
            run_seed.run_seed()
    finally:
        run_seed.run_seed.cache_clear()


def test_invalid_example_count_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_DIFFERENTIAL_EXAMPLES", "0")
    with pytest.raises(ValueError, match="STEWARD_DIFFERENTIAL_EXAMPLES='0'"):
        run_seed.examples_per_dialect()
