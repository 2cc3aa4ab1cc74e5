"""add organisation region

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("organisations", sa.Column("region", sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column("organisations", "region")
