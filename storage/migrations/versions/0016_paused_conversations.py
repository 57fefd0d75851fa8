"""A conversation can be set aside (paused) and taken up again, instead of being thrown away by cancel.

Revision ID: 0016
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_state") as table:
        table.add_column(sa.Column("paused", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("conversation_state") as table:
        table.drop_column("paused")
