"""create certificates

Revision ID: 0001
Revises: 
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("draft", "sealed", name="certificate_state"),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum("email", "sms", "post", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("certificates")
    sa.Enum(name="certificate_state").drop(op.get_bind(), checkfirst=True)
