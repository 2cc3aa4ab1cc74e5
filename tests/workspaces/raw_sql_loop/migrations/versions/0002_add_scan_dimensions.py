"""add scan dimensions

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

DIMENSIONS = ("width", "height")


def upgrade() -> None:
    for dimension in DIMENSIONS:
        op.execute(f"ALTER TABLE scans ADD COLUMN {dimension} INTEGER")


def downgrade() -> None:
    for dimension in DIMENSIONS:
        op.execute(f"ALTER TABLE scans DROP COLUMN {dimension}")
