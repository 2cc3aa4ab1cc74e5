"""Worker subprocesses that never outlive steward.

The deep check and the round trip run the project's code in a subprocess of
its own session, so that a timeout kills the worker and every process it
started. A session of its own also means the worker gets no hangup when
steward exits, so every running worker is recorded here and killed, with
its process group, when the steward process ends normally or is
interrupted.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

_running: set[subprocess.Popen[str]] = set()
_lock = threading.Lock()


@dataclass(frozen=True)
class WorkerOutcome:
    """The end of a worker: its status (None after a timeout) and its output."""

    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool


def run_worker(
    command: Sequence[str],
    *,
    cwd: Path,
    timeout: float,
    env: dict[str, str] | None = None,
) -> WorkerOutcome:
    """Run ``command`` to its end or until ``timeout`` seconds, then kill it.

    Raises OSError when the command cannot start. Any other interruption of
    the caller (Ctrl-C) kills the worker before it propagates.
    """
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    with _lock:
        _running.add(process)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stdout, stderr = stop(process)
        return WorkerOutcome(None, stdout, stderr, True)
    except BaseException:
        stop(process)
        raise
    finally:
        with _lock:
            _running.discard(process)
    return WorkerOutcome(process.returncode, stdout, stderr, False)


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Kill ``process`` and every process it started; return its output."""
    _kill_group(process)
    return process.communicate()


def _kill_group(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows has no process groups to kill
            process.kill()


@atexit.register
def _kill_running() -> None:
    with _lock:
        running = list(_running)
    for process in running:
        logger.info("stopping worker %d as steward exits", process.pid)
        _kill_group(process)
