"""create ledger schema

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
    op.execute("CREATE SCHEMA IF NOT EXISTS ledger")
    op.create_table(
        "chains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        schema="ledger",
    )
    op.create_table(
        "anchors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["chain_id"], ["ledger.chains.id"]),
        sa.PrimaryKeyConstraint("id"),
        schema="ledger",
    )


def downgrade() -> None:
    op.drop_table("anchors", schema="ledger")
    op.drop_table("chains", schema="ledger")
    op.execute("DROP SCHEMA ledger")
