"""add core user login

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
    op.add_column("core_users", sa.Column("login", sa.String(length=40), nullable=False))


def downgrade() -> None:
    op.drop_column("core_users", "login")
