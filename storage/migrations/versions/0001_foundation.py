"""Foundation: staff directory, conversation state, message log, audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_member",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("job_title", sa.String(200), nullable=False),
        sa.Column("team", sa.String(100), nullable=False, index=True),
        sa.Column("manager_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=True),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("slack_user_id", sa.String(64), nullable=True, unique=True),
        sa.Column("teams_user_id", sa.String(64), nullable=True, unique=True),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "conversation_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=False, unique=True),
        sa.Column("workflow", sa.String(100), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "message_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime, nullable=False, index=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=True, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=True),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )


def downgrade() -> None:
    for table in ("audit_event", "message_log", "conversation_state", "staff_member"):
        op.drop_table(table)
