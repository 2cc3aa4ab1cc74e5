"""Column types of the project: TypeDecorator subclasses."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeDecorator


class Token(TypeDecorator):
    """An API token, stored as VARCHAR(64)."""

    impl = sa.String(64)
    cache_ok = True


class Code(TypeDecorator):
    """A short code; its length is passed on to String."""

    impl = sa.String
    cache_ok = True


class Guid(TypeDecorator):
    """A UUID stored as SQLAlchemy's Uuid stores it on each dialect."""

    impl = sa.Uuid
    cache_ok = True


class PortableGuid(TypeDecorator):
    """A UUID stored as UUID on PostgreSQL and as CHAR(32) elsewhere."""

    impl = sa.CHAR
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.UUID())
        return dialect.type_descriptor(sa.CHAR(32))
