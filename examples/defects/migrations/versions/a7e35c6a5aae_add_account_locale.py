"""add account locale

Revision ID: a7e35c6a5aae
Revises: 6af08d4cbf35
Create Date: 2025-07-14 09:20:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'a7e35c6a5aae'  # expect: STW401
down_revision: Union[str, Sequence[str], None] = '6af08d4cbf35'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('accounts', sa.Column('locale', sa.String(length=16), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('accounts', 'locale')
