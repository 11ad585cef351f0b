"""create resources

Revision ID: a1b2c3d4e5f6
Revises:
Create Date: 2016-11-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "a1b2c3d4e5f6"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    for table_name in ("resource", "metric"):
        op.create_table(
            table_name,
            sa.Column("id", sa.BigInteger(), nullable=False),
            sa.Column("created_by_user_id", sa.String(length=255), nullable=True),
            sa.Column("created_by_project_id", sa.String(length=255), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )
