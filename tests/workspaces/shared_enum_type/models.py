import enum

from sqlalchemy import Enum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Network(enum.Enum):
    mainnet = "mainnet"
    testnet = "testnet"


network_type = Enum(Network, name="network")


class Deployment(Base):
    __tablename__ = "deployments"

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[Network] = mapped_column(network_type)


class Faucet(Base):
    __tablename__ = "faucets"

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[Network] = mapped_column(network_type)
