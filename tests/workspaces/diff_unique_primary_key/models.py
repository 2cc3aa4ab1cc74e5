from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Anchor(Base):
    __tablename__ = "anchors"

    # unique=True repeats what the primary key already enforces.
    id: Mapped[int] = mapped_column(primary_key=True, unique=True)
    tx_hash: Mapped[str] = mapped_column(String(66))
