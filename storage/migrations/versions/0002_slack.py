"""Slack: event ids already processed (so a retried event is handled once) and training completions.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("received_at", UTCDateTime, nullable=False, index=True),
    )
    op.create_table(
        "training_record",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=False, index=True),
        sa.Column("course", sa.String(200), nullable=False),
        sa.Column("completed_on", sa.Date, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("training_record")
    op.drop_table("slack_event")
