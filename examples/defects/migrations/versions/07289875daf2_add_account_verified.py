"""add account verified flag

Revision ID: 07289875daf2
Revises: 6a5c73b51595
Create Date: 2025-03-20 08:45:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '07289875daf2'
down_revision: Union[str, Sequence[str], None] = '6a5c73b51595'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('accounts', sa.Column('verified', sa.Boolean(), nullable=False))  # expect: STW304


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('accounts', 'verified')
