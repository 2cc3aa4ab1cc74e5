"""create deployments and faucets

Revision ID: 0001
Revises: 
Create Date: 2026-11-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deployments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network", sa.Enum("mainnet", "testnet", name="network"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "faucets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "network",
            postgresql.ENUM("mainnet", "testnet", name="network", create_type=False),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("faucets")
    op.drop_table("deployments")
    sa.Enum(name="network").drop(op.get_bind(), checkfirst=True)
