"""The throwaway-database fixtures yield an empty database that accepts DDL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url


def _round_trip(url: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE probe (id INTEGER PRIMARY KEY)"))
        conn.execute(sa.text("INSERT INTO probe (id) VALUES (1)"))
        count = conn.execute(sa.text("SELECT count(*) FROM probe")).scalar_one()
    engine.dispose()
    assert count == 1


@pytest.mark.postgresql
def test_postgresql_url_is_fresh_database(postgresql_url: str) -> None:
    name = make_url(postgresql_url).database
    assert name is not None
    assert name.startswith("steward_test_")
    _round_trip(postgresql_url)


@pytest.mark.mariadb
def test_mariadb_url_is_fresh_database(mariadb_url: str) -> None:
    name = make_url(mariadb_url).database
    assert name is not None
    assert name.startswith("steward_test_")
    _round_trip(mariadb_url)


def test_sqlite_url_is_fresh_file(sqlite_url: str) -> None:
    _round_trip(sqlite_url)
