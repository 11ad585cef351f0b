"""search: tsvector on orders

Revision ID: 7a8b9c0d1e2f
Revises: 5e6f7a8b9c0d
Create Date: 2024-04-11 17:12:45.002931

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '7a8b9c0d1e2f'
down_revision = '5e6f7a8b9c0d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('orders', sa.Column('search', postgresql.TSVECTOR(), sa.Computed("to_tsvector('simple', coalesce(notes, ''))", persisted=True), nullable=True))
    op.create_index('ix_orders_search', 'orders', ['search'], unique=False, postgresql_using='gin')


def downgrade() -> None:
    op.drop_index('ix_orders_search', table_name='orders', postgresql_using='gin')
    op.drop_column('orders', 'search')
