"""Generated files edited by hand, and unchanged ones: the CLI and the server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient
from state_docs import (
    client,  # noqa: F401 - the language-server fixture
    copy_reference,
    execute_generator,
    steward,
)

from steward_lsp.engine.generate.output import (
    MARK,
    content_digest,
    is_current,
    is_edited,
    mark_line,
    with_mark,
)

COMMAND = "model-state"
NOTES = Path("docs/integrity-notes.md")
DIAGRAM = Path("docs/data-model.mmd")
OLD_MTIME_NS = 1_000_000_000 * 1_000_000_000


def _written(root: Path) -> Path:
    completed = steward(COMMAND, ".", cwd=root)
    assert completed.returncode == 0, completed.stderr
    return root


def _edit(path: Path) -> str:
    edited = path.read_text(encoding="utf-8") + "\nMy own note about the ledger.\n"
    path.write_text(edited, encoding="utf-8")
    return edited


def _age(*paths: Path) -> None:
    """Set an old mtime, so that a rewrite shows even within one clock tick."""
    for path in paths:
        os.utime(path, ns=(OLD_MTIME_NS, OLD_MTIME_NS))


def _strip_digest(path: Path) -> None:
    """Rewrite the mark line of ``path`` as steward wrote it before digests."""
    first, rest = path.read_text(encoding="utf-8").split("\n", 1)
    assert "sha256:" in first
    path.write_text(f"{mark_line(path, COMMAND)}\n{rest}", encoding="utf-8")


@pytest.mark.parametrize(
    ("suffix", "comment"),
    [(".md", "<!-- "), (".mmd", "%% "), (".sql", "-- "), (".py", "# ")],
)
def test_mark_records_digest(suffix: str, comment: str, tmp_path: Path) -> None:
    path = tmp_path / f"report{suffix}"
    body = "first line\nsecond line"
    text = with_mark(path, COMMAND, body).text
    first, rest = text.split("\n", 1)

    assert first.startswith(f"{comment}{MARK} {COMMAND};")
    assert f"sha256:{content_digest(rest)}" in first
    assert rest == body + "\n"
    assert not is_edited(text)
    assert not is_edited(text.replace("\n", "\r\n"))
    assert is_edited(text.replace("second", "2nd"))
    assert is_edited("extra line above\n" + text)
    assert not is_edited(mark_line(path, COMMAND) + "\nedited body\n")
    if suffix == ".py":
        compile(text.replace("first line\nsecond line", "x = 1"), "report.py", "exec")


def test_cli_rejects_edited_file(tmp_path: Path) -> None:
    root = _written(copy_reference(tmp_path))
    edited = _edit(root / NOTES)
    _age(root / DIAGRAM)

    rejected = steward(COMMAND, ".", cwd=root)

    assert rejected.returncode == 2
    assert f"{root / NOTES} was edited after steward wrote it" in rejected.stderr
    assert "--overwrite-edited" in rejected.stderr
    assert f"delete {NOTES.name}" in rejected.stderr
    assert (root / NOTES).read_text(encoding="utf-8") == edited
    assert (root / DIAGRAM).stat().st_mtime_ns == OLD_MTIME_NS


def test_cli_overwrite_edited_replaces_edits(tmp_path: Path) -> None:
    root = _written(copy_reference(tmp_path))
    original = (root / NOTES).read_text(encoding="utf-8")
    _edit(root / NOTES)

    replaced = steward(COMMAND, "--overwrite-edited", ".", cwd=root)

    assert replaced.returncode == 0, replaced.stderr
    assert f"wrote {NOTES}" in replaced.stdout
    assert f"unchanged {DIAGRAM}" in replaced.stdout
    assert (root / NOTES).read_text(encoding="utf-8") == original


def test_cli_check_reports_edited_file(tmp_path: Path) -> None:
    root = _written(copy_reference(tmp_path))
    edited = _edit(root / NOTES)

    checked = steward(COMMAND, "--check", ".", cwd=root)

    assert checked.returncode == 2
    assert "was edited after steward wrote it" in checked.stderr
    assert (root / NOTES).read_text(encoding="utf-8") == edited


def test_cli_leaves_unchanged_files(tmp_path: Path) -> None:
    root = _written(copy_reference(tmp_path))
    _age(root / NOTES, root / DIAGRAM)

    again = steward(COMMAND, ".", cwd=root)

    assert again.returncode == 0, again.stderr
    assert f"unchanged {DIAGRAM}" in again.stdout
    assert f"unchanged {NOTES}" in again.stdout
    assert "wrote" not in again.stdout
    assert "wrote 0 file(s), 2 unchanged" in again.stderr
    assert (root / NOTES).stat().st_mtime_ns == OLD_MTIME_NS
    assert (root / DIAGRAM).stat().st_mtime_ns == OLD_MTIME_NS


def test_cli_file_without_digest_is_current(tmp_path: Path) -> None:
    root = _written(copy_reference(tmp_path))
    _strip_digest(root / NOTES)

    checked = steward(COMMAND, "--check", ".", cwd=root)

    assert checked.returncode == 0, checked.stderr
    _edit(root / NOTES)
    stale = steward(COMMAND, "--check", ".", cwd=root)
    assert stale.returncode == 1, stale.stderr
    assert f"{NOTES} is out of date" in stale.stderr
    rewritten = steward(COMMAND, ".", cwd=root)
    assert rewritten.returncode == 0, rewritten.stderr
    assert f"wrote {NOTES}" in rewritten.stdout
    assert not is_edited((root / NOTES).read_text(encoding="utf-8"))
    assert "sha256:" in (root / NOTES).read_text(encoding="utf-8").split("\n")[0]


def test_check_ignores_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    file = with_mark(path, COMMAND, "# Notes\n")
    path.write_bytes(file.text.replace("\n", "\r\n").encode("utf-8"))

    assert is_current(file)
    path.write_text(file.text.replace("Notes", "Notes!"), encoding="utf-8")
    assert not is_current(file)


async def test_server_rejects_edited_file(
    client: LanguageClient,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    root = _written(copy_reference(tmp_path))
    edited = _edit(root / NOTES)

    result = await execute_generator(client, root, "steward.modelState")

    assert "error" in result, result
    assert f"{root / NOTES} was edited after steward wrote it" in result["error"]
    assert "overwrite_edited" in result["error"]
    assert (root / NOTES).read_text(encoding="utf-8") == edited


async def test_server_overwrite_edited_option(
    client: LanguageClient,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    root = _written(copy_reference(tmp_path))
    original = (root / NOTES).read_text(encoding="utf-8")
    _edit(root / NOTES)

    result = await execute_generator(
        client, root, "steward.modelState", {"overwrite_edited": True}
    )

    assert "error" not in result, result
    assert result["written"] == [from_fs_path(str(root / NOTES))]
    assert result["unchanged"] == [from_fs_path(str(root / DIAGRAM))]
    assert (root / NOTES).read_text(encoding="utf-8") == original


async def test_server_leaves_unchanged_files(
    client: LanguageClient,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    root = _written(copy_reference(tmp_path))
    _age(root / NOTES, root / DIAGRAM)

    result = await execute_generator(client, root, "steward.modelState")

    assert "error" not in result, result
    assert result["written"] == []
    assert sorted(result["unchanged"]) == sorted(
        [from_fs_path(str(root / DIAGRAM)), from_fs_path(str(root / NOTES))]
    )
    assert (root / NOTES).stat().st_mtime_ns == OLD_MTIME_NS
    assert (root / DIAGRAM).stat().st_mtime_ns == OLD_MTIME_NS


@pytest.mark.parametrize(
    "text",
    [
        # Hand-written text that mentions the words of the mark.
        "# Integrity notes\n\nWritten by hand; only data-model.mmd is "
        "generated by steward.\n",
        # A mark line of the wrong form.
        "my notes\n<!-- generated by steward model-state -->\n",
    ],
)
def test_cli_rejects_mark_words_in_hand_file(text: str, tmp_path: Path) -> None:
    root = copy_reference(tmp_path)
    (root / "docs").mkdir(exist_ok=True)
    (root / NOTES).write_text(text, encoding="utf-8")

    rejected = steward(COMMAND, ".", cwd=root)

    assert rejected.returncode == 2
    assert f"{root / NOTES} exists and steward did not write it" in rejected.stderr
    assert (root / NOTES).read_text(encoding="utf-8") == text


def test_cli_rejects_other_command_file(tmp_path: Path) -> None:
    root = copy_reference(tmp_path)
    (root / "docs").mkdir(exist_ok=True)
    other = with_mark(root / DIAGRAM, "optimize-db", "erDiagram\n")
    (root / DIAGRAM).write_text(other.text, encoding="utf-8")

    rejected = steward(COMMAND, ".", cwd=root)

    assert rejected.returncode == 2
    assert "was written by steward optimize-db, not by steward model-state" in (
        rejected.stderr
    )
    assert (root / DIAGRAM).read_text(encoding="utf-8") == other.text
