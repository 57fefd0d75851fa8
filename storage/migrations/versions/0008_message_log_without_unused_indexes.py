"""The message log loses its indexes on `at` and `staff_id`: nothing looks rows up by them, and
between them they cost every message two more pages written.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("message_log") as table:
        table.drop_index("ix_message_log_at")
        table.drop_index("ix_message_log_staff_id")


def downgrade() -> None:
    with op.batch_alter_table("message_log") as table:
        table.create_index("ix_message_log_at", ["at"])
        table.create_index("ix_message_log_staff_id", ["staff_id"])
