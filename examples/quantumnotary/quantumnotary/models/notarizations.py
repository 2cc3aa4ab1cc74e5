"""Notarizations: a document's digest anchored by a ledger transaction."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from quantumnotary.models.base import Base, TimestampMixin, intpk


class NotarizationStatus(enum.Enum):
    """Life cycle of a notarization transaction."""

    SUBMITTED = "submitted"
    CONFIRMED = "confirmed"
    FAILED = "failed"
    REVOKED = "revoked"


class Notarization(TimestampMixin, Base):
    """One ledger transaction that carries a document's digest.

    ``tx_hash`` is unique only together with ``chain_id``, because the same
    hash value may occur on two chains.
    """

    __tablename__ = "notarizations"
    __table_args__ = (
        Index("ix_notarizations_tenant_id_created_at", "tenant_id", "created_at"),
    )

    id: Mapped[intpk]
    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id"), comment="Tenant that requested the notarization."
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id"), index=True, comment="Document notarized."
    )
    chain_id: Mapped[str] = mapped_column(
        String(64), comment="CAIP-2 id of the chain, e.g. eip155:1."
    )
    tx_hash: Mapped[str] = mapped_column(
        String(66),
        index=True,
        comment="Hash of the anchoring transaction, 0x-prefixed hex.",
    )
    status: Mapped[NotarizationStatus] = mapped_column(
        Enum(
            NotarizationStatus,
            name="notarization_status",
            native_enum=False,
            create_constraint=True,
            length=16,
        ),
        comment="Where the transaction is in its life cycle.",
    )
    confirmations: Mapped[int] = mapped_column(
        Integer, server_default="0", comment="Blocks mined on top of the transaction."
    )
