"""create accounts and widgets

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
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=40), nullable=False),
        sa.Column("region", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("core_pk_accounts")),
        sa.UniqueConstraint("login", name=op.f("core_uq_accounts_login")),
    )
    op.create_index(
        op.f("core_ix_accounts_region"), "accounts", ["region"], unique=False
    )
    op.create_table(
        "widgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", name=op.f("plugin_uq_widgets_code")),
    )
    op.create_index(
        op.f("plugin_ix_widgets_kind"), "widgets", ["kind"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("plugin_ix_widgets_kind"), table_name="widgets")
    op.drop_table("widgets")
    op.drop_index(op.f("core_ix_accounts_region"), table_name="accounts")
    op.drop_table("accounts")
