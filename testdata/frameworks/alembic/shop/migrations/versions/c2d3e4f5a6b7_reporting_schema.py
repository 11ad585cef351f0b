"""reporting schema

Revision ID: c2d3e4f5a6b7
Revises: 
Create Date: 2024-05-21 09:12:44.873902

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = 'c2d3e4f5a6b7'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = ('reporting',)
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute('CREATE SCHEMA IF NOT EXISTS reporting')
    op.create_table('daily_revenue',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('currency', sa.CHAR(length=3), nullable=False),
    sa.Column('amount', sa.Numeric(), server_default=sa.text('0'), nullable=False),
    sa.Column('orders', sa.Integer(), server_default='0', nullable=False),
    sa.Column('avg_basket', postgresql.DOUBLE_PRECISION(), nullable=True),
    sa.Column('ratio', sa.REAL(), nullable=True),
    sa.Column('window', postgresql.INTERVAL(), nullable=True),
    sa.Column('refreshed_at', sa.TIMESTAMP(timezone=True), server_default=sa.func.timezone('utc', sa.func.now()), nullable=True),
    sa.Column('hosts', postgresql.ARRAY(postgresql.INET(), dimensions=2), nullable=True),
    sa.Column('kind', sa.Enum('gross', 'net', name='revenue_kind', schema='reporting'), nullable=False),
    sa.Column('opened', sa.Time(), nullable=True),
    sa.PrimaryKeyConstraint('day', 'currency', 'kind', name='pk_daily_revenue'),
    schema='reporting'
    )
    op.create_index('ix_daily_revenue_day', 'daily_revenue', ['day'], unique=False, schema='reporting', postgresql_where=sa.text('amount > 0'))
    op.alter_column('daily_revenue', 'orders', existing_type=sa.Integer(), server_default=None, schema='reporting')
    op.alter_column('daily_revenue', 'ratio', type_=sa.Float(precision=53), nullable=False, comment=None, schema='reporting')
    op.drop_index('ix_daily_revenue_day', table_name='daily_revenue', schema='reporting')
    op.rename_table('daily_revenue', 'revenue_by_day', schema='reporting')
    op.drop_table('revenue_by_day', schema='reporting')
