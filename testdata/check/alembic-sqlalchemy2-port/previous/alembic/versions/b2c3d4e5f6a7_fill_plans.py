"""fill plans and regions

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
Create Date: 2024-02-01 10:00:00

"""
from alembic import op
import six
import sqlalchemy as sa
from sqlalchemy.sql import column, table

revision = "b2c3d4e5f6a7"
down_revision = "a1b2c3d4e5f6"
branch_labels = None
depends_on = None


def upgrade():
    meta = sa.MetaData()
    meta.bind = op.get_bind()
    accounts = table('accounts', column('id'), column('plan'), column('region'))
    session = sa.orm.Session(bind=op.get_bind().connect())
    with session.begin(subtransactions=True):
        session.execute(
            accounts.update().values(plan=u'free').where(
                accounts.c.plan == None))  # noqa
    session.commit()
    session.close_all()

    connection = op.get_bind().connect()
    stmt = sa.select([accounts.c.id]).where(accounts.c.region == u'eu')
    for row in connection.execute(stmt):
        name = row['id']
        if six.PY2:
            name = name.encode('utf-8')
        connection.execute(accounts.update().where(
            accounts.c.id == row['id']).values({'plan': name}))
    accounts.update().values(region=u'eu').where(accounts.c.region == None).execute()


def downgrade():
    pass
