"""rename accounts.display to display_name

Revision ID: 39354a22469d
Revises: d34ffda76c58
Create Date: 2025-04-14 10:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '39354a22469d'
down_revision: Union[str, Sequence[str], None] = 'd34ffda76c58'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.alter_column('accounts', 'display', new_column_name='display_name', existing_type=sa.String(length=50), existing_nullable=False)  # expect: STW307


def downgrade() -> None:
    """Downgrade schema."""
    op.alter_column('accounts', 'display_name', new_column_name='display', existing_type=sa.String(length=50), existing_nullable=False)
