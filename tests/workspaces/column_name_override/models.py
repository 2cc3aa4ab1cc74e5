from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Filing(Base):
    __tablename__ = "filings"

    id: Mapped[int] = mapped_column("filing_id", primary_key=True)
    title: Mapped[str] = mapped_column("doc_title", String(50))
    pages = Column("page_count", Integer, nullable=True)
