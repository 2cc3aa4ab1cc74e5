"""drop account fax

Revision ID: d34ffda76c58
Revises: 07289875daf2
Create Date: 2025-04-07 16:20:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'd34ffda76c58'
down_revision: Union[str, Sequence[str], None] = '07289875daf2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.drop_column('accounts', 'fax')  # expect: STW303


def downgrade() -> None:
    """Downgrade schema."""
    op.add_column('accounts', sa.Column('fax', sa.String(length=32), nullable=True))
