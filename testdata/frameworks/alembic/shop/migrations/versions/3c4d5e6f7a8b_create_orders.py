"""create orders

Revision ID: 3c4d5e6f7a8b
Revises: 2b3c4d5e6f7a
Create Date: 2024-03-15 09:41:03.998120

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '3c4d5e6f7a8b'
down_revision = '2b3c4d5e6f7a'
branch_labels = None
depends_on = None

order_status = postgresql.ENUM('pending', 'paid', 'shipped', 'cancelled', name='order_status', create_type=False)


def upgrade() -> None:
    order_status.create(op.get_bind(), checkfirst=True)
    op.create_table('orders',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('status', order_status, server_default='pending', nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sa.CHAR(length=3), server_default='EUR', nullable=False),
    sa.Column('placed_at', postgresql.TIMESTAMP(timezone=True, precision=3), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('metadata', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.CheckConstraint('total >= 0', name='ck_orders_total_positive'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_orders_user_id_users'),
    sa.PrimaryKeyConstraint('id', name='pk_orders'),
    sa.Index('ix_orders_user_status', 'user_id', 'status'),
    comment='customer orders'
    )
    op.create_table('order_items',
    sa.Column('order_id', sa.BigInteger(), sa.ForeignKey('orders.id', ondelete='CASCADE'), primary_key=True),
    sa.Column('line', sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column('sku', sa.String(length=40), nullable=False),
    sa.Column('quantity', sa.Integer(), sa.CheckConstraint('quantity > 0'), server_default='1', nullable=False),
    sa.Column('unit_price', sa.Numeric(10, 2), nullable=False)
    )


def downgrade() -> None:
    op.drop_table('order_items')
    op.drop_table('orders')
    order_status.drop(op.get_bind(), checkfirst=True)
