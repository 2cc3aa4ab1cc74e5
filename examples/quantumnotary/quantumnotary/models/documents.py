"""Documents submitted for notarization."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quantumnotary.models.base import Base, TimestampMixin, intpk


class Document(TimestampMixin, Base):
    """A document, identified by its digest; the content is not stored."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("tenant_id", "sha256"),)

    id: Mapped[intpk]
    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id"), comment="Tenant that submitted the document."
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), index=True, comment="User who submitted it, if any."
    )
    sha256: Mapped[str] = mapped_column(
        String(64), comment="SHA-256 digest of the content, hex."
    )
    original_filename: Mapped[str] = mapped_column(
        String(255), comment="File name as uploaded."
    )
    media_type: Mapped[str] = mapped_column(
        String(127),
        server_default="application/octet-stream",
        comment="IANA media type of the content.",
    )
    size_bytes: Mapped[int] = mapped_column(
        BigInteger, server_default="0", comment="Content length in bytes."
    )
