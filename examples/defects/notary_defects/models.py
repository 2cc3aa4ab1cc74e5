"""Models of the defect example.

Each line that steward must report ends with ``# expect: CODE``; the test
tests/examples/test_defects.py compares those markers with what
``steward check examples/defects`` reports. Every other line is meant to be
clean, so a finding without a marker is a false positive.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def audited(label: str) -> dict[str, Any]:
    """Return column options shared by audit columns (not literal to steward)."""
    return {"comment": f"{label}, recorded for the audit trail."}


class Base(DeclarativeBase):
    """Base of the defect example's models."""


class Account(Base):  # expect: STW104
    """An account; the migrations still build a legacy_flag column it dropped."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))  # expect: STW601
    phone: Mapped[str | None] = mapped_column(String(32), info={"pii": "phone"})  # expect: STW602
    display_name: Mapped[str] = mapped_column(String(100))  # expect: STW105
    nickname: Mapped[str] = mapped_column(String(40))  # expect: STW106
    status: Mapped[str] = mapped_column(String(16), server_default="active")  # expect: STW109
    bio: Mapped[str | None] = mapped_column(Text)  # expect: STW103
    verified: Mapped[bool] = mapped_column(Boolean)
    locale: Mapped[str | None] = mapped_column(String(16))


class Receipt(Base):
    """A ledger receipt stored without the chain it was issued on."""

    __tablename__ = "receipts"
    __table_args__ = (Index("ix_receipts_receipt_tx_hash_issued_at", "receipt_tx_hash", "issued_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_tx_hash: Mapped[str] = mapped_column(String(66), index=True)  # expect: STW501, STW204
    note: Mapped[str | None] = mapped_column(String(200))
    issued_at: Mapped[datetime | None] = mapped_column(DateTime)


class Anchor(Base):
    """An anchor with an unindexed ledger id and foreign key."""

    __tablename__ = "anchors"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id"))  # expect: STW202
    chain_id: Mapped[str] = mapped_column(String(64), index=True)
    anchor_id: Mapped[str] = mapped_column(String(66))  # expect: STW201
    ledger_id: Mapped[str | None] = mapped_column(String(32), index=True)  # expect: STW502
    memo: Mapped[str | None] = mapped_column(String(200))


class Document(Base):  # expect: STW107
    """A document whose indexes and constraints disagree with the migrations."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("external_ref", name="uq_documents_external_ref"),  # expect: STW108
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # expect: STW107
    external_ref: Mapped[str | None] = mapped_column(String(64))
    pages: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(8))
    checksum_algorithm: Mapped[str | None] = mapped_column(String(16))


class Invoice(Base):  # expect: STW101
    """A table that no migration creates."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    amount_cents: Mapped[int] = mapped_column(Integer)


class AuditBase(Base):
    """Columns every audit table inherits (PostgreSQL table inheritance)."""

    __tablename__ = "audit_base"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(120), **audited("Who acted"))  # expect: STW100


class AuditLog(Base):
    """Audit entries; a raw ALTER TABLE makes its head shape uncertain."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
