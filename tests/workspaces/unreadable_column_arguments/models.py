import enum

from sqlalchemy import String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Plan(enum.Enum):
    FREE = "free"
    PAID = "paid"


def settings_flag(name: str) -> bool:
    return name == "index_plans"


class Base(DeclarativeBase):
    pass


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Neither value is SQL text or a literal that a static reader can follow.
    plan: Mapped[str] = mapped_column(String(10), server_default=Plan.FREE.name)
    region: Mapped[str] = mapped_column(
        String(20), index=settings_flag("index_plans"), server_default=text("'eu'")
    )
