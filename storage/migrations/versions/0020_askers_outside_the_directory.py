"""A kept question remembers who asked it on their platform, for someone not in the staff directory.

Revision ID: 0020
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("curation_item") as table:
        table.add_column(sa.Column("asker", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("curation_item") as table:
        table.drop_column("asker")
