"""A real VS Code (code-server in headless Chromium) with the packaged extension.

The test installs ``build/steward-lsp.vsix`` into a fresh profile, opens a
copy of the defect example, checks that the Problems panel lists steward's
findings, applies the "Ignore CODE on this line" quick fix and checks that
its diagnostic is gone. One screenshot per step lands in ``build/screenshots/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from editor_support import MODEL_FILE, REPO, require, require_program

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "code_server_driver.js"
SCREENSHOTS = REPO / "build" / "screenshots"
CODE_SERVER_VERSION = "4.100.3"
DEFAULT_CODE_SERVER = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    / "steward-editors"
    / f"code-server-{CODE_SERVER_VERSION}"
    / "node_modules"
    / ".bin"
    / "code-server"
)
START_TIMEOUT_SECONDS = 60
DRIVER_TIMEOUT_SECONDS = 300
LISTENING = re.compile(r"HTTP server listening on (http://127\.0\.0\.1:\d+)/")

# A quiet profile: no welcome page, no update or telemetry traffic, no git
# extension competing with the server for the two cores of a CI machine.
PROFILE_SETTINGS = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.enableExperiments": False,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoUpdate": False,
    "extensions.autoCheckUpdates": False,
    "extensions.ignoreRecommendations": True,
    "security.workspace.trust.enabled": False,
    "git.enabled": False,
}


@dataclass(frozen=True)
class CodeServer:
    """A running code-server and the paths of its profile."""

    url: str
    process: subprocess.Popen[str]
    log: Path


def code_server_program() -> str:
    """Return the code-server executable: ``$STEWARD_CODE_SERVER``, cache, PATH."""
    configured = os.environ.get("STEWARD_CODE_SERVER")
    if configured:
        return require_program("code-server", "STEWARD_CODE_SERVER")
    if DEFAULT_CODE_SERVER.is_file():
        return str(DEFAULT_CODE_SERVER)
    return require_program("code-server")


def profile_arguments(profile: Path) -> list[str]:
    """Return the arguments that keep code-server inside ``profile``."""
    # NOTE: without an explicit --config, code-server writes a config file
    # into the home folder, even for --version.
    return [
        "--config",
        str(profile / "config.yaml"),
        "--user-data-dir",
        str(profile / "data"),
        "--extensions-dir",
        str(profile / "extensions"),
    ]


def make_profile(profile: Path, server_python: str) -> None:
    """Write a code-server config and VS Code user settings into ``profile``."""
    (profile / "data" / "User").mkdir(parents=True)
    # Port 0 lets the kernel choose a free port; code-server logs the URL.
    (profile / "config.yaml").write_text(
        "bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n", encoding="utf-8"
    )
    settings = {**PROFILE_SETTINGS, "steward.interpreter": server_python}
    (profile / "data" / "User" / "settings.json").write_text(
        json.dumps(settings, indent=2), encoding="utf-8"
    )


def install_extension(program: str, profile: Path, vsix: Path) -> None:
    completed = subprocess.run(
        [program, *profile_arguments(profile), "--install-extension", str(vsix)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_SECONDS,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "successfully installed" in completed.stdout, completed.stdout


def wait_until_listening(process: subprocess.Popen[str], log: Path) -> str:
    """Return the URL that code-server logs once it is listening."""
    assert process.stdout is not None
    with log.open("w", encoding="utf-8") as copy:
        for line in process.stdout:
            copy.write(line)
            match = LISTENING.search(line)
            if match:
                return match.group(1)
    raise AssertionError(f"code-server exited before listening; see {log}")


@pytest.fixture
def code_server(tmp_path: Path, server_python: str) -> Iterator[CodeServer]:
    """Start code-server on a fresh profile with the packaged extension."""
    program = code_server_program()
    vsix = Path(os.environ.get("STEWARD_VSIX", REPO / "build" / "steward-lsp.vsix"))
    require(f"the packaged extension {vsix}", vsix.is_file())
    profile = tmp_path / "profile"
    make_profile(profile, server_python)
    install_extension(program, profile, vsix)

    log = tmp_path / "code-server.log"
    # A new session makes code-server the leader of a process group that also
    # contains its extension hosts, file watchers and the language server, which
    # outlive the main process; the group is stopped as a whole.
    process = subprocess.Popen(
        [
            program,
            *profile_arguments(profile),
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        url = wait_until_listening(process, log)
        yield CodeServer(url=url, process=process, log=log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_driver(server: CodeServer, workspace: Path, result: Path) -> dict[str, Any]:
    """Run the Playwright driver against ``server``; return its result."""
    node = require_program("node")
    chromium = require_program("chromium", "CHROMIUM")
    playwright = HERE / "node_modules" / "playwright-core"
    require("playwright-core (npm ci in tests/editors)", playwright.is_dir())
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    env = {
        **os.environ,
        "STEWARD_URL": f"{server.url}/?folder={workspace}",
        "STEWARD_FILE": MODEL_FILE,
        "STEWARD_SCREENSHOTS": str(SCREENSHOTS),
        "STEWARD_RESULT": str(result),
        "CHROMIUM": chromium,
    }
    completed = subprocess.run(
        [node, str(DRIVER)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=DRIVER_TIMEOUT_SECONDS,
    )
    assert result.is_file(), (
        f"the driver wrote no result (exit {completed.returncode}):\n"
        f"{completed.stdout}\n{completed.stderr}"
    )
    outcome: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    outcome["exit_code"] = completed.returncode
    return outcome


def test_code_server_quick_fix_clears_problem(
    code_server: CodeServer, workspace: Path, tmp_path: Path
) -> None:
    outcome = run_driver(code_server, workspace, tmp_path / "driver.json")
    steps = {step["name"]: step for step in outcome["steps"]}
    detail = json.dumps(outcome, indent=2)[:6000]

    assert outcome.get("error") is None, detail
    assert outcome["exit_code"] == 0
    problems = steps["03-problems-panel"]
    assert problems["markers"], "the Problems panel lists no steward finding"
    target = steps["04-quick-fix-menu"]["target"]
    title = f"Ignore {target['code']} on this line"
    assert title in steps["04-quick-fix-menu"]["actions"]
    saved = (workspace / MODEL_FILE).read_text(encoding="utf-8").splitlines()
    assert saved[target["line"] - 1].endswith(f"# steward: ignore[{target['code']}]")
    assert steps["05-after-quick-fix"]["total"] == problems["total"] - 1, detail
    for step in outcome["steps"]:
        assert Path(step["screenshot"]).is_file(), step["name"]
