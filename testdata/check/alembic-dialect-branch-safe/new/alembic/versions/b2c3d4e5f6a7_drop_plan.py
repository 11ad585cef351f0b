"""drop plan

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
Create Date: 2024-03-01 10:00:00

"""
from alembic import op

revision = "b2c3d4e5f6a7"
down_revision = "a1b2c3d4e5f6"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.engine.name.startswith("mysql") or bind.dialect.name == "mariadb":
        op.execute("ALTER TABLE accounts DROP COLUMN plan, ALGORITHM=INPLACE, LOCK=NONE")
    else:
        op.drop_column("accounts", "plan")


def downgrade() -> None:
    pass
