from sqlalchemy import ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Notary(Base):
    __tablename__ = "notaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    seal_code: Mapped[str] = mapped_column(String(20), unique=True)
    region: Mapped[str] = mapped_column(String(40), index=True)


class Stamp(Base):
    __tablename__ = "stamps"

    id: Mapped[int] = mapped_column(primary_key=True)
    notary_id: Mapped[int] = mapped_column(ForeignKey("notaries.id"))
