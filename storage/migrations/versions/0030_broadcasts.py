"""Lessons-learnt broadcasts, who each went to, and who has acknowledged it, where and when.

Revision ID: 0030
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0030"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "broadcast",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("incident_reference", sa.String(40), nullable=True),
        sa.Column("audience", sa.JSON, nullable=False),
        sa.Column("ack_required", sa.Boolean, nullable=False),
        sa.Column("ack_by", sa.Date, nullable=True),
        sa.Column("send_at", UTCDateTime, nullable=False, index=True),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime, nullable=True),
    )
    op.create_table(
        "broadcast_recipient",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("broadcast_id", sa.Integer, sa.ForeignKey("broadcast.id"), nullable=False),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=False, index=True),
        sa.Column("team", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("queued_at", UTCDateTime, nullable=False),
        sa.Column("acknowledged_at", UTCDateTime, nullable=True),
        sa.Column("acknowledged_on", sa.String(10), nullable=True),
        sa.Column("reminders_sent", sa.Integer, nullable=False),
        sa.Column("last_reminded_at", UTCDateTime, nullable=True),
        sa.UniqueConstraint("broadcast_id", "staff_id", name="uq_broadcast_recipient_staff"),
    )


def downgrade() -> None:
    op.drop_table("broadcast_recipient")
    op.drop_table("broadcast")
