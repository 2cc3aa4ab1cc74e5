"""create samples

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
        "samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("flag", sa.Boolean(), nullable=False),
        sa.Column("ratio", sa.Double(), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("stamp", sa.DateTime(), nullable=False),
        sa.Column("clock", sa.Time(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.Column("token", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("samples")
