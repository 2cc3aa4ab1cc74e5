"""index anchor chains and add memo

Revision ID: 503bc8fc7529
Revises: 39354a22469d
Create Date: 2025-04-22 11:10:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '503bc8fc7529'
down_revision: Union[str, Sequence[str], None] = '39354a22469d'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(op.f('ix_anchors_chain_id'), 'anchors', ['chain_id'], unique=False)  # expect: STW302
    op.add_column('anchors', sa.Column('memo', sa.String(length=200), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('anchors', 'memo')
