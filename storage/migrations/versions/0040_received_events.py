"""Received events: every Slack or Teams delivery stored before it is acknowledged, until it is processed.

Revision ID: 0040
Revises: 0030
"""

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "received_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("delivery_key", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("replies", sa.JSON(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("processed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_received_event_delivery", "received_event", ["channel", "delivery_key"], unique=True)
    op.create_index("ix_received_event_processed_at", "received_event", ["processed_at"])


def downgrade() -> None:
    op.drop_index("ix_received_event_processed_at", table_name="received_event")
    op.drop_index("ix_received_event_delivery", table_name="received_event")
    op.drop_table("received_event")
