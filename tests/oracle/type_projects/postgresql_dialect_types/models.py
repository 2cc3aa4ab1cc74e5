import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from coltypes import Guid, PortableGuid, Token


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    payload: Mapped[dict[str, Any]] = mapped_column(postgresql.JSONB)
    # Drift: the head column is JSON.
    headers: Mapped[dict[str, Any]] = mapped_column(postgresql.JSONB())
    # Drift: the model declares JSON, the head column is JSONB.
    extra: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    source_id: Mapped[uuid.UUID] = mapped_column(postgresql.UUID)
    trace_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    # Drift: the head column is VARCHAR(36).
    span_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid())
    scores: Mapped[list[int]] = mapped_column(postgresql.ARRAY(sa.Integer))
    # Drift: the head column is VARCHAR[].
    ranks: Mapped[list[int]] = mapped_column(postgresql.ARRAY(sa.Integer()))
    token: Mapped[str] = mapped_column(Token)
    owner_id: Mapped[uuid.UUID] = mapped_column(Guid)
    # load_dialect_impl picks UUID here, as at head.
    device_id: Mapped[uuid.UUID] = mapped_column(PortableGuid)
