import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from coltypes import Guid, PortableGuid, Token


class Base(DeclarativeBase):
    pass


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(
        mysql.VARCHAR(80, charset="utf8mb4", collation="utf8mb4_bin")
    )
    # Drift that Alembic misses: the head column is utf8mb4, the table's
    # default character set, which reflection leaves out.
    legacy_title: Mapped[str] = mapped_column(mysql.VARCHAR(80, charset="latin1"))
    # Drift that Alembic misses: the head column has the table's default
    # collation, utf8mb4_general_ci.
    tag: Mapped[str] = mapped_column(mysql.VARCHAR(40, collation="utf8mb4_bin"))
    published: Mapped[int] = mapped_column(mysql.TINYINT(1))
    featured: Mapped[int] = mapped_column(mysql.TINYINT(1))
    body: Mapped[str] = mapped_column(mysql.LONGTEXT)
    # Drift: the head column is TEXT.
    summary: Mapped[str] = mapped_column(mysql.LONGTEXT())
    token: Mapped[str] = mapped_column(Token)
    author_id: Mapped[uuid.UUID] = mapped_column(Guid)
    # load_dialect_impl picks CHAR(32) here, as at head.
    device_id: Mapped[uuid.UUID] = mapped_column(PortableGuid)
