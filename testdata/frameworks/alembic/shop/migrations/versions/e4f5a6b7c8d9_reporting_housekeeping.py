"""reporting housekeeping

Revision ID: e4f5a6b7c8d9
Revises: d3e4f5a6b7c8
Create Date: 2024-06-03 10:27:51.093311

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4f5a6b7c8d9'
down_revision = 'd3e4f5a6b7c8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('export_runs', schema='reporting') as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=True))
        # Runs at once: only batch_op calls wait for the end of the block.
        op.execute("LOCK TABLE reporting.export_runs IN SHARE ROW EXCLUSIVE MODE")
        batch_op.drop_column('rows')
    op.create_index(None, 'export_runs', ['status', 'started_at'], schema='reporting')
    op.add_column('export_runs', sa.Column('format', sa.Enum('csv', 'parquet', name='export_format')), schema='reporting')
    op.add_column('export_runs', sa.Column('compressed', sa.Boolean(), default=False, nullable=False), schema='reporting')
    op.add_column('export_runs', sa.Column('notified', sa.Boolean(), server_default=sa.false()), schema='reporting')
    op.alter_column('export_runs', 'status', existing_type=sa.VARCHAR(length=10), type_=sa.Text(), nullable=True,
                    server_default=sa.text("'ok'"), new_column_name='state', comment='ok or failed', schema='reporting')
    op.alter_column('export_runs', 'started_at', server_default=None, comment=None, schema='reporting')
    targets = op.create_table('export_targets',
    sa.Column('id', sa.Integer(), sa.Sequence('export_targets_id_seq', optional=True), primary_key=True),
    sa.Column('uri', sa.Text(), server_default=sa.text("'s3://exports/' || nextval('export_uri_seq')"), nullable=False),
    schema='reporting'
    )
    op.bulk_insert(targets, [{'id': 1, 'uri': 's3://exports/default'}])
    op.create_table_comment('export_targets', 'where exports go', schema='reporting')
    op.drop_table_comment('export_runs', schema='reporting')
    op.create_index('ix_export_runs_started', 'export_runs', ['started_at'], schema='reporting',
                    postgresql_using='brin', postgresql_with={'pages_per_range': 32}, postgresql_where="state IS NOT NULL")
    op.create_unique_constraint('uq_export_targets_uri', 'export_targets', ['uri'], schema='reporting',
                                deferrable=True, initially='DEFERRED')


def downgrade() -> None:
    raise NotImplementedError
