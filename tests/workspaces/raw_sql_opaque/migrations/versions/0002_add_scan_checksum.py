"""add scan checksum

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from pathlib import Path

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

SQL_FILE = Path(__file__).with_name("0002_add_scan_checksum.sql")


def upgrade() -> None:
    op.execute(SQL_FILE.read_text(encoding="utf-8"))


def downgrade() -> None:
    op.drop_column("scans", "checksum")
