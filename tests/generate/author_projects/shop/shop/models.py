"""Models of the shop, ahead of its migrations."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Base of the shop's models."""


class Tenant(Base):
    """A new table that accounts refer to."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)


class Account(Base):
    """An account; every column but id and email changed since the revision."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    display_name: Mapped[str] = mapped_column(String(100))
    plan: Mapped[str] = mapped_column(String(16), server_default="free")
    region: Mapped[str] = mapped_column(String(8))
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    nickname: Mapped[str] = mapped_column(String(40))
