import datetime
import uuid
from decimal import Decimal

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Sample(Base):
    __tablename__ = "samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str]
    flag: Mapped[bool]
    ratio: Mapped[float]
    amount: Mapped[Decimal]
    day: Mapped[datetime.date]
    stamp: Mapped[datetime.datetime]
    clock: Mapped[datetime.time]
    blob: Mapped[bytes]
    token: Mapped[uuid.UUID]
