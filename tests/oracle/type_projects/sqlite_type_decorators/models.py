import uuid

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from coltypes import Code, Guid, PortableGuid, Token


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(Token)
    # Drift: the head column is VARCHAR(32).
    old_token: Mapped[str] = mapped_column(Token())
    code: Mapped[str] = mapped_column(Code(20))
    # Drift: the head column is VARCHAR(10).
    short_code: Mapped[str] = mapped_column(Code(length=12))
    owner_id: Mapped[uuid.UUID] = mapped_column(Guid)
    # Drift: the head column is VARCHAR(36), Uuid is CHAR(32) on SQLite.
    issuer_id: Mapped[uuid.UUID] = mapped_column(Guid())
    plain_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    # load_dialect_impl picks the type: steward reports it once, as
    # information, and does not compare these two columns.
    device_id: Mapped[uuid.UUID] = mapped_column(PortableGuid)
    session_id: Mapped[uuid.UUID] = mapped_column(PortableGuid())
