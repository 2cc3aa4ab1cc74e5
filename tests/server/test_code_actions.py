"""The "Ignore CODE on this line" code action, end to end."""

from __future__ import annotations

import ast
from pathlib import Path

from lsp_session import (
    RecordingClient,
    apply_edit,
    change_document,
    codes_on_line,
    copy_workspace,
    initialize,
    line_of,
    open_document,
    uri,
    wait_for_diagnostics,
)
from lsprotocol import types

MODELS = Path("app/models.py")


async def _code_actions(
    client: RecordingClient, path: Path, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(path)),
            range=diagnostic.range,
            context=types.CodeActionContext(
                diagnostics=[diagnostic], only=[types.CodeActionKind.QuickFix]
            ),
        )
    )
    assert result is not None
    return [action for action in result if isinstance(action, types.CodeAction)]


async def _diagnostic_on(
    client: RecordingClient, path: Path, line: int, code: str
) -> types.Diagnostic:
    """Wait for the diagnostic ``code`` on ``line`` of ``path`` and return it."""
    found = await wait_for_diagnostics(
        client, path, lambda ds: code in codes_on_line(ds, line), code
    )
    return next(d for d in found if d.code == code and d.range.start.line == line)


def _ignore_action(actions: list[types.CodeAction], code: str) -> types.CodeAction:
    titles = [action.title for action in actions]
    matching = [a for a in actions if a.title == f"Ignore {code} on this line"]
    assert len(matching) == 1, f"code actions offered: {titles}"
    return matching[0]


def _edits(action: types.CodeAction, path: Path) -> list[types.TextEdit]:
    assert action.edit is not None
    assert action.edit.changes is not None
    return list(action.edit.changes[uri(path)])


async def test_ignore_action_removes_diagnostic(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    text = models.read_text(encoding="utf-8")
    line = line_of(text, "reviewer_note")
    await initialize(client, spec, root)
    open_document(client, models)
    diagnostic = await _diagnostic_on(client, models, line, "STW103")

    action = _ignore_action(await _code_actions(client, models, diagnostic), "STW103")
    edited = apply_edit(text, _edits(action, models))
    change_document(client, models, 2, edited)

    assert action.kind == types.CodeActionKind.QuickFix
    assert list(action.diagnostics or []) == [diagnostic]
    assert edited.splitlines()[line].endswith(
        "mapped_column(Text)  # steward: ignore[STW103]"
    )
    await wait_for_diagnostics(
        client,
        models,
        lambda ds: "STW103" not in codes_on_line(ds, line),
        "STW103 to be ignored",
    )


async def test_ignore_action_merges_existing_comment(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    original = models.read_text(encoding="utf-8")
    text = original.replace(
        "mapped_column(Text)\n", "mapped_column(Text)  # steward: ignore[STW999]\n"
    )
    line = line_of(text, "reviewer_note")
    await initialize(client, spec, root)
    open_document(client, models, text)
    diagnostic = await _diagnostic_on(client, models, line, "STW103")

    action = _ignore_action(await _code_actions(client, models, diagnostic), "STW103")
    edited = apply_edit(text, _edits(action, models))

    assert edited.splitlines()[line].endswith(
        "mapped_column(Text)  # steward: ignore[STW999, STW103]"
    )
    assert edited.count("# steward:") == text.count("# steward:")


async def test_ignore_action_after_continuation(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    text = models.read_text(encoding="utf-8").replace(
        "reviewer_note: Mapped[str | None] = mapped_column(Text)\n",
        "reviewer_note: Mapped[str | None] = \\\n        mapped_column(Text)\n",
    )
    line = line_of(text, "reviewer_note")
    await initialize(client, spec, root)
    open_document(client, models, text)
    diagnostic = await _diagnostic_on(client, models, line, "STW103")

    action = _ignore_action(await _code_actions(client, models, diagnostic), "STW103")
    edited = apply_edit(text, _edits(action, models))
    change_document(client, models, 2, edited)

    ast.parse(edited)
    assert edited.splitlines()[line].endswith("= \\")
    assert edited.splitlines()[line + 1].endswith(
        "mapped_column(Text)  # steward: ignore[STW103]"
    )
    await wait_for_diagnostics(
        client,
        models,
        lambda ds: "STW103" not in codes_on_line(ds, line),
        "STW103 to be ignored",
    )


async def test_ignore_action_once_per_line(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    text = models.read_text(encoding="utf-8")
    line = line_of(text, "reviewer_note")
    await initialize(client, spec, root)
    open_document(client, models)
    diagnostic = await _diagnostic_on(client, models, line, "STW103")
    twin = types.Diagnostic(
        range=diagnostic.range,
        message=f"{diagnostic.message} (second finding)",
        severity=diagnostic.severity,
        code=diagnostic.code,
        source=diagnostic.source,
    )

    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(models)),
            range=diagnostic.range,
            context=types.CodeActionContext(
                diagnostics=[diagnostic, twin], only=[types.CodeActionKind.QuickFix]
            ),
        )
    )

    assert result is not None
    actions = [a for a in result if isinstance(a, types.CodeAction)]
    action = _ignore_action(actions, "STW103")
    assert list(action.diagnostics or []) == [diagnostic, twin]


async def test_code_action_skips_foreign_diagnostics(
    client: RecordingClient, spec: str, tmp_path: Path
) -> None:
    root = copy_workspace("notary", tmp_path)
    models = root / MODELS
    await initialize(client, spec, root)
    open_document(client, models)
    foreign = types.Diagnostic(
        range=types.Range(
            start=types.Position(line=0, character=0),
            end=types.Position(line=0, character=4),
        ),
        message="unused import",
        source="ruff",
        code="F401",
    )

    actions = await _code_actions(client, models, foreign)

    assert actions == []
