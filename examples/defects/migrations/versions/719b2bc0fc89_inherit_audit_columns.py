"""inherit audit columns

Revision ID: 719b2bc0fc89
Revises: 0f2189ed6378
Create Date: 2025-02-17 10:30:00.000000

PostgreSQL table inheritance has no Alembic operation, so it is raw SQL;
steward cannot tell what it does to audit_log and reports the table's
head shape as uncertain instead of reporting drift on it.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '719b2bc0fc89'
down_revision: Union[str, Sequence[str], None] = '0f2189ed6378'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.execute("ALTER TABLE audit_log INHERIT audit_base")  # expect: STW110


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("ALTER TABLE audit_log NO INHERIT audit_base")
