from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("chain_id", "tx_hash", name="uq_ledger_entries_chain_tx"),
        Index("ix_ledger_entries_account", "account", "chain_id"),
        {"info": {"owner": "ledger"}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[str] = mapped_column(String(16))
    tx_hash: Mapped[str] = mapped_column(String(66))
    account: Mapped[str] = mapped_column(String(42))
