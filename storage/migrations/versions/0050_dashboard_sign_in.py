"""The web dashboard: one-time sign-in links and sessions, and an index to find a manager's reporting line.

Revision ID: 0050
Revises: 0040
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0050"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_sign_in_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("nonce", sa.String(length=64), nullable=False, unique=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff_member.id"), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_admin_sign_in_link_staff_id", "admin_sign_in_link", ["staff_id"])
    op.create_table(
        "admin_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff_member.id"), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_admin_session_staff_id", "admin_session", ["staff_id"])
    op.create_index("ix_staff_member_manager_id", "staff_member", ["manager_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_member_manager_id", table_name="staff_member")
    op.drop_table("admin_session")
    op.drop_table("admin_sign_in_link")
