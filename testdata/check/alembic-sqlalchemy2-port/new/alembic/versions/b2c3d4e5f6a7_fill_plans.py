"""fill plans and regions

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
Create Date: 2024-02-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.sql import column, table

revision = "b2c3d4e5f6a7"
down_revision = "a1b2c3d4e5f6"
branch_labels = None
depends_on = None


def upgrade():
    accounts = table("accounts", column("id"), column("plan"), column("region"))
    with sa.orm.Session(bind=op.get_bind()) as session:
        session.execute(
            accounts.update()
            .values(plan="free")
            .where(accounts.c.plan == None)  # noqa: E711
        )
        session.commit()

    connection = op.get_bind()
    stmt = sa.select(accounts.c.id).where(accounts.c.region == "eu")
    for row in connection.execute(stmt):
        name = row._mapping["id"]
        connection.execute(
            accounts.update()
            .where(accounts.c.id == row._mapping["id"])
            .values({"plan": name})
        )
    op.execute(
        accounts.update().values(region="eu").where(accounts.c.region == None)  # noqa: E711
    )


def downgrade():
    pass
