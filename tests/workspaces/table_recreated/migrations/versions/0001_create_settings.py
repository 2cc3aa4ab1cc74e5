"""create settings

Revision ID: 0001
Revises: 
Create Date: 2026-11-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_settings_name", "settings", ["name"])


def downgrade() -> None:
    op.drop_index("ix_settings_name", table_name="settings")
    op.drop_table("settings")
