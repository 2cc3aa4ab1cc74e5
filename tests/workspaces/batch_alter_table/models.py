from typing import Optional

from sqlalchemy import String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Profile(Base):
    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    bio: Mapped[str] = mapped_column(Text)
    avatar_url: Mapped[Optional[str]] = mapped_column(String(255))
    handle: Mapped[Optional[str]] = mapped_column(String(40), index=True, unique=True)
