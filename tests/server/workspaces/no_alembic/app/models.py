from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    reviewer_note: Mapped[str | None] = mapped_column(Text)


class Anchor(Base):
    __tablename__ = "anchors"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    chain_id: Mapped[str] = mapped_column(String(32))
    tx_hash: Mapped[str] = mapped_column(String(66), index=True)
