"""add receipt issue time

Revision ID: fa007e9ea8ef
Revises: 6af08d4cbf35
Create Date: 2025-07-15 17:05:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'fa007e9ea8ef'  # expect: STW401
down_revision: Union[str, Sequence[str], None] = '6af08d4cbf35'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('receipts', sa.Column('issued_at', sa.DateTime(), nullable=True))
    op.create_index('ix_receipts_receipt_tx_hash_issued_at', 'receipts', ['receipt_tx_hash', 'issued_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_receipts_receipt_tx_hash_issued_at', table_name='receipts')
    op.drop_column('receipts', 'issued_at')
