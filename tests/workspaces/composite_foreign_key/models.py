from sqlalchemy import ForeignKeyConstraint, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Chain(Base):
    __tablename__ = "chains"

    network: Mapped[str] = mapped_column(String(16), primary_key=True)
    chain_id: Mapped[int] = mapped_column(primary_key=True)


class Block(Base):
    __tablename__ = "blocks"
    __table_args__ = (
        ForeignKeyConstraint(
            ["network", "chain_id"], ["chains.network", "chains.chain_id"]
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(16))
    chain_id: Mapped[int]
