"""Audit events: who did what, from where."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column

from quantumnotary.models.base import Base


class AuditEvent(Base):
    """An action on a tenant's data, kept for the evidence trail."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(
        ForeignKey("tenants.id"), index=True, comment="Tenant whose data was acted on."
    )
    actor: Mapped[str] = mapped_column(
        String(320),
        comment="Email of the user or prefix of the API key that acted.",
        info={"pii": "email", "retention": "P7Y"},
    )
    action: Mapped[str] = mapped_column(
        String(64), comment="Dotted action name, e.g. notarization.revoke."
    )
    ip_address: Mapped[str | None] = mapped_column(
        String(45),
        comment="Client address of the request.",
        info={"pii": "ip", "retention": "P1Y"},
    )
    details: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, comment="Action-specific details."
    )
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True),
        server_default=text("CURRENT_TIMESTAMP"),
        comment="When the action happened.",
    )
