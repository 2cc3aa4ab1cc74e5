"""mark release 1.4

Revision ID: a0289fc8eedc
Revises: d1f3241d92bc
Create Date: 2025-06-16 15:30:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'a0289fc8eedc'  # expect: STW403
down_revision: Union[str, Sequence[str], None] = 'd1f3241d92bc'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    pass


def downgrade() -> None:
    """Downgrade schema."""
    pass
