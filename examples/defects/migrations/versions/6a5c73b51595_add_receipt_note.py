"""add receipt note and lower-case the tx hashes

Revision ID: 6a5c73b51595
Revises: 719b2bc0fc89
Create Date: 2025-03-03 14:05:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '6a5c73b51595'
down_revision: Union[str, Sequence[str], None] = '719b2bc0fc89'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('receipts', sa.Column('note', sa.String(length=200), nullable=True))
    op.execute("UPDATE receipts SET receipt_tx_hash = lower(receipt_tx_hash)")  # expect: STW305


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('receipts', 'note')
