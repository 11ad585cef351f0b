"""backfill and raw sql

Revision ID: 9c0d1e2f3a4b
Revises: 8b9c0d1e2f3a
Create Date: 2024-04-20 12:44:09.180223

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c0d1e2f3a4b'
down_revision = '8b9c0d1e2f3a'
branch_labels = None
depends_on = None

currencies = sa.table(
    'currencies',
    sa.column('code', sa.String),
    sa.column('name', sa.String),
)


def upgrade() -> None:
    op.create_table(
        'currencies',
        sa.Column('code', sa.CHAR(3), nullable=False),
        sa.Column('name', sa.String(64), nullable=False),
    )
    op.bulk_insert(currencies, [
        {'code': 'EUR', 'name': 'Euro'},
        {'code': 'USD', 'name': 'US Dollar'},
    ])
    op.execute("UPDATE orders SET currency = 'EUR' WHERE currency IS NULL")
    op.execute(
        sa.text("UPDATE orders SET currency = :code WHERE currency = ''").bindparams(code='EUR')
    )
    op.execute(sa.text(
        "CREATE INDEX IF NOT EXISTS ix_orders_currency ON orders (currency)"
    ))
    op.execute("""
        CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger AS $$
        BEGIN
            NEW.updated_at = now();
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql;

        CREATE TRIGGER users_touch_updated_at BEFORE UPDATE ON users
            FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
    """)
    op.execute("ALTER TABLE orders ADD CONSTRAINT ck_orders_currency "
               "CHECK (currency ~ '^[A-Z]{3}$') NOT VALID")
    op.execute(currencies.update().where(currencies.c.code == 'USD').values(name='U.S. Dollar'))


def downgrade() -> None:
    op.execute("ALTER TABLE orders DROP CONSTRAINT ck_orders_currency")
    op.execute("DROP TRIGGER users_touch_updated_at ON users")
    op.execute("DROP FUNCTION touch_updated_at()")
    op.execute("DROP INDEX ix_orders_currency")
    op.drop_table('currencies')
