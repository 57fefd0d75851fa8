"""Declined questions and feedback for the IG officer to curate.

Revision ID: 0006
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "curation_item",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime, nullable=False, index=True),
        sa.Column("signal", sa.String(20), nullable=False, index=True),
        sa.Column("question", sa.String(1000), nullable=False),
        sa.Column("entry_id", sa.String(100), nullable=True),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff_member.id"), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("curation_item")
