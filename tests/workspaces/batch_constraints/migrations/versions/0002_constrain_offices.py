"""constrain offices

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
    with op.batch_alter_table("offices") as batch_op:
        batch_op.create_unique_constraint("uq_offices_code", ["code"])
        batch_op.create_foreign_key(
            "fk_offices_region_id_regions", "regions", ["region_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("offices") as batch_op:
        batch_op.drop_constraint("fk_offices_region_id_regions", type_="foreignkey")
        batch_op.drop_constraint("uq_offices_code", type_="unique")
