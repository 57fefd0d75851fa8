"""Questions passed to the IG team stay in their inbox until answered, covered by an entry or dismissed.

Revision ID: 0015
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("curation_item") as table:
        table.add_column(sa.Column("resolution", sa.String(length=20), nullable=False, server_default="open"))
        table.add_column(sa.Column("covered_by", sa.String(length=100), nullable=True))
        table.add_column(sa.Column("resolved_at", sa.DateTime(), nullable=True))
        table.add_column(sa.Column("resolved_by_id", sa.Integer(), nullable=True))
        table.create_foreign_key("fk_curation_item_resolved_by", "staff_member", ["resolved_by_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("curation_item") as table:
        table.drop_constraint("fk_curation_item_resolved_by", type_="foreignkey")
        table.drop_column("resolved_by_id")
        table.drop_column("resolved_at")
        table.drop_column("covered_by")
        table.drop_column("resolution")
