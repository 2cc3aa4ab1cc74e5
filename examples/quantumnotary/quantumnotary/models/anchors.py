"""Ledger anchors: further evidence of a notarization on other chains."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from quantumnotary.models.base import Base, TimestampMixin, intpk


class LedgerAnchor(TimestampMixin, Base):
    """A notarization's digest recorded in a block of some chain.

    A batch of notarizations shares one anchor transaction, so ``tx_hash``
    repeats across rows while ``(anchor_id, chain_id)`` is unique.
    """

    __tablename__ = "ledger_anchors"
    __table_args__ = (
        UniqueConstraint("anchor_id", "chain_id"),
        CheckConstraint("block_number >= 0", name="block_number_not_negative"),
    )

    id: Mapped[intpk]
    notarization_id: Mapped[int] = mapped_column(
        ForeignKey("notarizations.id"), index=True, comment="Notarization anchored."
    )
    anchor_id: Mapped[str] = mapped_column(
        String(66), comment="Id of the anchor on the chain (Merkle root or event id)."
    )
    chain_id: Mapped[str] = mapped_column(
        String(64), comment="CAIP-2 id of the chain, e.g. eip155:137."
    )
    tx_hash: Mapped[str] = mapped_column(
        String(66), index=True, comment="Transaction that recorded the anchor."
    )
    block_number: Mapped[int] = mapped_column(
        BigInteger, comment="Block that contains the transaction."
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="When the anchor reached finality."
    )
