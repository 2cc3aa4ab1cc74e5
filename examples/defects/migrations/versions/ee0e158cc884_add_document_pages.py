"""add document pages

Revision ID: ee0e158cc884
Revises: 503bc8fc7529
Create Date: 2025-05-06 09:15:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'ee0e158cc884'
down_revision: Union[str, Sequence[str], None] = '503bc8fc7529'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('documents', sa.Column('pages', sa.Integer(), nullable=True))


def downgrade() -> None:  # expect: STW301
    """Downgrade schema."""
    pass
