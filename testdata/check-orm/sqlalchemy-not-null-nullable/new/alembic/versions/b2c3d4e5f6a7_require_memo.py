"""require memo

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
Create Date: 2024-03-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "b2c3d4e5f6a7"
down_revision = "a1b2c3d4e5f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("invoices", "memo", existing_type=sa.String(length=200), nullable=False)


def downgrade() -> None:
    op.alter_column("invoices", "memo", existing_type=sa.String(length=200), nullable=True)
