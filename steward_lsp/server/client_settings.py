"""Client settings: ``initializationOptions``, then ``workspace/configuration``.

Both carry the ``[tool.steward]`` keys, in snake_case, kebab-case or
camelCase (VS Code's convention). The engine applies them over
``[tool.steward]`` and reports invalid values as configuration problems.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from steward_lsp.engine.config import settings_fields

if TYPE_CHECKING:
    from steward_lsp.server.server import StewardLanguageServer

logger = logging.getLogger(__name__)

SECTION = "steward"
"""The configuration section and the optional key of ``initializationOptions``."""

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def settings_from_options(options: Any) -> dict[str, object]:
    """Return the steward settings in ``initializationOptions``.

    The options may be the settings themselves or hold them under
    ``"steward"``, the shape of a VS Code configuration section.
    """
    if not isinstance(options, dict):
        return {}
    nested = options.get(SECTION)
    if isinstance(nested, dict):
        options = nested
    return known_settings(options, "initializationOptions")


def known_settings(values: dict[str, Any], source: str) -> dict[str, object]:
    """Return the entries of ``values`` that name steward settings.

    Clients put their own keys in the same section (VS Code's ``trace``, an
    interpreter path). Those are logged and left out, because the engine
    would reject every client setting over one unknown key.
    """
    names = {field.name for field in settings_fields()}
    settings: dict[str, object] = {}
    for key, value in values.items():
        name = _CAMEL_BOUNDARY.sub("_", key).replace("-", "_").lower()
        if name in names:
            settings[name] = value
        else:
            logger.info("%s: ignoring %r, which is not a steward setting", source, key)
    return settings


def supports_pull(server: StewardLanguageServer) -> bool:
    """Tell whether the client supports ``workspace/configuration`` requests."""
    workspace = server.client_capabilities.workspace
    return bool(workspace and workspace.configuration)


async def pull_settings(server: StewardLanguageServer) -> None:
    """Ask the client for each folder's ``steward`` section and store it.

    Values from the client override ``initializationOptions`` key by key.
    When the request fails, the settings stay as they were.
    """
    folders = server.folders.folders
    if not folders or not supports_pull(server):
        return

    params = types.ConfigurationParams(
        items=[
            types.ConfigurationItem(scope_uri=f.uri, section=SECTION) for f in folders
        ]
    )
    try:
        answers = await server.workspace_configuration_async(params)
    except Exception:  # noqa: BLE001 - settings are optional, the server goes on
        logger.exception("workspace/configuration failed; keeping the current settings")
        return

    for folder, answer in zip(folders, answers or [], strict=False):
        pulled = (
            known_settings(answer, "workspace/configuration")
            if isinstance(answer, dict)
            else {}
        )
        settings = {**server.initial_settings, **pulled}
        if settings != folder.client_settings:
            folder.client_settings = settings
            folder.settings_changed = True
