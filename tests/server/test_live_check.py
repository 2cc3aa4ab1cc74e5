"""The live check (STW111) in the server: a database behind head, read-only.

The server reads the database named by the ``database_url_env`` variable of
its own environment. This module starts it with a variable of its own that
points to a SQLite file, built by Alembic in a subprocess one revision short
of head.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_lsp
from lsp_session import (
    CLIENTS,
    SERVER,
    initialize,
    open_document,
    uri,
    wait_for,
    wait_for_diagnostics,
)
from lsprotocol import types
from pytest_lsp import LanguageClient
from reference_project import copy_reference_project

REPO = Path(__file__).resolve().parents[2]

URL_VARIABLE = "STEWARD_TEST_LIVE_URL"
DATABASE_FOLDER = Path(tempfile.mkdtemp(prefix="steward-live-"))
DATABASE = DATABASE_FOLDER / "live.sqlite"
# A SQLite file in a folder that does not exist, so every read fails.
UNREACHABLE_VARIABLE = "STEWARD_TEST_UNREACHABLE_URL"
UNREACHABLE_URL = f"sqlite:///{DATABASE_FOLDER / 'missing' / 'live.sqlite'}"

LIVE_SERVER = pytest_lsp.ClientServerConfig(
    server_command=SERVER.server_command,
    client_factory=SERVER.client_factory,
    server_env={
        **(SERVER.server_env or {}),
        URL_VARIABLE: f"sqlite:///{DATABASE}",
        UNREACHABLE_VARIABLE: UNREACHABLE_URL,
    },
)


@pytest_lsp.fixture(config=LIVE_SERVER, params=CLIENTS)
async def live_client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def live_spec(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params["live_client"])


@pytest.fixture(scope="module", autouse=True)
def remove_database_folder() -> Iterator[None]:
    yield
    shutil.rmtree(DATABASE_FOLDER, ignore_errors=True)


def alembic(root: Path, *args: str) -> None:
    """Run Alembic's CLI on the copied project, whose alembic.ini names the file."""
    completed = subprocess.run(
        [sys.executable, "-m", "alembic", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def point_alembic_ini_at_database(root: Path) -> None:
    ini = root / "alembic.ini"
    lines = [
        f"sqlalchemy.url = sqlite:///{DATABASE}"
        if line.startswith("sqlalchemy.url")
        else line
        for line in ini.read_text(encoding="utf-8").splitlines()
    ]
    ini.write_text("\n".join(lines) + "\n", encoding="utf-8")


def head_revision_file(root: Path) -> tuple[Path, str]:
    """Return the head revision's file and id, read from the chain on disk."""
    versions = root / "migrations" / "versions"
    parents: dict[str, str | None] = {}
    files: dict[str, Path] = {}
    for path in versions.glob("*.py"):
        namespace: dict[str, object] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(("revision", "down_revision")) and "=" in line:
                name, _, value = line.partition("=")
                key = name.split(":")[0].strip()
                namespace[key] = value.strip().strip("'\"")
        revision = str(namespace["revision"])
        down = str(namespace["down_revision"])
        parents[revision] = None if down == "None" else down
        files[revision] = path
    children = {down for down in parents.values() if down}
    (head,) = set(parents) - children
    return files[head], head


async def test_live_database_behind_head(
    live_client: LanguageClient, live_spec: str, tmp_path: Path
) -> None:
    root = copy_reference_project(tmp_path)
    (root / "pyproject.toml").write_text(
        f'[tool.steward]\ndatabase_url_env = "{URL_VARIABLE}"\n', encoding="utf-8"
    )
    point_alembic_ini_at_database(root)
    DATABASE.unlink(missing_ok=True)
    alembic(root, "upgrade", "head-1")
    head_file, head = head_revision_file(root)

    await initialize(live_client, live_spec, root)
    open_document(live_client, head_file)

    found = await wait_for_diagnostics(
        live_client,
        head_file,
        lambda found: any(str(d.code) == "STW111" for d in found),
        "STW111 on the head revision",
    )
    live = [d for d in found if str(d.code) == "STW111"]
    assert len(live) == 1
    assert f"revision {head} " in live[0].message
    assert "is not applied to the live database" in live[0].message

    alembic(root, "upgrade", "head")
    live_client.text_document_did_save(
        types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri(head_file))
        )
    )

    cleared = await wait_for_diagnostics(
        live_client,
        head_file,
        lambda found: all(str(d.code) != "STW111" for d in found),
        "STW111 gone after the upgrade",
    )
    assert all(str(d.code) != "STW111" for d in cleared)


async def test_unreachable_database_one_message(
    live_client: LanguageClient, live_spec: str, tmp_path: Path
) -> None:
    # The defect example has three environments, all reading the one URL.
    root = tmp_path / "defects"
    shutil.copytree(REPO / "examples" / "defects", root)
    (root / "pyproject.toml").write_text(
        f'[tool.steward]\ndatabase_url_env = "{UNREACHABLE_VARIABLE}"\n',
        encoding="utf-8",
    )
    messages = live_client.messages

    def live_messages() -> list[str]:
        return [m.message for m in messages if "live database" in m.message]

    await initialize(live_client, live_spec, root)
    await wait_for(
        live_client,
        types.WINDOW_SHOW_MESSAGE,
        lambda: len(live_messages()) > 0,
        "the live-check problem",
    )
    # Messages sent with the first arrive before the response to a later request.
    await live_client.workspace_symbol_async(types.WorkspaceSymbolParams(query="x"))

    shown = live_messages()
    assert len(shown) == 1, shown
    for name in ("'migrations'", "'cycle/migrations'", "'postgres/migrations'"):
        assert name in shown[0]
    assert "--no-live" not in shown[0]
    assert f"start the editor without {UNREACHABLE_VARIABLE} set" in shown[0]
    assert "database_url_env setting" in shown[0]
