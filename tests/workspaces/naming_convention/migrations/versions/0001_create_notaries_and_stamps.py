"""create notaries and stamps

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
        "notaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seal_code", sa.String(length=20), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notaries")),
        sa.UniqueConstraint("seal_code", name=op.f("uq_notaries_seal_code")),
    )
    op.create_index(op.f("ix_notaries_region"), "notaries", ["region"], unique=False)
    op.create_table(
        "stamps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notary_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notary_id"],
            ["notaries.id"],
            name=op.f("fk_stamps_notary_id_notaries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stamps")),
    )


def downgrade() -> None:
    op.drop_table("stamps")
    op.drop_index(op.f("ix_notaries_region"), table_name="notaries")
    op.drop_table("notaries")
