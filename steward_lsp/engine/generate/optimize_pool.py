"""Advice on the connection-pool options of ``create_engine`` calls.

The options are read as source text, so a value held in a variable is
shown as written and only literal values are judged. The defaults quoted
are SQLAlchemy 2.0's: ``QueuePool`` with ``pool_size=5``,
``max_overflow=10`` and ``pool_timeout=30`` seconds, without pre-ping or
recycling. ``create_async_engine`` takes the same options.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from steward_lsp.engine.queries.uses import EngineCall

POOL_OPTIONS = (
    "pool_size",
    "max_overflow",
    "pool_pre_ping",
    "pool_recycle",
    "pool_timeout",
    "poolclass",
)

# Pools that keep no connections open, so the size options do nothing.
_UNPOOLED = frozenset({"NullPool", "StaticPool", "AssertionPool"})
# A worker with this many connections, times the workers, nears PostgreSQL's
# default max_connections of 100.
_LARGE_POOL = 50


def engine_dialect(engine: EngineCall, default: str | None) -> str | None:
    """Return the dialect of the engine's literal URL, else ``default``."""
    if engine.url and "://" in engine.url:
        scheme = engine.url.split("://", 1)[0]
        return scheme.split("+", 1)[0].lower()
    return default


def pool_advice(engine: EngineCall, dialect: str | None) -> list[str]:
    """Return one sentence per pool setting of ``engine`` worth changing."""
    options = engine.options
    poolclass = options.get("poolclass", "").rsplit(".", 1)[-1]
    advice: list[str] = []
    if poolclass == "NullPool":
        advice.append(
            "poolclass=NullPool opens a new connection for every checkout; in a "
            "web app keep the default QueuePool unless a pooler such as "
            "PgBouncer pools the connections"
        )
    if poolclass in _UNPOOLED:
        ignored = [name for name in ("pool_size", "max_overflow") if name in options]
        if ignored:
            verb, pronoun = ("are", "them") if len(ignored) > 1 else ("is", "it")
            advice.append(
                f"{' and '.join(ignored)} {verb} ignored by {poolclass}; remove "
                f"{pronoun} or use QueuePool"
            )
    # A SQLite file has no server that could close a connection.
    if dialect != "sqlite" and _literal(options.get("pool_pre_ping")) in (
        None,
        "False",
    ):
        advice.append(
            "pool_pre_ping is off, so a connection the server or a proxy closed "
            "fails the first query that uses it; set pool_pre_ping=True"
        )
    if dialect in ("mysql", "mariadb") and "pool_recycle" not in options:
        advice.append(
            "pool_recycle is unset with MySQL, which closes connections idle "
            "longer than wait_timeout (8 hours by default); set pool_recycle "
            "below it, for example pool_recycle=3600"
        )
    advice.extend(_size_advice(options, poolclass))
    return advice


def _size_advice(options: dict[str, str], poolclass: str) -> list[str]:
    if poolclass in _UNPOOLED:
        return []
    advice: list[str] = []
    size = _integer(options.get("pool_size"))
    if _integer(options.get("max_overflow")) == 0:
        timeout = options.get("pool_timeout", "30")
        advice.append(
            "max_overflow=0: when every pooled connection is busy, a request "
            f"waits up to pool_timeout ({timeout} s) and then fails; allow some "
            "overflow or size pool_size for the peak"
        )
    if size is not None and size >= _LARGE_POOL:
        advice.append(
            f"pool_size={size} connections per process: multiplied by the "
            "worker processes, check it stays below the server's max_connections"
        )
    return advice


def _literal(text: str | None) -> str | None:
    return text.strip() if text is not None else None


def _integer(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None
