"""index orders concurrently

Revision ID: 4d5e6f7a8b9c
Revises: 3c4d5e6f7a8b
Create Date: 2024-03-22 11:20:57.120044

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d5e6f7a8b9c'
down_revision = '3c4d5e6f7a8b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('orders', sa.Column('shipped_at', sa.DateTime(timezone=True), nullable=True))
    with op.get_context().autocommit_block():
        op.create_index(
            'ix_orders_placed_at',
            'orders',
            ['placed_at'],
            unique=False,
            postgresql_concurrently=True,
        )
        op.create_index(
            'ix_orders_open',
            'orders',
            ['user_id', sa.text('placed_at DESC')],
            postgresql_where=sa.text("status IN ('pending', 'paid')"),
            postgresql_concurrently=True,
        )
        op.drop_index('ix_orders_user_status', table_name='orders', postgresql_concurrently=True)
        op.execute("ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded'")
    op.create_index('ix_users_lower_email', 'users', [sa.text('lower(email)')], unique=True)


def downgrade() -> None:
    op.drop_index('ix_users_lower_email', table_name='users')
    with op.get_context().autocommit_block():
        op.create_index('ix_orders_user_status', 'orders', ['user_id', 'status'], postgresql_concurrently=True)
        op.drop_index('ix_orders_open', table_name='orders', postgresql_concurrently=True)
        op.drop_index('ix_orders_placed_at', table_name='orders', postgresql_concurrently=True)
    op.drop_column('orders', 'shipped_at')
