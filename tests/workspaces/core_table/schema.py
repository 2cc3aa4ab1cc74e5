from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

metadata = MetaData()

anchors = Table(
    "anchors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("chain_id", String(32), nullable=False),
    Column("anchored_at", DateTime, nullable=False),
)
