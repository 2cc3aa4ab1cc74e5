from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Timestamped:
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Case(Timestamped, Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))


class Exhibit(Timestamped, Base):
    __tablename__ = "exhibits"

    id: Mapped[int] = mapped_column(primary_key=True)
