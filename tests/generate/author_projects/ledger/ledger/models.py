"""Models of the ledger project, ahead of its migrations."""

from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, Enum, ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class AnchorKind(enum.Enum):
    """How an anchor proves a document."""

    proof = "proof"
    timestamp = "timestamp"


class Base(DeclarativeBase):
    """Base of the ledger's models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Chain(Base):
    """A ledger; its name became unique."""

    __tablename__ = "chains"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)


class Anchor(Base):
    """An anchor: new index and check, old index and memo column gone."""

    __tablename__ = "anchors"
    __table_args__ = (CheckConstraint("length(tx_hash) = 66", name="tx_hash_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id"), index=True)
    tx_hash: Mapped[str] = mapped_column(String(66))
    status: Mapped[str] = mapped_column(String(16), server_default="pending")
    kind: Mapped[AnchorKind | None] = mapped_column(
        Enum(AnchorKind, name="anchor_kind")
    )


class Audit(Base):
    """A new table whose column has a new ENUM type."""

    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    anchor_id: Mapped[int] = mapped_column(ForeignKey("anchors.id"))
    action: Mapped[AnchorKind] = mapped_column(Enum(AnchorKind, name="audit_action"))
