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
    meta.bind = migrate_engine

    services = Table(
        'services', meta,
        Column('id', Integer, primary_key=True, nullable=False),
        Column('host', String(length=255)),
        mysql_engine='InnoDB',
    )

    shares = Table(
        'shares', meta,
        Column('id', String(length=36), primary_key=True, nullable=False),
        Column('service_id', Integer, ForeignKey('services.id')),
        mysql_engine='InnoDB',
    )

    # create all tables
    tables = [services, shares]

    for table in tables:
        if not table.exists():
            try:
                table.create()
            except Exception:
                LOG.info(repr(table))
                LOG.exception('Exception while creating table.')
                raise

    if migrate_engine.name == "mysql":
        tables = ["services", "shares"]

        migrate_engine.execute("SET foreign_key_checks = 0")
        for table in tables:
            migrate_engine.execute(
                "ALTER TABLE %s CONVERT TO CHARACTER SET utf8" % table)
        migrate_engine.execute("SET foreign_key_checks = 1")


def downgrade():
    raise NotImplementedError('Downgrade from initial install is not'
                              ' supported.')
