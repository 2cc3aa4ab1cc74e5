"""Database URLs as messages and logs show them: without user name or password."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa


def display_url(url: str | sa.URL) -> str:
    """Return ``url`` without user name and password, for messages and logs."""
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return "<invalid database URL>"
    # URL.set() leaves a field unchanged when given None, so a new URL is built.
    anonymous = URL.create(
        parsed.drivername,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
    )
    return anonymous.render_as_string(hide_password=False)


def scrub_url(text: str, url: str | sa.URL) -> str:
    """Remove the user name, password and full text of ``url`` from ``text``.

    Drivers and SQLAlchemy put the URL, or its parts, in their error messages.
    The password is replaced wherever it occurs. The user name is replaced
    only as a whole word, so that user ``ed`` leaves "connection failed"
    readable.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if isinstance(url, str):
        text = text.replace(url, display_url(url))
    try:
        parsed = make_url(url)
    except ArgumentError:
        return text
    if parsed.password:
        text = text.replace(str(parsed.password), "***")
    if parsed.username:
        word = rf"(?<!\w){re.escape(parsed.username)}(?!\w)"
        text = re.sub(word, "***", text)
    return text
