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


def downgrade() -> None:
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.alter_column("bio", existing_type=sa.Text(), nullable=True)
        batch_op.drop_column("avatar_url")
