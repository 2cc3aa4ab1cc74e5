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


# Secrets shorter than these are hidden only where they sit in a URL
# (``//user:password@``), because as words they occur in ordinary text: a
# password ``1`` in ``127.0.0.1``, a user ``to`` in "connection to server".
_MIN_WORD_LENGTH = 3
# A password at least this long is hidden even inside a longer word.
_MIN_SUBSTRING_LENGTH = 8


def scrub_url(text: str, url: str | sa.URL) -> str:
    """Remove the user name, password and full text of ``url`` from ``text``.

    Drivers and SQLAlchemy put the URL, or its parts, in their error messages.
    Each secret is replaced inside a URL's ``//user:password@`` part, in
    quotes, and as a whole word when it is at least 3 characters long, so
    that user ``ed`` leaves "connection failed" readable. A password of 8
    characters or more is also replaced inside longer words.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if isinstance(url, str):
        text = text.replace(url, display_url(url))
    try:
        parsed = make_url(url)
    except ArgumentError:
        return text
    user, password = parsed.username, parsed.password
    if password:
        text = text.replace(f":{password}@", ":***@")
        if len(password) >= _MIN_SUBSTRING_LENGTH:
            text = text.replace(str(password), "***")
        text = _replace_word(text, str(password))
    if user:
        text = text.replace(f"//{user}@", "//***@").replace(f"//{user}:", "//***:")
        text = _replace_word(text, user)
    return text


def _replace_word(text: str, secret: str) -> str:
    # Drivers quote the user in their errors (for user "ed", 'ed'@'host').
    for quote in ('"', "'"):
        text = text.replace(f"{quote}{secret}{quote}", f"{quote}***{quote}")
    if len(secret) < _MIN_WORD_LENGTH:
        return text
    return re.sub(rf"(?<!\w){re.escape(secret)}(?!\w)", "***", text)
