from datetime import datetime
from typing import Optional

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Record(Base):
    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[Optional[datetime]]


class Batch(Record):
    __tablename__ = "batches"

    label: Mapped[str] = mapped_column(String(64))


class Receipt(Record):
    __tablename__ = "receipts"

    number: Mapped[str] = mapped_column(String(32))
