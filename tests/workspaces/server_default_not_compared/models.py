from sqlalchemy import Column, Integer, MetaData, Table, text

metadata = MetaData()

quotas = Table(
    "quotas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("daily_limit", Integer, nullable=False, server_default=text("100")),
)
