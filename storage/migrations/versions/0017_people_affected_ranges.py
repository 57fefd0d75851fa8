"""A range of people affected ("10-20") is kept as a range: its lowest end beside the highest.

Revision ID: 0017
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident") as table:
        table.add_column(sa.Column("people_affected_from", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incident") as table:
        table.drop_column("people_affected_from")
