"""tenant columns on every customer table

Revision ID: b1c2d3e4f5a6
Revises: a0b1c2d3e4f5
Create Date: 2024-05-20 15:31:08.401557

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'b1c2d3e4f5a6'
down_revision = 'a0b1c2d3e4f5'
branch_labels = None
depends_on = None

TENANT_TABLES = ('orders', 'order_lines', 'currencies')
SEQUENCE = 'tenant_seq'


def _add_tenant(table, nullable=True):
    op.add_column(table, sa.Column('tenant_id', sa.Integer(), nullable=nullable))
    op.create_index(op.f(f'ix_{table}_tenant_id'), table, ['tenant_id'], unique=False)


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence(SEQUENCE)))
    for table in TENANT_TABLES:
        _add_tenant(table)
    _add_tenant('users', nullable=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"ALTER SEQUENCE {SEQUENCE} OWNED BY NONE")
    else:
        op.execute("UPDATE users SET tenant_id = 0")
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE users SET tenant_id = 1 WHERE tenant_id IS NULL"))
    op.create_table('tenants',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column('name', sa.String(length=100), nullable=False, unique=True),
    sa.Column('region', sa.String(length=20), server_default=sa.func.lower('EU'), index=True),
    sa.Column('flags', postgresql.ARRAY(sa.Enum('beta', 'legacy', name='tenant_flag')), server_default='{}', nullable=False),
    sa.Column('created_by', sa.BigInteger(), sa.ForeignKey('users.id'), nullable=True, index=True, unique=True),
    sa.Column('note', sa.String(), nullable=True, comment='free text'),
    sa.Index(None, 'name', 'region', postgresql_include=['id'], postgresql_ops={'name': 'text_pattern_ops'}),
    )
    op.add_column('currencies', sa.Column('id', sa.BigInteger(), primary_key=True))


def downgrade() -> None:
    op.drop_column('currencies', 'id')
    op.drop_table('tenants')
    for table in ('users',) + TENANT_TABLES:
        op.drop_index(op.f(f'ix_{table}_tenant_id'), table_name=table)
        op.drop_column(table, 'tenant_id')
    op.execute(sa.schema.DropSequence(sa.Sequence(SEQUENCE)))
