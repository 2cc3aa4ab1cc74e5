"""Code actions for steward diagnostics, from providers registered per code.

A provider receives one steward diagnostic in context and returns the code
actions that fix or silence it. Register one with :func:`provider`: for one
rule code (``@provider("STW201")``) or, with no code, for every diagnostic.
A document provider (:func:`document_provider`) returns actions on the whole
document, such as "fix all"; it runs only when the client requests kinds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.workspace import TextDocument

from steward_lsp.server.convert import SOURCE

if TYPE_CHECKING:
    from steward_lsp.server.server import StewardLanguageServer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActionRequest:
    """One steward diagnostic for which code actions are requested."""

    code: str
    diagnostic: types.Diagnostic
    document: TextDocument
    params: types.CodeActionParams
    server: StewardLanguageServer


ActionProvider = Callable[[ActionRequest], list[types.CodeAction]]
DocumentProvider = Callable[
    ["StewardLanguageServer", TextDocument], list[types.CodeAction]
]

_ANY_CODE = ""
_providers: dict[str, list[ActionProvider]] = {}
_document_providers: list[DocumentProvider] = []


def provider(code: str | None = None) -> Callable[[ActionProvider], ActionProvider]:
    """Register the decorated function for diagnostics of ``code``, or all."""

    def register_provider(function: ActionProvider) -> ActionProvider:
        _providers.setdefault(code or _ANY_CODE, []).append(function)
        return function

    return register_provider


def document_provider(function: DocumentProvider) -> DocumentProvider:
    """Register the decorated function for actions on a whole document."""
    _document_providers.append(function)
    return function


def providers_for(code: str) -> list[ActionProvider]:
    """Return the providers of ``code``: its own, then those for every code."""
    return [*_providers.get(code, []), *_providers.get(_ANY_CODE, [])]


def register(server: StewardLanguageServer) -> None:
    """Register the code action handler on ``server``."""
    # Importing the provider modules registers their providers.
    from steward_lsp.server import fixes, generator_actions, ignore_comment  # noqa: F401

    server.add_feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        code_action,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, fixes.FIX_ALL_KIND]
        ),
    )


def code_action(
    server: StewardLanguageServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    """Return the code actions of the steward diagnostics in the request."""
    document = server.workspace.get_text_document(params.text_document.uri)
    actions: list[types.CodeAction] = []
    for diagnostic in params.context.diagnostics:
        code = _steward_code(diagnostic)
        if code is None:
            continue

        request = ActionRequest(code, diagnostic, document, params, server)
        for action_provider in providers_for(code):
            try:
                found = action_provider(request)
            except Exception:  # noqa: BLE001 - one provider must not hide the others
                logger.exception(
                    "code action provider %s failed for %s in %s",
                    action_provider.__name__,
                    code,
                    document.uri,
                )
                continue
            actions.extend(a for a in found if _kind_requested(a, params.context.only))

    if params.context.only:
        actions.extend(_document_actions(server, document, params.context.only))
    return _without_repeats(actions)


def _without_repeats(actions: list[types.CodeAction]) -> list[types.CodeAction]:
    """Merge actions with one title and one edit, such as the ignore comment of
    two findings of one code on one line, into one that lists both diagnostics.
    """
    unique: list[types.CodeAction] = []
    for action in actions:
        twin = next(
            (
                kept
                for kept in unique
                if kept.title == action.title
                and kept.edit == action.edit
                and kept.command == action.command
                and kept.data == action.data
            ),
            None,
        )
        if twin is None:
            unique.append(action)
        elif action.diagnostics:
            twin.diagnostics = [*(twin.diagnostics or []), *action.diagnostics]
    return unique


def _document_actions(
    server: StewardLanguageServer,
    document: TextDocument,
    only: Sequence[types.CodeActionKind | str],
) -> list[types.CodeAction]:
    actions: list[types.CodeAction] = []
    for action_provider in _document_providers:
        try:
            found = action_provider(server, document)
        except Exception:  # noqa: BLE001 - one provider must not hide the others
            logger.exception(
                "document action provider %s failed in %s",
                action_provider.__name__,
                document.uri,
            )
            continue
        actions.extend(a for a in found if _kind_requested(a, only))
    return actions


def _steward_code(diagnostic: types.Diagnostic) -> str | None:
    if diagnostic.source != SOURCE:
        return None
    if isinstance(diagnostic.code, str):
        return diagnostic.code
    data = diagnostic.data
    code = data.get("code") if isinstance(data, dict) else None
    return code if isinstance(code, str) else None


def _kind_requested(
    action: types.CodeAction, only: Sequence[types.CodeActionKind | str] | None
) -> bool:
    if not only:
        return True
    kind = _kind_value(action.kind or "")
    wanted_kinds = [_kind_value(wanted) for wanted in only]
    return any(
        kind == wanted or kind.startswith(f"{wanted}.") for wanted in wanted_kinds
    )


def _kind_value(kind: types.CodeActionKind | str) -> str:
    # A kind arrives as the enum or, for kinds lsprotocol does not know, a str.
    return kind.value if isinstance(kind, types.CodeActionKind) else kind
