"""Tenants: the organisations that notarize documents."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from quantumnotary.models.base import Base, TimestampMixin, intpk


class Tenant(TimestampMixin, Base):
    """An organisation with its own users, documents and notarizations."""

    __tablename__ = "tenants"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(
        String(64), unique=True, comment="URL-safe tenant identifier."
    )
    name: Mapped[str] = mapped_column(
        String(200), comment="Legal name of the organisation."
    )
    contact_email: Mapped[str] = mapped_column(
        String(320),
        comment="Address for billing and security notices.",
        info={"pii": "email", "retention": "P7Y"},
    )
    plan: Mapped[str] = mapped_column(
        String(32),
        server_default="standard",
        comment="Billing plan; decides the ledgers a tenant may anchor on.",
    )
