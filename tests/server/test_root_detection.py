"""A workspace folder opened at Flask-Migrate's ``migrations/`` folder."""

from __future__ import annotations

from pathlib import Path

from lsp_session import (
    RecordingClient,
    codes,
    copy_workspace,
    initialize,
    open_document,
    wait_for,
    wait_for_diagnostics,
    wait_for_indexing,
)
from lsprotocol import types

REVISION = Path("migrations/versions/0001_initial.py")
MODELS = Path("blog/models.py")


def warnings(client: RecordingClient) -> list[str]:
    """Return the warning messages shown, without the note on the dialect.

    The fixture's alembic.ini has no URL, as Flask-Migrate writes it, so
    the server also shows an information message that the dialect is unknown.
    """
    return [
        message.message
        for message in client.messages
        if message.type == types.MessageType.Warning
    ]


async def test_root_at_migrations_finds_models(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    project = copy_workspace("flask_migrate", tmp_path)
    await initialize(client, spec, project / "migrations")
    await wait_for_indexing(client)

    open_document(client, project / REVISION)
    found = await wait_for_diagnostics(
        client, project / REVISION, lambda _: True, "diagnostics"
    )

    assert not {str(d.code) for d in found} & {"STW102", "STW107"}
    assert codes(client, project / MODELS) == set()
    assert warnings(client) == []


async def test_root_at_migrations_reports_model_drift(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    project = copy_workspace("flask_migrate", tmp_path)
    models = project / MODELS
    models.write_text(
        models.read_text(encoding="utf-8") + "    body = db.Column(db.Text)\n",
        encoding="utf-8",
    )
    await initialize(client, spec, project / "migrations")
    await wait_for_indexing(client)

    open_document(client, models)
    found = await wait_for_diagnostics(
        client, models, lambda ds: len(ds) > 0, "drift on the model"
    )

    assert {str(d.code) for d in found} == {"STW103"}
    assert "STW102" not in codes(client, project / REVISION)


async def test_tableless_models_show_one_message(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    project = copy_workspace("flask_migrate", tmp_path)
    (project / "pyproject.toml").write_text(
        '[tool.steward]\nmodels = ["blog/__init__.py"]\n', encoding="utf-8"
    )
    await initialize(client, spec, project / "migrations")
    await wait_for(
        client,
        types.WINDOW_SHOW_MESSAGE,
        lambda: len(warnings(client)) > 0,
        "a warning showMessage",
    )
    await wait_for_indexing(client)

    [problem] = warnings(client)
    assert "declare no table" in problem
    assert "[tool.steward] models" in problem
    assert not codes(client, project / REVISION) & {"STW102", "STW107"}
