"""Data-access code of the defect example.

Queries that look up an unindexed column end with ``# expect: STW203``;
the others use a primary key or an indexed column and must stay clean.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from notary_defects.models import Anchor, Document, Receipt


def documents_in_language(session: Session, language: str) -> list[Document]:
    """Return the documents written in ``language``, newest first."""
    statement = (
        select(Document)
        .where(Document.language == language)  # expect: STW203
        .order_by(Document.id.desc())
    )
    return list(session.scalars(statement))


def document_by_digest(session: Session, sha256: str) -> Document | None:
    """Return the document with this SHA-256 digest (an indexed column)."""
    return session.scalars(select(Document).where(Document.sha256 == sha256)).first()


def anchors_of_receipt(session: Session, receipt_tx_hash: str) -> list[Anchor]:
    """Return the anchors of a receipt, joined on an unindexed foreign key."""
    statement = (
        select(Anchor)
        .join(Receipt, Anchor.receipt_id == Receipt.id)  # expect: STW203
        .where(Receipt.receipt_tx_hash == receipt_tx_hash)
    )
    return list(session.scalars(statement))


def anchors_by_memo(session: Session, memo: str) -> list[Anchor]:
    """Return the anchors with this memo, ordered by chain."""
    query = session.query(Anchor).filter_by(memo=memo)  # expect: STW203
    return query.order_by(Anchor.chain_id).all()


def receipt(session: Session, receipt_id: int) -> Receipt | None:
    """Return one receipt by primary key."""
    return session.get(Receipt, receipt_id)
