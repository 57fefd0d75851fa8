"""Recorded decisions from the decision trees.

Revision ID: 0005
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sharing_decision",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=False, index=True),
        sa.Column("decided_at", UTCDateTime, nullable=False),
        sa.Column("tree_id", sa.String(80), nullable=False),
        sa.Column("tree_version", sa.Integer, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("outcome_id", sa.String(80), nullable=False),
        sa.Column("verdict", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sharing_decision")
