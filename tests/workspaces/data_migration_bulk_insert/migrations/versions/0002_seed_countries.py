"""seed countries

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
    countries = sa.table(
        "countries",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("legacy_name", sa.String),
    )
    op.bulk_insert(countries, [{"id": 1, "code": "FR"}, {"id": 2, "code": "JP"}])


def downgrade() -> None:
    op.execute("DELETE FROM countries WHERE id IN (1, 2)")
