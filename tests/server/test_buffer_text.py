"""Buffer text that no file on disk can hold, as a client may send it."""

from __future__ import annotations

from pathlib import Path

from lsp_session import (
    RecordingClient,
    change_document,
    copy_workspace,
    diagnostics,
    initialize,
    open_document,
    wait_for_diagnostics,
    wait_for_indexing,
)

MODELS = Path("app/models.py")
ANCHORS_REVISION = Path("migrations/versions/0002_create_anchors.py")


async def test_lone_surrogate_reports_syntax_error(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    # JSON can carry "\udcff" alone, but compile() cannot encode it to UTF-8.
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    revision = root / ANCHORS_REVISION
    text = models.read_text(encoding="utf-8")
    await initialize(client, spec, root)
    await wait_for_indexing(client)
    revision_before = list(diagnostics(client, revision))
    assert revision_before
    open_document(client, models)

    change_document(client, models, 2, text + "\nbroken = \udcff\n")
    found = await wait_for_diagnostics(
        client,
        models,
        lambda ds: "STW001" in {str(d.code) for d in ds},
        "STW001 for the lone surrogate",
    )

    stw001 = next(d for d in found if str(d.code) == "STW001")
    assert stw001.range.start.line == len(text.splitlines()) + 1
    assert list(diagnostics(client, revision)) == revision_before
