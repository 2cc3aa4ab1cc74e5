"""allow duplicate handles

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
    with op.batch_alter_table("aliases") as batch_op:
        batch_op.drop_constraint("uq_aliases_handle", type_="unique")


def downgrade() -> None:
    with op.batch_alter_table("aliases") as batch_op:
        batch_op.create_unique_constraint("uq_aliases_handle", ["handle"])
