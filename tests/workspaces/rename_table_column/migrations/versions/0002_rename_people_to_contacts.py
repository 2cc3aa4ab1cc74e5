"""rename people to contacts

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
    op.rename_table("people", "contacts")
    op.alter_column(
        "contacts", "name", new_column_name="full_name", existing_type=sa.String(80)
    )


def downgrade() -> None:
    op.alter_column(
        "contacts", "full_name", new_column_name="name", existing_type=sa.String(80)
    )
    op.rename_table("contacts", "people")
