"""create billing plans

Revision ID: 0003
Revises: 
Create Date: 2026-11-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = None
branch_labels = ('billing',)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "billing_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("billing_plans")
