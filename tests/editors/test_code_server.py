"""A real VS Code (code-server in headless Chromium) with the packaged extension.

The fixtures install ``build/steward-lsp.vsix`` into a fresh profile and run
the driver once on a copy of the defect example. The driver checks that the
Problems panel lists steward's findings, applies the "Ignore CODE on this
line" quick fix and waits until its diagnostic is gone. It then runs "Steward:
Write Data Model Diagram and Integrity Notes" from the command palette, and
saves the model file after an edit so that ``editor.codeActionsOnSave`` adds
``index=True`` to a column that STW201 or STW202 reports. Each test checks
one part of that run. One screenshot per step lands in ``build/screenshots/``.

A second run opens a workspace whose ``steward.interpreter`` is a fresh venv
without steward_lsp and accepts the extension's offer to install the wheel
that the .vsix carries.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from editor_support import (
    MODEL_FILE,
    REPO,
    EditorRun,
    bundled_wheel,
    copy_example,
    model_lines,
    require,
    require_program,
    server_interpreter,
    vsix_path,
)

import steward_lsp
from steward_lsp.engine.generate.output import content_digest, mark_line

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "code_server_driver.js"
SCREENSHOTS = REPO / "build" / "screenshots"
INSTALL_SCREENSHOTS = SCREENSHOTS / "install-offer"
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
PIP_TIMEOUT_SECONDS = 300
IMPORT_CHECK = (
    "import steward_lsp; print(steward_lsp.__version__, steward_lsp.__file__)"
)
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
    # Ctrl+S applies every safe steward fix of the file.
    "editor.codeActionsOnSave": {"source.fixAll.steward": "explicit"},
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


@pytest.fixture(scope="module")
def code_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CodeServer]:
    """Start code-server on a fresh profile with the packaged extension."""
    program = code_server_program()
    vsix = vsix_path()
    folder = tmp_path_factory.mktemp("code-server")
    profile = folder / "profile"
    make_profile(profile, server_interpreter())
    install_extension(program, profile, vsix)

    log = folder / "code-server.log"
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


def run_driver(
    server: CodeServer,
    workspace: Path,
    result: Path,
    scenario: str | None = None,
    screenshots: Path = SCREENSHOTS,
) -> dict[str, Any]:
    """Run the Playwright driver against ``server``; return its result."""
    node = require_program("node")
    chromium = require_program("chromium", "CHROMIUM")
    playwright = HERE / "node_modules" / "playwright-core"
    require("playwright-core (npm ci in tests/editors)", playwright.is_dir())
    shutil.rmtree(screenshots, ignore_errors=True)
    env = {
        **os.environ,
        "STEWARD_URL": f"{server.url}/?folder={workspace}",
        "STEWARD_WORKSPACE": str(workspace),
        "STEWARD_FILE": MODEL_FILE,
        "STEWARD_SCREENSHOTS": str(screenshots),
        "STEWARD_RESULT": str(result),
        "CHROMIUM": chromium,
    }
    if scenario:
        env["STEWARD_SCENARIO"] = scenario
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


@pytest.fixture(scope="module")
def driver_run(
    code_server: CodeServer, tmp_path_factory: pytest.TempPathFactory
) -> EditorRun:
    """Run the driver once; the tests below check its steps."""
    folder = tmp_path_factory.mktemp("driver")
    workspace = copy_example(folder)
    original = model_lines(workspace)
    outcome = run_driver(code_server, workspace, folder / "driver.json")
    return EditorRun(workspace, original, outcome)


def venv_without_steward(folder: Path, wheel: Path) -> str:
    """Create a venv in ``folder`` with the dependencies of ``wheel`` only.

    Return its python. The wheel is installed to fetch the dependencies and
    uninstalled again, so the install offer's pip needs no package index.
    """
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = str(folder / "bin" / "python")
    for command in (["install", str(wheel)], ["uninstall", "--yes", "steward-lsp"]):
        completed = subprocess.run(
            [python, "-m", "pip", "--disable-pip-version-check", *command],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=PIP_TIMEOUT_SECONDS,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
    return python


@pytest.fixture(scope="module")
def install_offer_run(
    code_server: CodeServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[EditorRun, str]:
    """Accept the install offer in a workspace whose interpreter lacks steward_lsp.

    Return the run and the workspace's interpreter.
    """
    folder = tmp_path_factory.mktemp("install-offer")
    name, content = bundled_wheel(vsix_path())
    wheel = folder / name
    wheel.write_bytes(content)
    python = venv_without_steward(folder / "venv", wheel)
    workspace = copy_example(folder)
    # A folder setting takes precedence over the profile's steward.interpreter.
    (workspace / ".vscode").mkdir()
    (workspace / ".vscode" / "settings.json").write_text(
        json.dumps({"steward.interpreter": python}), encoding="utf-8"
    )
    # Not run in the repository root, because ``python -c`` imports
    # steward_lsp from the current folder first.
    before = subprocess.run(
        [python, "-c", IMPORT_CHECK], cwd=folder, capture_output=True
    )
    assert before.returncode != 0, "steward_lsp imports before the install offer"

    outcome = run_driver(
        code_server,
        workspace,
        folder / "driver.json",
        scenario="install-offer",
        screenshots=INSTALL_SCREENSHOTS,
    )
    return EditorRun(workspace, model_lines(workspace), outcome), python


def test_code_server_quick_fix_clears_problem(driver_run: EditorRun) -> None:
    steps = driver_run.steps
    detail = driver_run.detail()

    assert "05-after-quick-fix" in steps, detail
    problems = steps["03-problems-panel"]
    assert problems["markers"], "the Problems panel lists no steward finding"
    target = steps["04-quick-fix-menu"]["target"]
    title = f"Ignore {target['code']} on this line"
    assert title in steps["04-quick-fix-menu"]["actions"]
    # The fix-on-save edit later adds a blank first line, moving the line down.
    shift = 1 if "08-edited-before-save" in steps else 0
    saved = driver_run.saved_lines()[target["line"] - 1 + shift]
    assert saved.endswith(f"# steward: ignore[{target['code']}]")
    assert steps["05-after-quick-fix"]["total"] == problems["total"] - 1, detail


def test_code_server_palette_command_writes_file(driver_run: EditorRun) -> None:
    steps = driver_run.steps
    diagram = driver_run.workspace / "docs" / "data-model.mmd"

    assert "07-generated-file" in steps, driver_run.detail()
    palette = steps["06-command-palette"]["commands"]
    assert any(
        label.startswith("Steward: Write Data Model Diagram") for label in palette
    ), palette
    assert diagram.is_file()
    first_line, body = diagram.read_text(encoding="utf-8").split("\n", 1)
    assert first_line == mark_line(diagram, "model-state", content_digest(body))
    assert steps["07-generated-file"]["firstLine"] == first_line


def test_code_server_fix_on_save_adds_index(driver_run: EditorRun) -> None:
    steps = driver_run.steps
    detail = driver_run.detail()

    assert "09-fixed-on-save" in steps, detail
    target = steps["08-edited-before-save"]["target"]
    assert target["code"] in {"STW201", "STW202"}
    # The edit before the save was a blank first line.
    original = driver_run.original_lines[target["line"] - 2]
    assert "index=True" not in original
    assert steps["08-edited-before-save"]["before"] == original
    saved = driver_run.saved_lines()
    assert saved[0] == ""
    assert "index=True" in saved[target["line"] - 1], detail
    assert steps["09-fixed-on-save"]["saved"] == saved[target["line"] - 1]
    # The driver filtered the Problems panel down to the target's code.
    moved = f"{target['code']} [Ln {target['line']}, Col {target['column']}]"
    before = steps["08-edited-before-save"]["rows"]
    assert any(moved in row for row in before), before
    after = steps["09-fixed-on-save"]["rows"]
    assert not any(moved in row for row in after), after
    assert steps["09-fixed-on-save"]["total"] > 0, "every finding went away"


def test_code_server_screenshot_per_step(driver_run: EditorRun) -> None:
    assert driver_run.outcome.get("error") is None, driver_run.detail()
    assert driver_run.outcome["exit_code"] == 0
    for step in driver_run.outcome["steps"]:
        assert Path(step["screenshot"]).is_file(), step["name"]


def test_code_server_install_offer_installs_wheel(
    install_offer_run: tuple[EditorRun, str],
) -> None:
    run, python = install_offer_run
    steps = run.steps
    detail = run.detail()

    assert "01-install-offer" in steps, detail
    assert "Install steward-lsp" in steps["01-install-offer"]["buttons"], detail
    assert "steward_lsp-" in steps["01-install-offer"]["message"], detail
    assert "02-diagnostics-after-install" in steps, detail
    assert run.outcome.get("error") is None, detail
    installed = subprocess.run(
        [python, "-c", IMPORT_CHECK],
        cwd=run.workspace,
        capture_output=True,
        text=True,
        check=True,
    )
    version, location = installed.stdout.split()
    assert version == steward_lsp.__version__
    assert Path(location).is_relative_to(Path(python).parent.parent)
