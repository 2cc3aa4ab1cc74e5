import os

from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

engine = create_engine(os.environ["DATABASE_URL"], pool_size=20, max_overflow=0)

async_engine = create_async_engine(
    "postgresql+asyncpg://ledger@127.0.0.1/ledger",
    poolclass=NullPool,
    pool_pre_ping=True,
)
