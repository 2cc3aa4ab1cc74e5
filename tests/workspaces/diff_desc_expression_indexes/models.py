from sqlalchemy import Index, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    sealed_at: Mapped[int]


Index("ix_documents_sealed_desc", Document.sealed_at.desc())
Index("ix_documents_title_lower", func.lower(Document.title))
