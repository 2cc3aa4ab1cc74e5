from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Receipt(Base):
    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The revision created these with other Python-side defaults.
    attempts: Mapped[int] = mapped_column(default=3)
    touched_at: Mapped[datetime] = mapped_column(default=func.now(), onupdate=func.now())
