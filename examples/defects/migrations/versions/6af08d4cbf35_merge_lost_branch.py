"""merge a branch whose revision file was deleted

Revision ID: 6af08d4cbf35
Revises: a0289fc8eedc, 0badc0ffee00
Create Date: 2025-07-01 12:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '6af08d4cbf35'
down_revision: Union[str, Sequence[str], None] = ('a0289fc8eedc', '0badc0ffee00')  # expect: STW402
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    pass


def downgrade() -> None:
    """Downgrade schema."""
    pass
