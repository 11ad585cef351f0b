"""billing: invoices

Revision ID: 6f7a8b9c0d1e
Revises: 5e6f7a8b9c0d
Create Date: 2024-04-10 08:30:00.410288

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '6f7a8b9c0d1e'
down_revision = '5e6f7a8b9c0d'
branch_labels = ('billing',)
depends_on = None


def upgrade() -> None:
    op.create_table('invoices',
    sa.Column('id', postgresql.UUID(as_uuid=True), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('order_id', sa.BigInteger(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('issued_on', sa.Date(), server_default=sa.text('CURRENT_DATE'), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number', name='uq_invoices_number')
    )
    op.add_column('orders', sa.Column('invoice_id', postgresql.UUID(as_uuid=True), nullable=True))
    op.create_foreign_key(None, 'orders', 'invoices', ['invoice_id'], ['id'], postgresql_not_valid=True)


def downgrade() -> None:
    op.drop_constraint('orders_invoice_id_fkey', 'orders', type_='foreignkey')
    op.drop_column('orders', 'invoice_id')
    op.drop_table('invoices')
