"""merge projects and region

Revision ID: 0004
Revises: 0002, 0003
Create Date: 2026-11-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = ('0002', '0003')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
