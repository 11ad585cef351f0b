"""reporting depends on billing

Revision ID: d3e4f5a6b7c8
Revises: c2d3e4f5a6b7
Create Date: 2024-05-28 13:40:19.120984

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3e4f5a6b7c8'
down_revision = 'c2d3e4f5a6b7'
branch_labels = None
depends_on = 'billing'


def upgrade() -> None:
    op.execute(
        "CREATE VIEW reporting.order_totals AS "
        "SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id"
    )
    op.create_table('export_runs',
    sa.Column('id', sa.Integer(), sa.Identity(start=100), primary_key=True),
    sa.Column('started_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.Column('rows', sa.BigInteger(), server_default=sa.literal_column('0'), nullable=False),
    sa.Column('status', sa.String(length=10), sa.CheckConstraint("status IN ('ok', 'failed')", name='ck_export_runs_status'), nullable=False),
    schema='reporting'
    )
