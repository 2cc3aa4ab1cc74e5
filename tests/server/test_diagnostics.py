"""Diagnostics over stdio: publishing, updates, broken input, positions."""

from __future__ import annotations

from pathlib import Path

from lsp_session import (
    RecordingClient,
    change_document,
    codes,
    codes_on_line,
    copy_workspace,
    diagnostics,
    engine_findings,
    initialize,
    line_of,
    log_contains,
    missing_columns,
    open_document,
    uri,
    utf16_length,
    wait_for,
    wait_for_diagnostics,
    wait_for_indexing,
    with_line_after,
)
from lsprotocol import types

from steward_lsp.engine.rules_catalogue import RULES

MODELS = Path("app/models.py")
ANCHORS_REVISION = Path("migrations/versions/0002_create_anchors.py")
NEW_COLUMN = "    summary: Mapped[str | None] = mapped_column(Text)\n"
REVIEWER_LINE = "    reviewer_note: Mapped[str | None] = mapped_column(Text)\n"


async def test_open_model_publishes_engine_findings(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    text = models.read_text(encoding="utf-8")
    reviewer = line_of(text, "reviewer_note")
    await initialize(client, spec, root)

    # NOTE: the time from didOpen to diagnostics is measured by
    # benchmarks/lsp_latency.py, not asserted here, so that a loaded CI
    # machine cannot fail this test.
    open_document(client, models)
    found = await wait_for_diagnostics(
        client,
        models,
        lambda ds: "STW103" in codes_on_line(ds, reviewer),
        "STW103 on the reviewer_note column",
    )

    expected = {
        (f.code, f.location.span.start_line) for f in engine_findings(root, models)
    }
    assert {(str(d.code), d.range.start.line) for d in found} == expected


async def test_edit_adding_column_updates(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    text = models.read_text(encoding="utf-8")
    await initialize(client, spec, root)
    open_document(client, models)
    await wait_for_diagnostics(
        client,
        models,
        lambda ds: "STW103" in codes_on_line(ds, line_of(text, "reviewer_note")),
        "the first STW103",
    )

    added = with_line_after(text, "String(200))\n", NEW_COLUMN)
    change_document(client, models, 2, added)

    # The summary column takes the line reviewer_note had, so only both
    # findings together show that the edit was analysed.
    found = await wait_for_diagnostics(
        client,
        models,
        lambda ds: missing_columns(ds, added) == {"summary", "reviewer_note"},
        "STW103 on the summary and the moved reviewer_note columns",
    )
    expected = engine_findings(root, models, {models: added})
    assert {(str(d.code), d.range.start.line) for d in found} == {
        (f.code, f.location.span.start_line) for f in expected
    }


async def test_edit_removing_column_updates(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    text = models.read_text(encoding="utf-8")
    await initialize(client, spec, root)
    open_document(client, models)
    await wait_for_diagnostics(
        client, models, lambda ds: "STW103" in codes(client, models), "the first STW103"
    )

    removed = text.replace(REVIEWER_LINE, "")
    change_document(client, models, 2, removed)

    found = await wait_for_diagnostics(
        client,
        models,
        lambda ds: "STW103" not in {str(d.code) for d in ds},
        "STW103 to go away",
    )
    expected = {
        (f.code, f.location.span.start_line)
        for f in engine_findings(root, models, {models: removed})
    }
    assert {(str(d.code), d.range.start.line) for d in found} == expected


async def test_burst_of_edits_publishes_latest(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    text = models.read_text(encoding="utf-8")
    await initialize(client, spec, root)
    await wait_for_indexing(client)
    open_document(client, models)

    final = with_line_after(text, "String(200))\n", NEW_COLUMN)
    for version in range(2, 6):
        change_document(client, models, version, text + f"# edit {version}\n")
    change_document(client, models, 6, final)

    await wait_for(
        client,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
        lambda: any(p.uri == uri(models) and p.version == 6 for p in client.publishes),
        "a publish of version 6",
    )
    # On a loaded machine the debounce may expire between two changes, so an
    # intermediate version can be published; an older one after a newer one
    # never may, and the burst must end on the last version.
    versions = [
        p.version
        for p in client.publishes
        if p.uri == uri(models) and p.version is not None
    ]
    assert versions == sorted(versions), f"versions out of order: {versions}"
    assert versions[-1] == 6
    assert len(versions) < 6, f"every version was published: {versions}"
    assert missing_columns(diagnostics(client, models), final) == {
        "summary",
        "reviewer_note",
    }


async def test_syntax_error_keeps_other_files(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    revision = root / ANCHORS_REVISION
    text = models.read_text(encoding="utf-8")
    await initialize(client, spec, root)
    await wait_for_indexing(client)
    revision_before = list(diagnostics(client, revision))
    assert "STW301" in {str(d.code) for d in revision_before}
    open_document(client, models)

    change_document(client, models, 2, text + "\nclass Broken(:\n")
    await wait_for_diagnostics(
        client,
        models,
        lambda ds: "STW001" in {str(d.code) for d in ds},
        "STW001 for the syntax error",
    )

    assert list(diagnostics(client, revision)) == revision_before
    fixed = with_line_after(text, "String(200))\n", NEW_COLUMN)
    change_document(client, models, 3, fixed)
    found = await wait_for_diagnostics(
        client,
        models,
        lambda ds: missing_columns(ds, fixed) == {"summary", "reviewer_note"},
        "diagnostics of the repaired file",
    )
    assert "STW001" not in {str(d.code) for d in found}


async def test_non_utf8_file_on_disk(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    broken = root / "migrations/versions/0003_latin1.py"
    broken.write_bytes(
        b"# r\xe9vision \xe9crite en Latin-1\n"
        b'revision = "0003"\ndown_revision = "0002"\n'
    )
    await initialize(client, spec, root)

    await wait_for_indexing(client)

    assert "STW001" in codes(client, broken)
    assert "STW301" in codes(client, root / ANCHORS_REVISION)


async def test_workspace_without_alembic_ini(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("no_alembic", tmp_path)
    models = root / MODELS
    await initialize(client, spec, root)
    await wait_for(
        client,
        types.WINDOW_SHOW_MESSAGE,
        lambda: len(client.messages) > 0,
        "a showMessage",
    )
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
    assert client.messages[0].type == types.MessageType.Warning
    assert "alembic.ini" in client.messages[0].message
    assert log_contains(client, "configuration problem")


async def test_diagnostic_fields(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    await initialize(client, spec, root)
    await wait_for_indexing(client)

    published = [d for found in client.diagnostics.values() for d in found]
    assert published, "no diagnostics were published"
    for diagnostic in published:
        code = str(diagnostic.code)
        assert code in RULES
        assert diagnostic.source == "steward"
        assert diagnostic.code_description is not None
        assert diagnostic.code_description.href == RULES[code].doc_url
        assert diagnostic.severity is not None
        assert isinstance(diagnostic.data, dict)
        assert diagnostic.data["code"] == code


async def test_related_information_matches_engine(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    await initialize(client, spec, root)
    await wait_for_indexing(client)

    with_related = [f for f in engine_findings(root, models) if f.related]
    assert with_related, "the fixture should have a finding with related locations"
    by_position = {
        (str(d.code), d.range.start.line): d for d in diagnostics(client, models)
    }
    for finding in with_related:
        diagnostic = by_position[(finding.code, finding.location.span.start_line)]
        assert diagnostic.related_information is not None
        related = [
            (r.location.uri, r.location.range.start.line, r.message)
            for r in diagnostic.related_information
        ]
        assert related == [
            (uri(r.location.path), r.location.span.start_line, r.message)
            for r in finding.related
        ]


async def test_utf16_columns_after_non_ascii(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    wide_line = (
        '    label = "Überschrift 😀"; '
        "extra_note: Mapped[str | None] = mapped_column(Text)\n"
    )
    text = with_line_after(
        models.read_text(encoding="utf-8"), "String(200))\n", wide_line
    )
    line = line_of(text, "extra_note")
    source_line = text.splitlines()[line]
    expected = [
        f
        for f in engine_findings(root, models, {models: text})
        if f.location.span.start_line == line
    ]
    assert expected, "the engine should report the extra_note column"
    assert any(not source_line[: f.location.span.start_col].isascii() for f in expected)
    await initialize(client, spec, root)

    open_document(client, models, text)
    found = await wait_for_diagnostics(
        client,
        models,
        lambda ds: codes_on_line(ds, line) >= {f.code for f in expected},
        "findings on the non-ASCII line",
    )

    for finding in expected:
        span = finding.location.span
        diagnostic = next(
            d
            for d in found
            if str(d.code) == finding.code and d.range.start.line == line
        )
        assert diagnostic.range.start.character == utf16_length(
            source_line[: span.start_col]
        )
        if span.end_line == line:
            assert diagnostic.range.end.character == utf16_length(
                source_line[: span.end_col]
            )
