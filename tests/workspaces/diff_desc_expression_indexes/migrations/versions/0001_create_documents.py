"""create documents

Revision ID: 0001
Revises: 
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("sealed_at", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_documents_sealed_desc", "documents", [sa.text("sealed_at DESC")]
    )
    op.create_index(
        "ix_documents_title_lower", "documents", [sa.text("lower(title)")]
    )


def downgrade() -> None:
    op.drop_index("ix_documents_title_lower", table_name="documents")
    op.drop_index("ix_documents_sealed_desc", table_name="documents")
    op.drop_table("documents")
