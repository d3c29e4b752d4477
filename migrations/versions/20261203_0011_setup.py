"""A track can be retired: kept for its history and budget rows, hidden from new work.
Phases and waves carry a version, so that two people editing one from the web cannot
overwrite each other (optimistic locking, as every other edited row).

Revision ID: 0011
Revises: 0010
Created: 2026-12-03 13:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("retired_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("timeline_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )


def downgrade():
    with op.batch_alter_table("timeline_items", schema=None) as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_column("retired_reason")
        batch_op.drop_column("retired_at")
