"""create organizations

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
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.String(length=10), server_default="FREE", nullable=False),
        sa.Column(
            "region", sa.String(length=20), server_default=sa.text("'eu'"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_organizations_region"), "organizations", ["region"])


def downgrade() -> None:
    op.drop_index(op.f("ix_organizations_region"), table_name="organizations")
    op.drop_table("organizations")
