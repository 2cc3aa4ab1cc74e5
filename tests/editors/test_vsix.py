"""The packaged extension carries a wheel of this repository's steward-lsp.

steward-lsp is not on PyPI, so the extension's "Install steward-lsp" offer
runs ``<interpreter> -m pip install <extension>/bundled/<wheel>``. These tests
open ``build/steward-lsp.vsix`` (a zip), compare the wheel in it with the
package in the repository, and install that wheel into a fresh venv with no
package index.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest
from editor_support import REPO, bundled_wheel, vsix_path
from packaging.requirements import Requirement

import steward_lsp

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PACKAGE = REPO / "steward_lsp"
REBUILD = "the .vsix is older than the source; run npm run package in vscode-client"
PIP_TIMEOUT_SECONDS = 120


@pytest.fixture(scope="module")
def packaged_wheel() -> tuple[str, bytes]:
    """Return the name and content of the one wheel in the .vsix."""
    return bundled_wheel(vsix_path())


def wheel_metadata(wheel: zipfile.ZipFile) -> Message:
    [name] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return Parser().parsestr(wheel.read(name).decode("utf-8"))


def project_table() -> dict[str, object]:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    project: dict[str, object] = pyproject["project"]
    return project


def test_wheel_version_is_package_version(packaged_wheel: tuple[str, bytes]) -> None:
    name, content = packaged_wheel
    project = project_table()

    with zipfile.ZipFile(io.BytesIO(content)) as wheel:
        metadata = wheel_metadata(wheel)

    assert project["version"] == steward_lsp.__version__
    assert metadata["Name"] == project["name"]
    assert metadata["Version"] == steward_lsp.__version__, REBUILD
    assert name == f"steward_lsp-{steward_lsp.__version__}-py3-none-any.whl"


def test_wheel_declares_project_dependencies(
    packaged_wheel: tuple[str, bytes],
) -> None:
    _, content = packaged_wheel
    declared = project_table()["dependencies"]
    assert isinstance(declared, list)

    with zipfile.ZipFile(io.BytesIO(content)) as wheel:
        required = wheel_metadata(wheel).get_all("Requires-Dist") or []

    # The test extra's requirements carry an `extra == "test"` marker.
    runtime = {str(Requirement(r)) for r in required if "extra ==" not in r}
    assert runtime == {str(Requirement(r)) for r in declared}, REBUILD


def test_wheel_contains_every_package_file(
    packaged_wheel: tuple[str, bytes],
) -> None:
    _, content = packaged_wheel
    on_disk = {
        path.relative_to(REPO).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }

    with zipfile.ZipFile(io.BytesIO(content)) as wheel:
        packaged = {n for n in wheel.namelist() if n.startswith("steward_lsp/")}

    # A file only in the wheel is a stale copy from an earlier build.
    assert packaged == on_disk, REBUILD


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT_SECONDS,
    )


def test_wheel_installs_without_index(
    packaged_wheel: tuple[str, bytes], tmp_path: Path
) -> None:
    name, content = packaged_wheel
    wheel = tmp_path / name
    wheel.write_bytes(content)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    where = "import steward_lsp; print(steward_lsp.__file__)"
    # The extension's check before its offer: steward_lsp does not import.
    assert run([python, "-c", where], tmp_path).returncode != 0

    # --no-index: pip fails rather than fetch anything. --no-deps: the
    # dependencies, which the offer takes from PyPI, are left out here.
    installed = run(
        [python, "-m", "pip", "install", "--no-index", "--no-deps", str(wheel)],
        tmp_path,
    )
    version = run([python, "-m", "steward_lsp", "--version"], tmp_path)
    location = run([python, "-c", where], tmp_path)

    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"steward {steward_lsp.__version__}"
    assert Path(location.stdout.strip()).is_relative_to(venv), location.stdout
