"""add document checksum algorithm

Revision ID: d1f3241d92bc
Revises: 8d7f296f388d
Create Date: 2025-06-02 10:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'd1f3241d92bc'  # expect: STW301
down_revision: Union[str, Sequence[str], None] = '8d7f296f388d'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('documents', sa.Column('checksum_algorithm', sa.String(length=16), nullable=True))
