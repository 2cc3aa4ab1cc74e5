"""Connection-pool advice for the create_engine calls the scan finds."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from steward_lsp.engine.generate.optimize_pool import engine_dialect, pool_advice
from steward_lsp.engine.queries import scan_source


def advice(call: str, default_dialect: str | None = None) -> list[str]:
    """Return the advice for the one engine ``call`` creates."""
    text = textwrap.dedent(call)
    (engine,) = scan_source(Path("/project/app/db.py"), text).engines
    return pool_advice(engine, engine_dialect(engine, default_dialect))


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param(
            'engine = create_engine("postgresql+psycopg://app@db/app")',
            ["pool_pre_ping is off"],
            id="defaults-on-postgresql",
        ),
        pytest.param(
            'engine = create_engine("postgresql://db/app", pool_pre_ping=True)',
            [],
            id="pre-ping-on",
        ),
        pytest.param(
            'engine = create_engine("mysql+pymysql://db/app", pool_pre_ping=True)',
            ["pool_recycle is unset with MySQL"],
            id="mysql-without-recycle",
        ),
        pytest.param(
            "engine = create_engine(url, pool_pre_ping=True, poolclass=pool.NullPool,"
            " pool_size=5)",
            ["poolclass=NullPool opens", "pool_size is ignored by NullPool"],
            id="null-pool-with-size",
        ),
        pytest.param(
            "engine = create_engine(url, pool_pre_ping=True, max_overflow=0,"
            " pool_timeout=10, pool_size=80)",
            ["max_overflow=0", "up to pool_timeout (10 s)", "pool_size=80"],
            id="no-overflow-large-pool",
        ),
        pytest.param(
            'engine = create_engine("sqlite:///app.db")',
            [],
            id="sqlite-file",
        ),
    ],
)
def test_pool_advice(call: str, expected: list[str]) -> None:
    sentences = advice(call)
    text = " ".join(sentences)

    for fragment in expected:
        assert fragment in text
    if not expected:
        assert sentences == []


def test_pool_advice_uses_environment_dialect() -> None:
    sentences = advice(
        "engine = create_async_engine(settings.url, pool_pre_ping=True)", "mysql"
    )

    assert len(sentences) == 1
    assert "pool_recycle is unset with MySQL" in sentences[0]
