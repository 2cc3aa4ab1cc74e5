"""The service's read paths: the queries that `steward optimize-db` checks.

Every column these queries filter, join or sort on is indexed, so the
optimization report on the reference schema lists no missing index.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker

from quantumnotary.models.anchors import LedgerAnchor
from quantumnotary.models.notarizations import Notarization


def session_factory(url: str) -> sessionmaker[Session]:
    """Return sessions on ``url`` for a web worker with a few threads."""
    engine = create_engine(
        url,
        pool_size=5,
        max_overflow=5,
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_timeout=10,
    )
    return sessionmaker(engine)


def notarization_by_transaction(
    session: Session, chain_id: str, tx_hash: str
) -> Notarization | None:
    """Return the notarization that a ledger transaction carries, or None."""
    statement = select(Notarization).where(
        Notarization.tx_hash == tx_hash, Notarization.chain_id == chain_id
    )
    return session.scalars(statement).one_or_none()


def recent_notarizations(
    session: Session, tenant_id: int, limit: int = 50
) -> Sequence[Notarization]:
    """Return a tenant's newest notarizations first."""
    statement = (
        select(Notarization)
        .where(Notarization.tenant_id == tenant_id)
        .order_by(Notarization.created_at.desc())
        .limit(limit)
    )
    return session.scalars(statement).all()


def anchors_of(session: Session, notarization_id: int) -> Sequence[LedgerAnchor]:
    """Return the ledger anchors of one notarization, oldest block first."""
    statement = (
        select(LedgerAnchor)
        .where(LedgerAnchor.notarization_id == notarization_id)
        .order_by(LedgerAnchor.block_number)
    )
    return session.scalars(statement).all()
