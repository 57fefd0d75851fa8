"""Nudges: HR's employment dates, contact records awaiting write-up, and where each person stands with each nudge.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "employment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=False, unique=True),
        sa.Column("employee_id", sa.String(50), nullable=False, unique=True),
        sa.Column("started_on", sa.Date, nullable=True),
        sa.Column("left_on", sa.Date, nullable=True),
        sa.Column("on_leave_until", sa.Date, nullable=True),
    )
    op.create_table(
        "contact_record",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("record_id", sa.String(64), nullable=False, unique=True),
        sa.Column("worker_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=False, index=True),
        sa.Column("contacted_at", UTCDateTime, nullable=False),
        sa.Column("written_up_at", UTCDateTime, nullable=True),
        sa.Column("imported_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "nudge_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=False),
        sa.Column("item", sa.String(80), nullable=False),
        sa.Column("nudges_sent", sa.Integer, nullable=False),
        sa.Column("first_sent_at", UTCDateTime, nullable=True),
        sa.Column("last_sent_at", UTCDateTime, nullable=True),
        sa.Column("said_done_at", UTCDateTime, nullable=True),
        sa.Column("snoozed_until", UTCDateTime, nullable=True),
        sa.Column("manager_told_at", UTCDateTime, nullable=True),
        sa.UniqueConstraint("staff_id", "item", name="uq_nudge_state_staff_item"),
    )


def downgrade() -> None:
    op.drop_table("nudge_state")
    op.drop_table("contact_record")
    op.drop_table("employment")
