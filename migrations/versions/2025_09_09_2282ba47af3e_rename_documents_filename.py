"""rename documents.filename to original_filename

Revision ID: 2282ba47af3e
Revises: abf952c1ece4
Create Date: 2025-09-09 08:45:02.118307

Autogenerate cannot tell a rename from a drop and an add, so this revision
is written by hand. The column keeps its type, nullability and comment
(``existing_*`` arguments, which MySQL needs to rename a column), and the
rows are kept. The API and the workers read the column only through the
Document model, which this release changes in the same deployment, so no
running code uses the old name after it.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '2282ba47af3e'
down_revision: Union[str, Sequence[str], None] = 'abf952c1ece4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.alter_column('filename',  # steward: ignore[STW307]
               new_column_name='original_filename',
               existing_type=sa.String(length=255),
               existing_nullable=False,
               existing_comment='File name as uploaded.')


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.alter_column('original_filename',
               new_column_name='filename',
               existing_type=sa.String(length=255),
               existing_nullable=False,
               existing_comment='File name as uploaded.')
