"""Close calls kept for curation: the second entry a question was answered with.

Revision ID: 0060
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0060"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("curation_item", sa.Column("runner_up", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("curation_item") as table:  # SQLite rebuilds the table to drop a column
        table.drop_column("runner_up")
