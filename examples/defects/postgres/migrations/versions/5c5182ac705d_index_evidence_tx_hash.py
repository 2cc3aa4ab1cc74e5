"""index evidence by transaction and widen tenant ids

Revision ID: 5c5182ac705d
Revises: dc09b2a58771
Create Date: 2025-09-15 09:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '5c5182ac705d'
down_revision: Union[str, Sequence[str], None] = 'dc09b2a58771'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index('ix_evidence_tx_hash', 'evidence', ['tx_hash'], unique=False)  # expect: STW306
    op.alter_column('evidence', 'tenant_id', type_=sa.BigInteger(), existing_type=sa.Integer(), existing_nullable=False)  # expect: STW306


def downgrade() -> None:
    """Downgrade schema."""
    op.alter_column('evidence', 'tenant_id', type_=sa.Integer(), existing_type=sa.BigInteger(), existing_nullable=False)
    op.drop_index('ix_evidence_tx_hash', table_name='evidence')
