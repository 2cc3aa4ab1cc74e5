import enum

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class AnchorState(enum.Enum):
    pending = "pending"
    anchored = "anchored"
    orphaned = "orphaned"


class Anchor(Base):
    __tablename__ = "anchors"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[AnchorState]
