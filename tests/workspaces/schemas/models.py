from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Chain(Base):
    __tablename__ = "chains"
    __table_args__ = {"schema": "ledger"}

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16))


class Anchor(Base):
    __tablename__ = "anchors"
    __table_args__ = {"schema": "ledger"}

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("ledger.chains.id"))
