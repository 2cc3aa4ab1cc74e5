"""create articles

Revision ID: 0001
Revises:
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "slug",
            mysql.VARCHAR(charset="utf8mb4", collation="utf8mb4_bin", length=80),
            nullable=False,
        ),
        sa.Column(
            "legacy_title", mysql.VARCHAR(charset="utf8mb4", length=80), nullable=False
        ),
        sa.Column(
            "tag",
            mysql.VARCHAR(collation="utf8mb4_general_ci", length=40),
            nullable=False,
        ),
        sa.Column("published", mysql.TINYINT(display_width=1), nullable=False),
        sa.Column("featured", sa.Boolean(), nullable=False),
        sa.Column("body", mysql.LONGTEXT(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.CHAR(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        mysql_default_charset="utf8mb4",
        mysql_collate="utf8mb4_general_ci",
    )


def downgrade() -> None:
    op.drop_table("articles")
