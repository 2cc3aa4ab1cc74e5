from sqlalchemy import Index, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class PluginBase(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "plugin_ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "plugin_uq_%(column_0_label)s",
        }
    )


class Widget(PluginBase):
    __tablename__ = "widgets"
    __table_args__ = (Index(None, "kind", "size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    size: Mapped[int]
