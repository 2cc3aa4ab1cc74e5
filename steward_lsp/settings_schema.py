"""Generate the editor settings schema from :class:`Settings`.

Each field of :class:`~steward_lsp.engine.config.Settings` becomes one VS Code
setting ``steward.<camelCaseName>`` with the field's type, default and
``metadata["doc"]``. The same schema renders the settings reference in
Markdown, so a setting is declared once, in ``engine/config.py``.

Usage::

    python -m steward_lsp.settings_schema --write vscode-client/package.json
    python -m steward_lsp.settings_schema --markdown [--write docs/editors.md]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steward_lsp.engine.config import Settings, settings_fields

SECTION = "steward"
MARKDOWN_START = "<!-- settings-reference:start -->"
MARKDOWN_END = "<!-- settings-reference:end -->"

JsonSchema = dict[str, Any]


@dataclass(frozen=True)
class EditorSetting:
    """One editor setting: its key, JSON schema and Settings field."""

    key: str
    schema: JsonSchema
    field_name: str | None
    """Name of the :class:`Settings` field, or None for a client-only setting."""


# Settings that only the editor extension reads. VS Code sends them to the
# server with the rest of the steward section, and the server ignores them.
CLIENT_SETTINGS = (
    EditorSetting(
        key="steward.interpreter",
        schema={
            "type": "string",
            "default": "",
            "scope": "resource",
            "description": (
                "Path of the Python interpreter that runs the steward language "
                "server. When empty, the Python extension's active interpreter "
                "is used, else python3. Changing it restarts the server."
            ),
        },
        field_name=None,
    ),
    EditorSetting(
        key="steward.trace.server",
        schema={
            "type": "string",
            "enum": ["off", "messages", "verbose"],
            "default": "off",
            "scope": "window",
            "description": (
                "Log the messages between VS Code and the steward language "
                "server in the Steward Trace output."
            ),
        },
        field_name=None,
    ),
)


def camel_case(name: str) -> str:
    """Return the camelCase spelling of a snake_case field name."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _json_type(annotation: Any) -> JsonSchema:
    """Return the JSON schema of a field annotation."""
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [_json_type(a) for a in arguments if a is not type(None)]
        if len(members) != 1:
            raise TypeError(f"unsupported union setting type {annotation!r}")
        schema = dict(members[0])
        schema["type"] = [schema["type"], "null"]
        return schema

    if origin is list:
        return {"type": "array", "items": _json_type(arguments[0])}

    if origin is dict:
        if arguments[0] is not str:
            raise TypeError(f"setting tables need string keys, got {annotation!r}")
        return {"type": "object", "additionalProperties": _json_type(arguments[1])}

    simple = {bool: "boolean", int: "integer", float: "number", str: "string"}
    if annotation in simple:
        return {"type": simple[annotation]}

    raise TypeError(f"unsupported setting type {annotation!r}")


def _default(fld: dataclasses.Field[Any]) -> Any:
    if fld.default_factory is not dataclasses.MISSING:
        return fld.default_factory()
    return fld.default


def engine_settings() -> list[EditorSetting]:
    """Return one editor setting per :class:`Settings` field, in field order."""
    hints = typing.get_type_hints(Settings)
    settings = []
    for fld in settings_fields():
        doc = fld.metadata.get("doc")
        if not doc:
            raise ValueError(f"Settings.{fld.name} has no metadata['doc']")

        schema = _json_type(hints[fld.name])
        schema["default"] = _default(fld)
        schema["scope"] = "resource"
        schema["description"] = doc
        key = f"{SECTION}.{camel_case(fld.name)}"
        settings.append(EditorSetting(key=key, schema=schema, field_name=fld.name))
    return settings


def editor_settings() -> list[EditorSetting]:
    """Return every editor setting: the client's own, then the engine's."""
    return [*CLIENT_SETTINGS, *engine_settings()]


def vscode_configuration() -> JsonSchema:
    """Return the ``contributes.configuration`` object of ``package.json``."""
    properties: JsonSchema = {}
    for order, setting in enumerate(editor_settings()):
        properties[setting.key] = {**setting.schema, "order": order}
    return {"title": "Steward", "properties": properties}


def write_package_json(path: Path) -> None:
    """Replace ``contributes.configuration`` in ``path``, keeping the rest."""
    package = json.loads(path.read_text(encoding="utf-8"))
    package.setdefault("contributes", {})["configuration"] = vscode_configuration()
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _markdown_value(value: Any) -> str:
    return "`" + json.dumps(value, ensure_ascii=False) + "`"


def _markdown_type(schema: JsonSchema) -> str:
    kind = schema["type"]
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind == "array":
        return f"array of {schema['items']['type']}"
    if kind == "object":
        return f"table of {_markdown_type(schema['additionalProperties'])}"
    return str(kind)


def markdown_reference() -> str:
    """Render the settings reference as Markdown, one subsection per setting."""
    lines = []
    for setting in editor_settings():
        if setting.field_name is None:
            where = "VS Code only"
        else:
            where = f"`[tool.steward]` key `{setting.field_name}`"
        lines += [
            f"### `{setting.key}`",
            "",
            f"{where}; type {_markdown_type(setting.schema)}; "
            f"default {_markdown_value(setting.schema['default'])}.",
            "",
            setting.schema["description"],
            "",
        ]
    return "\n".join(lines)


def replace_marked_section(text: str, body: str) -> str:
    """Replace what lies between the settings-reference markers in ``text``."""
    start = text.find(MARKDOWN_START)
    end = text.find(MARKDOWN_END)
    if start < 0 or end < start:
        raise ValueError(
            f"markers {MARKDOWN_START} and {MARKDOWN_END} not found in order"
        )
    head = text[: start + len(MARKDOWN_START)]
    return f"{head}\n\n{body}\n{text[end:]}"


def main(argv: Sequence[str] | None = None) -> int:
    """Print or write the settings schema; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m steward_lsp.settings_schema",
        description="Generate editor settings from steward's Settings fields.",
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="render the settings reference in Markdown instead of JSON",
    )
    parser.add_argument(
        "--write",
        type=Path,
        metavar="PATH",
        help=(
            "rewrite contributes.configuration of this package.json, or with "
            "--markdown the marked settings section of this Markdown file; "
            "print to standard output when omitted"
        ),
    )
    args = parser.parse_args(argv)

    if args.markdown:
        body = markdown_reference()
        if args.write is None:
            sys.stdout.write(body)
            return 0
        text = args.write.read_text(encoding="utf-8")
        try:
            args.write.write_text(replace_marked_section(text, body), "utf-8")
        except ValueError as exc:
            parser.error(f"{args.write}: {exc}")
        return 0

    if args.write is None:
        json.dump(vscode_configuration(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0

    write_package_json(args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
