"""merge billing and search

Revision ID: 8b9c0d1e2f3a
Revises: 6f7a8b9c0d1e, 7a8b9c0d1e2f
Create Date: 2024-04-15 10:00:12.731456

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b9c0d1e2f3a'
down_revision = ('6f7a8b9c0d1e', '7a8b9c0d1e2f')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
