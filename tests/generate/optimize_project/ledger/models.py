from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    region: Mapped[str] = mapped_column(String(20))

    notarizations: Mapped[list["Notarization"]] = relationship(back_populates="tenant")


class Notarization(Base):
    __tablename__ = "notarizations"
    __table_args__ = (
        Index("ix_notarizations_status_created_at", "status", "created_at"),
        Index("ix_notarizations_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    tx_hash: Mapped[str] = mapped_column(String(66))
    chain_id: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16))
    document_ref: Mapped[str] = mapped_column("document_reference", String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)

    tenant: Mapped[Tenant] = relationship(back_populates="notarizations")
