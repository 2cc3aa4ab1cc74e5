"""check ledger anchor block numbers

Revision ID: 4b528301f3a4
Revises: 2282ba47af3e
Create Date: 2025-10-14 14:36:51.774025

Autogenerate does not compare CHECK constraints, so this revision is
written by hand. The name is spelled out with op.f() because the naming
convention of the models' MetaData does not reach the operations.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '4b528301f3a4'
down_revision: Union[str, Sequence[str], None] = '2282ba47af3e'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('ledger_anchors', schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f('ck_ledger_anchors_block_number_not_negative'),
            'block_number >= 0',
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('ledger_anchors', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('ck_ledger_anchors_block_number_not_negative'),
            type_='check',
        )
