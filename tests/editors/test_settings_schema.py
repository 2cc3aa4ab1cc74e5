"""The editor settings generated from Settings agree with the committed files."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from steward_lsp import settings_schema
from steward_lsp.engine.config import Settings, merge_settings, settings_fields
from steward_lsp.server.client_settings import known_settings

REPO = Path(__file__).resolve().parents[2]
PACKAGE_JSON = REPO / "vscode-client" / "package.json"
EDITORS_DOC = REPO / "docs" / "editors.md"
REGENERATE = (
    "run: python -m steward_lsp.settings_schema --write vscode-client/package.json"
    " && python -m steward_lsp.settings_schema --markdown --write docs/editors.md"
)


def test_package_json_matches_generator() -> None:
    package = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))

    committed = package["contributes"]["configuration"]

    assert committed == settings_schema.vscode_configuration(), REGENERATE


def test_docs_reference_matches_generator() -> None:
    text = EDITORS_DOC.read_text(encoding="utf-8")

    regenerated = settings_schema.replace_marked_section(
        text, settings_schema.markdown_reference()
    )

    assert text == regenerated, REGENERATE


def test_every_field_has_a_setting() -> None:
    properties = settings_schema.vscode_configuration()["properties"]

    for fld in settings_fields():
        key = f"steward.{settings_schema.camel_case(fld.name)}"
        assert key in properties, fld.name
        assert properties[key]["description"] == fld.metadata["doc"]


def test_defaults_match_settings() -> None:
    properties = settings_schema.vscode_configuration()["properties"]
    defaults = dataclasses.asdict(Settings())

    for name, value in defaults.items():
        key = f"steward.{settings_schema.camel_case(name)}"
        assert properties[key]["default"] == value, name


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        pytest.param(bool, {"type": "boolean"}, id="bool"),
        pytest.param(float, {"type": "number"}, id="float"),
        pytest.param(
            list[str], {"type": "array", "items": {"type": "string"}}, id="list"
        ),
        pytest.param(str | None, {"type": ["string", "null"]}, id="optional"),
        pytest.param(
            dict[str, list[str]],
            {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            id="table-of-lists",
        ),
    ],
)
def test_json_type_of_annotation(annotation: object, expected: object) -> None:
    assert settings_schema._json_type(annotation) == expected


def test_list_and_table_items_are_strings() -> None:
    # merge_settings checks list and table items as these annotations declare.
    hints = typing.get_type_hints(Settings)

    for name, annotation in hints.items():
        origin = typing.get_origin(annotation)
        if origin is list:
            assert annotation == list[str], name
        if origin is dict:
            assert annotation == dict[str, list[str]], name


def test_json_type_rejects_tuple() -> None:
    with pytest.raises(TypeError, match="unsupported setting type"):
        settings_schema._json_type(tuple[str, int])


def test_server_reads_every_generated_key() -> None:
    properties = settings_schema.vscode_configuration()["properties"]
    # VS Code sends the "steward" section with the prefix removed.
    section = {
        key.removeprefix("steward."): setting["default"]
        for key, setting in properties.items()
        if "." not in key.removeprefix("steward.")
    }

    values = known_settings(section, "test")

    assert set(values) == {f.name for f in settings_fields()}
    assert merge_settings(Settings(), values, "test") == Settings()


def test_replace_marked_section_without_markers() -> None:
    with pytest.raises(ValueError, match="not found"):
        settings_schema.replace_marked_section("# no markers\n", "body\n")


def test_write_rewrites_only_configuration(tmp_path: Path) -> None:
    target = tmp_path / "package.json"
    package = {"name": "x", "contributes": {"commands": [1], "configuration": {}}}
    target.write_text(json.dumps(package), encoding="utf-8")

    subprocess.run(
        [sys.executable, "-m", "steward_lsp.settings_schema", "--write", str(target)],
        check=True,
    )
    package = json.loads(target.read_text(encoding="utf-8"))

    assert package["name"] == "x"
    assert package["contributes"]["commands"] == [1]
    assert package["contributes"]["configuration"] == (
        settings_schema.vscode_configuration()
    )
