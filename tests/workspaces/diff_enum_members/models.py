from sqlalchemy import Enum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Certificate(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The model adds "revoked" to the native type the revision created.
    state: Mapped[str] = mapped_column(
        Enum("draft", "sealed", "revoked", name="certificate_state")
    )
    # The model removes "post" from the CHECK constraint of a VARCHAR enum.
    channel: Mapped[str] = mapped_column(
        Enum("email", "sms", native_enum=False, create_constraint=True)
    )
