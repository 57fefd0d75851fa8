"""The audit log's end, kept outside the table it protects: how many events there are and the last one's hash.

Revision ID: 0021
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    anchor = op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=True),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
    )
    connection = op.get_bind()
    count = connection.execute(sa.text("SELECT count(*) FROM audit_event")).scalar_one()
    last = connection.execute(sa.text("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")).first()
    op.bulk_insert(anchor, [{"id": 1, "count": count, "last_event_id": last[0] if last else None,
                             "head_hash": last[1] if last else "0" * 64}])


def downgrade() -> None:
    op.drop_table("audit_anchor")
