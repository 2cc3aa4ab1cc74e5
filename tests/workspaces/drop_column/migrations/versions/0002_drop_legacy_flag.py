"""drop legacy flag

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
    op.drop_column("sessions", "legacy_flag")


def downgrade() -> None:
    op.add_column("sessions", sa.Column("legacy_flag", sa.Boolean(), nullable=True))
