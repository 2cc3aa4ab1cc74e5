from sqlalchemy import Column, Enum, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Ticket(Base):
    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True)
    priority = Column(
        Enum("low", "normal", "high", native_enum=False, length=12),
        nullable=False,
    )
