"""Evidence records; the model matches head, the defects are in the revisions."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Base of the PostgreSQL environment's models."""


class Evidence(Base):
    """A ledger transaction that proves a tenant's document existed."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(BigInteger, index=True)
    chain_id: Mapped[str] = mapped_column(String(64))
    tx_hash: Mapped[str] = mapped_column(String(66), index=True)
