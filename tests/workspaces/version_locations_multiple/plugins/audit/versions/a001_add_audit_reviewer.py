"""add audit reviewer

Revision ID: a001
Revises: 0001
Create Date: 2026-11-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = 'a001'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reports", sa.Column("reviewer", sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.drop_column("reports", "reviewer")
