"""Quick fixes: the text edits that resolve a finding, computed from its file.

Each rule family has one module that registers its fix function for its
codes (:mod:`.index`, :mod:`.downgrade`, :mod:`.server_default`,
:mod:`.concurrently`, :mod:`.pii`). :func:`fix_for` returns the fix of a
finding, or None when its code has none or the file does not allow one.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from steward_lsp.engine.fixes import (  # noqa: F401 - importing registers the fixes
    concurrently,
    downgrade,
    index,
    pii,
    server_default,
)
from steward_lsp.engine.fixes.registry import FIXERS, Fix, FixRequest, TextEdit

__all__ = ["FIXERS", "Fix", "FixRequest", "TextEdit", "fix_for"]

logger = logging.getLogger(__name__)


def fix_for(request: FixRequest) -> Fix | None:
    """Return the fix of ``request.finding``, or None.

    A file that no longer parses gets no fix: its positions cannot be
    trusted, and the user sees the syntax error first.
    """
    function = FIXERS.get(request.finding.code)
    if function is None:
        return None
    try:
        fix = function(request)
    except SyntaxError:
        logger.debug(
            "no %s fix: %s does not parse",
            request.finding.code,
            request.finding.location.path,
        )
        return None
    if fix is None or "\r\n" not in request.text:
        return fix
    # The fixes write "\n"; a file with Windows line ends keeps them.
    edits = tuple(
        TextEdit(edit.span, edit.new_text.replace("\n", "\r\n")) for edit in fix.edits
    )
    return replace(fix, edits=edits)
