"""add payment fee

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

TABLE = "payments"
MONEY = sa.Numeric(precision=18, scale=6)


def upgrade() -> None:
    op.add_column(TABLE, sa.Column("fee", MONEY, nullable=False))


def downgrade() -> None:
    op.drop_column(TABLE, "fee")
