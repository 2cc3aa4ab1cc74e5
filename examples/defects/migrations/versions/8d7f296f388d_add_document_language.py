"""add document language

Revision ID: 8d7f296f388d
Revises: ee0e158cc884
Create Date: 2025-05-19 13:40:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '8d7f296f388d'
down_revision: Union[str, Sequence[str], None] = 'ee0e158cc884'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('documents', sa.Column('language', sa.String(length=8), nullable=True))


def downgrade() -> None:  # expect: STW301
    """Downgrade schema."""
    raise NotImplementedError("language cannot be removed once documents use it")
