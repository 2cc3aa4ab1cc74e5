"""``steward model-state``: golden files, cardinality, Mermaid, CLI and server."""

from __future__ import annotations

from pathlib import Path

import pytest
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient
from state_docs import (
    REPOSITORY,
    WORKSPACES,
    check_golden,
    client,  # noqa: F401 - the language-server fixture
    copy_reference,
    execute_generator,
    generated_texts,
    parse_mermaid,
    run_generator,
    steward,
    write_keys_project,
)

from steward_lsp.engine.analysis import Workspace

COMMAND = "model-state"


@pytest.mark.parametrize("workspace", sorted(WORKSPACES))
def test_golden(workspace: str) -> None:
    texts = generated_texts(COMMAND, WORKSPACES[workspace])

    assert sorted(texts) == ["docs/data-model.mmd", "docs/integrity-notes.md"]
    check_golden(COMMAND, workspace, texts)


def test_output_is_byte_deterministic(tmp_path: Path) -> None:
    root = copy_reference(tmp_path)

    first = generated_texts(COMMAND, root)
    second = generated_texts(COMMAND, root)

    assert first == second
    # The copy lives elsewhere, yet writes the same bytes as the repository.
    assert first == generated_texts(COMMAND, REPOSITORY)
    for text in first.values():
        assert str(tmp_path) not in text


def test_cardinality_of_each_kind_of_foreign_key(tmp_path: Path) -> None:
    root = write_keys_project(tmp_path)

    diagram = generated_texts(COMMAND, root)["docs/data-model.mmd"]

    edges = [line.strip() for line in diagram.splitlines() if " : " in line]
    assert edges == [
        # Association table: two identifying one-to-many edges.
        'groups ||--o{ memberships : "group_id"',
        # Composite foreign key with nullable columns.
        'memberships |o..o{ membership_cards : "person_id, group_id"',
        # A table named like a Mermaid keyword is quoted.
        'people ||..o{ "end" : "person_id"',
        # Nullable foreign key: a receipt may have no person.
        'people |o..o{ ledger__receipts : "person_id"',
        'people ||--o{ memberships : "person_id"',
        # unique=True on the foreign key: one-to-one.
        'people ||..o| passports : "person_id"',
        # Self reference, nullable.
        'people |o..o{ people : "manager_id"',
        # The foreign key is the primary key: identifying one-to-one.
        'people ||--o| profiles : "person_id"',
    ]
    assert (
        "%% memberships is an association table: groups and people are "
        "many-to-many through it"
    ) in diagram
    assert "%% passports refers to issuers, which no model declares" in diagram
    assert "    issuers {" not in diagram


def test_notes_name_undeclared_parent_and_ondelete(tmp_path: Path) -> None:
    root = write_keys_project(tmp_path)

    notes = generated_texts(COMMAND, root)["docs/integrity-notes.md"]

    passports = _section(notes, "### `passports`")
    assert "no model declares the referred table" in passports
    cards = _section(notes, "### `membership_cards`")
    assert (
        "unnamed (`person_id`, `group_id`) → `memberships` (`person_id`, "
        "`group_id`), on delete CASCADE"
    ) in cards


def test_output_dir_option(tmp_path: Path) -> None:
    root = write_keys_project(tmp_path)

    result = run_generator(COMMAND, root, {"output_dir": "build/model"})

    paths = [file.path for file in result.files]
    assert paths == [
        root / "build/model/data-model.mmd",
        root / "build/model/integrity-notes.md",
    ]


def test_columns_carry_keys_types_and_ledger_marks(tmp_path: Path) -> None:
    root = write_keys_project(tmp_path)

    diagram = generated_texts(COMMAND, root)["docs/data-model.mmd"]

    lines = [line.strip() for line in diagram.splitlines()]
    assert "INTEGER person_id PK, FK" in lines
    assert "INTEGER person_id FK, UK" in lines
    assert 'VARCHAR_66 tx_hash "ledger id"' in lines
    assert 'VARCHAR_64 chain_id "chain id"' in lines
    assert 'INTEGER manager_id FK "nullable"' in lines
    assert '"end" {' in lines
    assert 'INTEGER pk_ PK "column pk"' in lines


def test_ledger_patterns_come_from_settings(tmp_path: Path) -> None:
    root = write_keys_project(tmp_path)
    (root / "pyproject.toml").write_text(
        '[tool.steward]\nledger_id_patterns = ["number"]\n', encoding="utf-8"
    )

    diagram = generated_texts(COMMAND, root)["docs/data-model.mmd"]

    lines = [line.strip() for line in diagram.splitlines()]
    assert 'VARCHAR_20 number "ledger id"' in lines
    assert "VARCHAR_66 tx_hash" in lines


def test_integrity_notes_list_constraints_coverage_and_findings() -> None:
    notes = generated_texts(COMMAND, WORKSPACES["defects"])["docs/integrity-notes.md"]

    anchors = _section(notes, "### `anchors`")
    assert "  - `anchor_id`: not indexed (STW201)" in anchors
    assert "  - `ledger_id`: served by index `ix_anchors_ledger_id`" in anchors
    assert "  - ledger id `ledger_id` is nullable (STW502)" in anchors
    assert "(`notary_defects/models.py:72`)" in anchors
    receipts = _section(notes, "### `receipts`")
    assert "no chain id beside the ledger ids (STW501)" in receipts


def test_one_environment_with_env_option() -> None:
    result = run_generator(
        COMMAND, WORKSPACES["defects"], {"env": "postgres/migrations"}
    )

    diagram = result.files[0].text
    assert "    evidence {" in diagram
    assert "accounts" not in diagram


def test_mermaid_parses_what_steward_writes(tmp_path: Path) -> None:
    keys = write_keys_project(tmp_path / "keys")
    roots = [*WORKSPACES.values(), keys]
    paths = []
    for number, root in enumerate(roots):
        path = tmp_path / f"diagram-{number}.mmd"
        path.write_text(generated_texts(COMMAND, root)["docs/data-model.mmd"])
        paths.append(path)

    parsed = parse_mermaid(paths)

    by_file = {Path(str(item["file"])).name: item for item in parsed}
    keys_diagram = by_file["diagram-2.mmd"]
    assert keys_diagram["type"] == "er"
    relationships = {
        (r["parent"], r["child"], r["label"]): (
            r["parentCardinality"],
            r["childCardinality"],
            r["identifying"],
        )
        for r in keys_diagram["relationships"]  # type: ignore[attr-defined]
    }
    assert relationships[("people", "passports", "person_id")] == (
        "ONLY_ONE",
        "ZERO_OR_ONE",
        False,
    )
    assert relationships[("people", "ledger__receipts", "person_id")] == (
        "ZERO_OR_ONE",
        "ZERO_OR_MORE",
        False,
    )
    assert relationships[("groups", "memberships", "group_id")] == (
        "ONLY_ONE",
        "ZERO_OR_MORE",
        True,
    )
    entities = keys_diagram["entities"]
    assert isinstance(entities, dict)
    assert entities["end"] == [
        {"type": "INTEGER", "name": "pk_", "keys": ["PK"], "comment": "column pk"},
        {"type": "INTEGER", "name": "person_id", "keys": ["FK"], "comment": ""},
    ]
    _assert_matches_schema(by_file["diagram-0.mmd"], WORKSPACES["quantumnotary"])


def _assert_matches_schema(parsed: dict[str, object], root: Path) -> None:
    """Check that Mermaid read every table, column and foreign key of the models."""
    schema = Workspace(root).analyze().environments[0].model_schema
    entities = parsed["entities"]
    assert isinstance(entities, dict)
    assert sorted(entities) == sorted(schema.tables)
    for key, table in schema.tables.items():
        assert [a["name"] for a in entities[key]] == list(table.columns)
    foreign_keys = sorted(
        (fk.referred_table, table.key, ", ".join(fk.columns))
        for table in schema.tables.values()
        for fk in table.all_foreign_keys()
    )
    relationships = parsed["relationships"]
    assert isinstance(relationships, list)
    drawn = sorted((r["parent"], r["child"], r["label"]) for r in relationships)
    assert drawn == foreign_keys


def test_cli_check_after_model_edit(tmp_path: Path) -> None:
    root = copy_reference(tmp_path)

    written = steward(COMMAND, ".", cwd=root)

    assert written.returncode == 0, written.stderr
    assert "wrote docs/data-model.mmd" in written.stdout
    assert (root / "docs" / "integrity-notes.md").is_file()
    assert steward(COMMAND, "--check", ".", cwd=root).returncode == 0

    tenants = root / "examples/quantumnotary/quantumnotary/models/tenants.py"
    text = tenants.read_text(encoding="utf-8")
    tenants.write_text(text.replace("String(200)", "String(250)"), encoding="utf-8")
    stale = steward(COMMAND, "--check", ".", cwd=root)

    assert stale.returncode == 1
    assert "docs/data-model.mmd is out of date" in stale.stderr
    assert "VARCHAR_200 name" in (root / "docs" / "data-model.mmd").read_text()


def test_cli_rejects_unmarked_file(tmp_path: Path) -> None:
    root = copy_reference(tmp_path)
    theirs = root / "docs" / "data-model.mmd"
    theirs.parent.mkdir()
    theirs.write_text("erDiagram\n    mine {\n    }\n", encoding="utf-8")

    rejected = steward(COMMAND, ".", cwd=root)

    assert rejected.returncode == 2
    assert "steward did not write it" in rejected.stderr
    assert theirs.read_text(encoding="utf-8") == "erDiagram\n    mine {\n    }\n"
    assert not (root / "docs" / "integrity-notes.md").exists()


def test_repository_docs_are_current() -> None:
    checked = steward(COMMAND, "--check", ".", cwd=REPOSITORY)

    assert checked.returncode == 0, checked.stderr


async def test_server_command_writes_the_diagram(
    client: LanguageClient,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    root = copy_reference(tmp_path)

    result = await execute_generator(client, root, "steward.modelState")

    diagram = root / "docs" / "data-model.mmd"
    assert result["written"] == [
        from_fs_path(str(diagram)),
        from_fs_path(str(root / "docs" / "integrity-notes.md")),
    ]
    expected = generated_texts(COMMAND, REPOSITORY)["docs/data-model.mmd"]
    assert diagram.read_text(encoding="utf-8") == expected


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n### ", start + len(heading))
    return text[start : end if end != -1 else len(text)]
