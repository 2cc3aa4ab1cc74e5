"""Count the distinct cases that successive differential-test runs generate.

Each CI run of ``tests/differential`` draws its examples with a seed taken
from the commit under test, so successive runs cover different cases. This
script draws the cases of ``--runs`` runs of ``--per-run`` examples each.
Their seeds are made like commit-derived ones, from the first 8 hex digits
of a SHA-1. No project is written and no database is used. It prints how
many cases are distinct and after how many runs ``--target`` was reached::

    python benchmarks/differential_coverage.py --dialect sqlite --per-run 70 --runs 32
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path[:0] = [str(TESTS / "differential"), str(TESTS / "oracle")]

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from test_differential import cases  # noqa: E402


def draw_cases(dialect: str, run_seed: int, count: int) -> list[str]:
    """Return the repr of each case one run with ``run_seed`` generates."""
    drawn: list[str] = []

    @seed(run_seed)
    @settings(
        max_examples=count,
        database=None,
        derandomize=False,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases(dialect))
    def record(case: object) -> None:
        drawn.append(repr(case))

    record()
    return drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialect", choices=["sqlite", "postgresql", "mariadb"])
    parser.add_argument("--per-run", type=int, default=70, help="examples per run")
    parser.add_argument("--runs", type=int, default=32, help="number of runs")
    parser.add_argument("--target", type=int, default=2000, help="distinct cases")
    options = parser.parse_args()

    started = time.perf_counter()
    distinct: set[str] = set()
    executed = 0
    reached = None
    for run in range(options.runs):
        run_seed = int(hashlib.sha1(f"run {run}".encode()).hexdigest()[:8], 16)
        drawn = draw_cases(options.dialect, run_seed, options.per_run)
        executed += len(drawn)
        distinct.update(drawn)
        if reached is None and len(distinct) >= options.target:
            reached = run + 1
    elapsed = time.perf_counter() - started
    print(
        f"{options.dialect}: {options.runs} runs of {options.per_run} examples, "
        f"{executed} executed, {len(distinct)} distinct; "
        f"{options.target} distinct reached after "
        f"{reached if reached is not None else 'more than ' + str(options.runs)} "
        f"runs ({elapsed:.0f} s)"
    )


if __name__ == "__main__":
    main()
