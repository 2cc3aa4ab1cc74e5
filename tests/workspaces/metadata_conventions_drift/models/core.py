from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class CoreBase(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "core_ix_%(column_0_label)s",
            "uq": "core_uq_%(table_name)s_%(column_0_name)s",
            "pk": "core_pk_%(table_name)s",
        }
    )


class Account(CoreBase):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(40), unique=True)
    region: Mapped[str] = mapped_column(String(8), index=True)
