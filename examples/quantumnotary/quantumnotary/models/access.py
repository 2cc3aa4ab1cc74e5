"""Users and API keys: who acts on behalf of a tenant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quantumnotary.models.base import Base, TimestampMixin, intpk


class User(TimestampMixin, Base):
    """A person who signs in to a tenant's console."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("tenant_id", "email"),)

    id: Mapped[intpk]
    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id"), comment="Tenant the user belongs to."
    )
    email: Mapped[str] = mapped_column(
        String(320),
        comment="Sign-in address, unique within a tenant.",
        info={"pii": "email", "retention": "P7Y"},
    )
    full_name: Mapped[str | None] = mapped_column(
        String(200),
        comment="Display name.",
        info={"pii": "name", "retention": "P7Y"},
    )


class ApiKey(TimestampMixin, Base):
    """A key with which a tenant's systems call the notarization API."""

    __tablename__ = "api_keys"

    id: Mapped[intpk]
    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id"), index=True, comment="Tenant the key acts for."
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), index=True, comment="User who created the key."
    )
    key_prefix: Mapped[str] = mapped_column(
        String(12),
        unique=True,
        comment="First characters of the key, shown in the console.",
    )
    key_hash: Mapped[str] = mapped_column(
        String(64),
        comment="SHA-256 of the full key, hex; the key itself is never stored.",
    )
    revoked_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="When the key was revoked, if it was."
    )
    last_used_ip: Mapped[str | None] = mapped_column(
        String(45),
        comment="Client address of the last request made with the key.",
        info={"pii": "ip", "retention": "P90D"},
    )
