"""Incidents: the register, information added later, reference counters, and the outbox.

Revision ID: 0004
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("reporter_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=False, index=True),
        sa.Column("reported_via", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("happened_at", UTCDateTime, nullable=False),
        sa.Column("discovered_at", UTCDateTime, nullable=False),
        sa.Column("data_kind", sa.String(20), nullable=False),
        sa.Column("vulnerable", sa.String(20), nullable=False),
        sa.Column("people_affected", sa.Integer, nullable=True),
        sa.Column("contained", sa.String(20), nullable=False),
        sa.Column("containment", sa.Text, nullable=False),
        sa.Column("told", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("suggested_likelihood", sa.Integer, nullable=False),
        sa.Column("suggested_severity", sa.Integer, nullable=False),
        sa.Column("suggested_outcome", sa.String(20), nullable=False),
        sa.Column("likelihood", sa.Integer, nullable=True),
        sa.Column("severity", sa.Integer, nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("grade_reason", sa.Text, nullable=False),
        sa.Column("graded_by_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=True),
        sa.Column("ico_reference", sa.String(100), nullable=False),
        sa.Column("not_reportable_reason", sa.Text, nullable=False),
        sa.Column("lessons_learnt", sa.Text, nullable=False),
        sa.Column("reported_at", UTCDateTime, nullable=False),
        sa.Column("triaged_at", UTCDateTime, nullable=True),
        sa.Column("notified_at", UTCDateTime, nullable=True),
        sa.Column("decided_at", UTCDateTime, nullable=True),
        sa.Column("closed_at", UTCDateTime, nullable=True),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "incident_note",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incident.id"), nullable=False, index=True),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "incident_counter",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_number", sa.Integer, nullable=False),
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dedup_key", sa.String(200), nullable=False, unique=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=True, index=True),
        sa.Column("to_ig_team", sa.Boolean, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(10), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False, index=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("delivered_to", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime, nullable=True),
    )


def downgrade() -> None:
    for table in ("outbox_message", "incident_counter", "incident_note", "incident"):
        op.drop_table(table)
