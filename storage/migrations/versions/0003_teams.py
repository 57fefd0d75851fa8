"""Teams: stored conversation references, so igbot can message people and channels later.

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teams_conversation_reference",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(400), nullable=False, unique=True),
        sa.Column("conversation_type", sa.String(20), nullable=False),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=True, index=True),
        sa.Column("teams_user_id", sa.String(200), nullable=True),
        sa.Column("aad_object_id", sa.String(64), nullable=True, index=True),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("service_url", sa.String(500), nullable=False),
        sa.Column("reference", sa.JSON, nullable=False),
        sa.Column("first_seen_at", UTCDateTime, nullable=False),
        sa.Column("last_seen_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("teams_conversation_reference")
