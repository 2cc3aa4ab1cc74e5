"""add legacy code

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


def upgrade() -> None:
    op.add_column("orders", sa.Column("legacy_code", sa.String(length=10), nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "legacy_code")
