"""SQLAlchemy dialect objects from the names a URL or a setting gives."""

from __future__ import annotations

import sqlalchemy as sa


def load_dialect(name: str) -> sa.engine.Dialect:
    """Return a new instance of SQLAlchemy's dialect ``name`` (``mysql+pymysql`` too).

    Raises ``sqlalchemy.exc.NoSuchModuleError`` for a name SQLAlchemy does
    not know. The dialect is resolved as a URL's would be, because the
    registry's own loader returns an instance for ``mariadb`` and a class
    for the other names (SQLAlchemy 2.0).
    """
    try:
        url = sa.engine.make_url(f"{name}://")
    except sa.exc.ArgumentError as exc:
        raise sa.exc.NoSuchModuleError(f"invalid dialect name {name!r}") from exc
    return url.get_dialect()()
