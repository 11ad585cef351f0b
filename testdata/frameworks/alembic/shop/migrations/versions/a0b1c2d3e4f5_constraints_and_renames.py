"""constraints and renames

Revision ID: a0b1c2d3e4f5
Revises: 9c0d1e2f3a4b
Create Date: 2024-05-02 09:03:27.550114

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'a0b1c2d3e4f5'
down_revision = '9c0d1e2f3a4b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_unique_constraint(None, 'orders', ['invoice_id'])
    op.create_check_constraint('ck_order_items_sku_format', 'order_items', "sku ~ '^[A-Z0-9-]+$'")
    op.create_foreign_key('fk_order_items_order', 'order_items', 'orders', ['order_id'], ['id'], ondelete='CASCADE', deferrable=True, initially='DEFERRED')
    op.drop_constraint('order_items_order_id_fkey', 'order_items', type_='foreignkey')
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=True), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.func.current_timestamp(), nullable=False),
    sa.Column('actor', sa.String(), nullable=True),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('during', postgresql.TSTZRANGE(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    postgresql.ExcludeConstraint(('actor', '='), ('during', '&&'), name='ex_audit_log_actor_during', using='gist'),
    schema='audit'
    )
    op.create_primary_key('pk_currencies_code', 'currencies', ['code'])
    op.create_table_comment('currencies', 'ISO 4217 currencies')
    op.rename_table('order_items', 'order_lines')
    op.drop_column('users', 'preferences')
    op.drop_table('invoices')


def downgrade() -> None:
    raise NotImplementedError("irreversible")
