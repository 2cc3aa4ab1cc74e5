from datetime import datetime

from sqlalchemy import func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Notarization(Base):
    __tablename__ = "notarizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Each default is spelled here otherwise than in the revision.
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=text("CURRENT_TIMESTAMP"))
    attempts: Mapped[int] = mapped_column(server_default="0")
