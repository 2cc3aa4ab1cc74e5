from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Party(Base):
    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "party"}


class Company(Party):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(ForeignKey("parties.id"), primary_key=True)
    registry_number: Mapped[str] = mapped_column(String(30))
    vat_number: Mapped[str | None] = mapped_column(String(20))

    __mapper_args__ = {"polymorphic_identity": "company"}
