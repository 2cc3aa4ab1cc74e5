"""add item sku with sql

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
    op.execute("ALTER TABLE items ADD COLUMN sku VARCHAR(32)")
    op.execute("CREATE INDEX ix_items_sku ON items (sku)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_items_sku")
    op.execute("ALTER TABLE items DROP COLUMN sku")
