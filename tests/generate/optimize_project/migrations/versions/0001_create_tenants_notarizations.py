"""create tenants and notarizations

Revision ID: 0001
Revises:
Create Date: 2026-12-01 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("region", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("slug", name=op.f("uq_tenants_slug")),
    )
    op.create_table(
        "notarizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("chain_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("document_reference", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_notarizations_tenant_id_tenants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notarizations")),
    )
    op.create_index(
        op.f("ix_notarizations_chain_id"), "notarizations", ["chain_id"], unique=False
    )
    op.create_index(
        "ix_notarizations_status_created_at",
        "notarizations",
        ["status", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_notarizations_status", "notarizations", ["status"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_notarizations_status", table_name="notarizations")
    op.drop_index("ix_notarizations_status_created_at", table_name="notarizations")
    op.drop_index(op.f("ix_notarizations_chain_id"), table_name="notarizations")
    op.drop_table("notarizations")
    op.drop_table("tenants")
