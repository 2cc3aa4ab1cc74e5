"""create ledger

Revision ID: 4d2e6a1b7c90
Revises: 
Create Date: 2025-06-10 08:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '4d2e6a1b7c90'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('chains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chains'))
    )
    op.create_table('anchors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=False),
    sa.Column('tx_hash', sa.String(length=66), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='new', nullable=False),
    sa.Column('memo', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['chain_id'], ['chains.id'], name=op.f('fk_anchors_chain_id_chains')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anchors'))
    )
    op.create_index(op.f('ix_anchors_tx_hash'), 'anchors', ['tx_hash'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_anchors_tx_hash'), table_name='anchors')
    op.drop_table('anchors')
    op.drop_table('chains')
