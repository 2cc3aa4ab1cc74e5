"""Changes on disk: watcher registration and didChangeWatchedFiles."""

from __future__ import annotations

from pathlib import Path

from lsp_session import (
    RecordingClient,
    codes,
    copy_workspace,
    initialize,
    uri,
    wait_for_diagnostics,
    wait_for_indexing,
)
from lsprotocol import types
from pytest_lsp import client_capabilities

ANCHORS_REVISION = Path("migrations/versions/0002_create_anchors.py")
NEW_REVISION = '''"""add note"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.add_column("documents", sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    pass
'''


def _watches_dynamically(spec: str) -> bool:
    workspace = client_capabilities(spec).workspace
    watched = workspace.did_change_watched_files if workspace else None
    return bool(watched and watched.dynamic_registration)


async def test_watchers_registered_when_supported(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    await initialize(client, spec, root)

    await wait_for_indexing(client)

    methods = [r.method for r in client.registrations]
    if not _watches_dynamically(spec):
        assert methods == []
        return
    assert methods == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    options = client.registrations[0].register_options
    globs = [watcher["globPattern"] for watcher in options["watchers"]]
    assert globs == ["**/*.py", "**/alembic.ini", "**/pyproject.toml"]


async def test_changed_file_on_disk_reanalysed(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    revision = root / ANCHORS_REVISION
    await initialize(client, spec, root)
    await wait_for_indexing(client)
    assert "STW301" in codes(client, revision)

    text = revision.read_text(encoding="utf-8")
    revision.write_text(
        text.replace("    pass\n", '    op.drop_table("anchors")\n'), encoding="utf-8"
    )
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=uri(revision), type=types.FileChangeType.Changed)
            ]
        )
    )

    await wait_for_diagnostics(
        client,
        revision,
        lambda ds: "STW301" not in {str(d.code) for d in ds},
        "STW301 to go away",
    )


async def test_created_revision_is_discovered(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    created = root / "migrations/versions/0003_add_note.py"
    await initialize(client, spec, root)
    await wait_for_indexing(client)

    created.write_text(NEW_REVISION, encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=uri(created), type=types.FileChangeType.Created)
            ]
        )
    )

    await wait_for_diagnostics(
        client,
        created,
        lambda ds: "STW301" in {str(d.code) for d in ds},
        "STW301 in the new revision",
    )
