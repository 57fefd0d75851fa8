"""The message log records each delivery's id, which replaces the separate table of Slack event ids.

Revision ID: 0007
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0007"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("message_log") as table:
        table.add_column(sa.Column("delivery_id", sa.String(100), nullable=True))
        table.create_index("ix_message_log_delivery", ["channel", "delivery_id"], unique=True)
    op.drop_table("slack_event")


def downgrade() -> None:
    op.create_table(
        "slack_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("received_at", UTCDateTime, nullable=False, index=True),
    )
    with op.batch_alter_table("message_log") as table:
        table.drop_index("ix_message_log_delivery")
        table.drop_column("delivery_id")
