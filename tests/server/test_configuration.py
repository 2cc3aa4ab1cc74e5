"""Client settings: initializationOptions, workspace/configuration, changes."""

from __future__ import annotations

from pathlib import Path

from lsp_session import (
    RecordingClient,
    change_document,
    codes,
    copy_workspace,
    engine_findings,
    initialize,
    log_contains,
    open_document,
    supports_configuration,
    uri,
    wait_for,
    wait_for_diagnostics,
    wait_for_indexing,
)
from lsprotocol import types

MODELS = Path("app/models.py")
ANCHORS_REVISION = Path("migrations/versions/0002_create_anchors.py")


async def test_client_settings_apply_at_start(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    settings = {"ignore": ["STW103"]}
    assert "STW103" in {f.code for f in engine_findings(root, root / MODELS)}
    await initialize(client, spec, root, settings)

    await wait_for_indexing(client)

    expected = {f.code for f in engine_findings(root, root / MODELS, settings=settings)}
    assert "STW103" not in codes(client, root / MODELS)
    assert codes(client, root / MODELS) == expected
    assert "STW301" in codes(client, root / ANCHORS_REVISION)


async def test_unknown_client_keys_are_ignored(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    settings = {"trace": {"server": "verbose"}, "ignore": ["STW301"]}
    await initialize(client, spec, root, settings)

    await wait_for_indexing(client)

    assert "STW301" not in codes(client, root / ANCHORS_REVISION)
    assert client.messages == []


async def test_configuration_change_reanalyses(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    await initialize(client, spec, root)
    await wait_for_indexing(client)
    assert "STW103" in codes(client, models)

    settings = {"ignore": ["STW103"]}
    if supports_configuration(spec):
        client.set_configuration(settings, section="steward")
        pushed: object = None
    else:
        pushed = {"steward": settings}
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=pushed)
    )

    await wait_for_diagnostics(
        client,
        models,
        lambda ds: "STW103" not in {str(d.code) for d in ds},
        "STW103 to be ignored after the change",
    )


async def test_invalid_client_setting_shows_message(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    await initialize(client, spec, root, {"allowed_heads": "two"})

    await wait_for_indexing(client)

    assert len(client.messages) == 1
    assert "allowed_heads" in client.messages[0].message
    assert "STW301" in codes(client, root / ANCHORS_REVISION)


async def test_invalid_toml_keeps_last_settings(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text('[tool.steward]\nignore = ["STW103"]\n', encoding="utf-8")
    await initialize(client, spec, root)
    await wait_for_indexing(client)
    assert "STW103" not in codes(client, root / MODELS)
    assert "STW301" in codes(client, root / ANCHORS_REVISION)

    pyproject.write_text('[tool.steward\nignore = ["STW103"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=uri(pyproject), type=types.FileChangeType.Changed)
            ]
        )
    )
    await wait_for(
        client,
        types.WINDOW_SHOW_MESSAGE,
        lambda: len(client.messages) > 0,
        "a showMessage",
    )

    assert len(client.messages) == 1
    assert f"{pyproject}:1:" in client.messages[0].message
    assert "the last valid settings apply" in client.messages[0].message
    assert "STW103" not in codes(client, root / MODELS)
    assert "STW301" in codes(client, root / ANCHORS_REVISION)


async def test_unknown_dialect_shown_once(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    ini_file = root / "alembic.ini"
    ini_file.write_text(
        ini_file.read_text(encoding="utf-8").replace(
            "sqlite:///%(here)s/notary.sqlite3", "driver://user:pass@localhost/dbname"
        ),
        encoding="utf-8",
    )
    models = root / MODELS
    await initialize(client, spec, root)
    await wait_for_indexing(client)
    analysed = f"analysed {root}:"

    open_document(client, models)
    change_document(client, models, 2, models.read_text(encoding="utf-8") + "\n")
    await wait_for(
        client,
        types.WINDOW_LOG_MESSAGE,
        lambda: sum(analysed in m.message for m in client.log_messages) >= 3,
        "three analyses (indexing, open, change)",
    )

    assert len(client.messages) == 1
    assert client.messages[0].type == types.MessageType.Info
    assert (
        "dialect of environment 'migrations' is unknown" in client.messages[0].message
    )
    assert 'dialect = "postgresql"' in client.messages[0].message
    assert log_contains(client, "configuration note")


async def test_invalid_setting_values_shown_each(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text('[tool.steward]\ndialect = "postgres"\n', encoding="utf-8")
    settings = {"ignore": ["STW999"], "perFileIgnores": {"app/*": "STW103"}}
    await initialize(client, spec, root, settings)

    await wait_for_indexing(client)

    messages = [m.message for m in client.messages]
    assert len(messages) == 3, messages
    assert all(m.type == types.MessageType.Warning for m in client.messages)
    dialect = [m for m in messages if "'dialect' is 'postgres'" in m]
    assert len(dialect) == 1, messages
    assert str(pyproject) in dialect[0]
    assert 'write "postgresql"' in dialect[0]
    assert any("'STW999' matches no rule code" in m for m in messages), messages
    assert any('write ["STW103"]' in m for m in messages), messages
    assert "STW103" in codes(client, root / MODELS)
