from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Seal(Base):
    __tablename__ = "seals"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The revision built a naive TIMESTAMP and a VARCHAR.
    sealed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int]
