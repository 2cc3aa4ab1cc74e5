"""split plugin tables

Revision ID: f9c3efd2ff3f
Revises: 3c1d9e70a4b2
Create Date: 2025-08-04 10:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'f9c3efd2ff3f'  # expect: STW404
down_revision: Union[str, Sequence[str], None] = '3c1d9e70a4b2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    pass


def downgrade() -> None:
    """Downgrade schema."""
    pass
