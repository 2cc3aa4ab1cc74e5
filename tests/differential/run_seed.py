"""The example count and the seed of one run of the differential test.

The seed rotates from run to run, so that successive CI runs cover
different generated cases. It comes from ``STEWARD_DIFFERENTIAL_SEED`` when
set, else from the commit checked out, else from the date (UTC). A run of
the same commit draws the same cases again, and a failure is replayed with
``STEWARD_DIFFERENTIAL_SEED=<seed printed at the end of the run>``.
"""

from __future__ import annotations

import datetime
import functools
import os
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

REPO_ROOT = Path(__file__).resolve().parents[2]

# Examples per dialect and run. The figures behind it are in README.md.
DEFAULT_EXAMPLES = 70

# Hypothesis's example database, where failing examples are saved.
DATABASE = REPO_ROOT / ".hypothesis" / "examples"


def examples_per_dialect() -> int:
    """Return the examples per dialect, from STEWARD_DIFFERENTIAL_EXAMPLES."""
    text = os.environ.get("STEWARD_DIFFERENTIAL_EXAMPLES")
    if text is None:
        return DEFAULT_EXAMPLES
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise ValueError(
            f"STEWARD_DIFFERENTIAL_EXAMPLES={text!r} is invalid: "
            "set it to a positive whole number of examples per dialect"
        )
    return count


@functools.cache
def run_seed() -> tuple[int, str]:
    """Return this run's seed and where it comes from."""
    text = os.environ.get("STEWARD_DIFFERENTIAL_SEED")
    if text is not None:
        try:
            return int(text), "STEWARD_DIFFERENTIAL_SEED"
        except ValueError:
            raise ValueError(
                f"STEWARD_DIFFERENTIAL_SEED={text!r} is invalid: "
                "set it to the whole number a previous run printed"
            ) from None
    commit = _commit()
    if commit is not None:
        return int(commit[:8], 16), f"commit {commit[:12]}"
    today = datetime.datetime.now(datetime.UTC).date()
    return int(today.strftime("%Y%m%d")), f"date {today.isoformat()}"


def _commit() -> str | None:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    sha = completed.stdout.strip()
    if completed.returncode != 0 or len(sha) < 8:
        return None
    return sha


def seeded_given(
    examples: int,
    suppress: Iterable[HealthCheck] = (),
    database: Path = DATABASE,
    **strategies: st.SearchStrategy[Any],
) -> Callable[[Callable[..., None]], Any]:
    """Return ``@given(**strategies)`` with this run's seed and a kept database.

    Hypothesis's "ci" profile, loaded when CI is set, derandomizes and turns
    the database off, and ``@seed`` turns it off too, so these settings are
    applied on top of ``@seed``. A failing example is then saved under
    ``database`` and replayed first by the next run, whatever its seed.
    """
    run_settings = settings(
        max_examples=examples,
        deadline=None,
        derandomize=False,
        database=DirectoryBasedExampleDatabase(database),
        print_blob=True,
        suppress_health_check=list(suppress),
    )

    def decorate(test: Callable[..., None]) -> Any:
        return run_settings(seed(run_seed()[0])(given(**strategies)(test)))

    return decorate
