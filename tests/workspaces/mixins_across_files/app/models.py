from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base
from app.db.mixins import IdMixin, TimestampMixin


class AuditEvent(IdMixin, TimestampMixin, Base):
    __tablename__ = "audit_events"

    action: Mapped[str] = mapped_column(String(40))


class Signer(TimestampMixin, IdMixin, Base):
    __tablename__ = "signers"

    display_name: Mapped[str] = mapped_column(String(120))
