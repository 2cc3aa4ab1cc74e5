from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text

metadata = MetaData()

entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(50), nullable=False),
    Column("body", Text),
    Column("archived", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
)
