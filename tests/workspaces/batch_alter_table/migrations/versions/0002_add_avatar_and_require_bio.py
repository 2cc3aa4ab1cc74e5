"""add avatar and require bio

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("avatar_url", sa.String(length=255), nullable=True))
        batch_op.alter_column("bio", existing_type=sa.Text(), nullable=False)
        batch_op.add_column(sa.Column("handle", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_profiles_handle"), ["handle"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profiles_handle"))
        batch_op.drop_column("handle")
        batch_op.alter_column("bio", existing_type=sa.Text(), nullable=True)
        batch_op.drop_column("avatar_url")
