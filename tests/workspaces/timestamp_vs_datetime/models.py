from datetime import datetime

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Tick(Base):
    __tablename__ = "ticks"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
