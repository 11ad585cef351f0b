"""init

Revision ID: 162a3e673105
Revises: None
Create Date: 2014-07-23 17:51:57.077203

"""

# revision identifiers, used by Alembic.
revision = '162a3e673105'
down_revision = None

from alembic import op
from oslo_log import log
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table

LOG = log.getLogger(__name__)


def upgrade():
    migrate_engine = op.get_bind().engine
    meta = MetaData()

    services = Table(
        'services', meta,
        Column('id', Integer, primary_key=True, nullable=False),
        Column('host', String(length=255)),
        mysql_engine='InnoDB',
        mysql_charset='utf8'
    )

    shares = Table(
        'shares', meta,
        Column('id', String(length=36), primary_key=True, nullable=False),
        Column('service_id', Integer, ForeignKey('services.id')),
        mysql_engine='InnoDB',
        mysql_charset='utf8'
    )

    # create all tables
    tables = [services, shares]

    with migrate_engine.begin() as conn:
        for table in tables:

            try:
                table.create(conn, checkfirst=True)
            except Exception:
                LOG.info(repr(table))
                LOG.exception('Exception while creating table.')
                raise


def downgrade():
    raise NotImplementedError('Downgrade from initial install is not'
                              ' supported.')
