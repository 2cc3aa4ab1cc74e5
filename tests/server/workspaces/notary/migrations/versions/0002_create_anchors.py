"""create anchors

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "anchors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.String(length=32), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_anchors_document_id", "anchors", ["document_id"])
    op.create_index("ix_anchors_tx_hash", "anchors", ["tx_hash"])


def downgrade() -> None:
    pass
