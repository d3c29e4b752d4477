"""Programmes from the web: a benefit can be retired (when and why), an annex carries its
uploaded file (name as shown, checked type, size, SHA-256 and the bytes) and a version for
optimistic locking.

Revision ID: 0012
Revises: 0011
Created: 2026-12-03 13:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("benefits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("retired_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("annexes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("file_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("file_type", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("file_size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("file_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("file_content", sa.LargeBinary(), nullable=True))
    # The default only filled the rows already there; the model gives each new row its own.
    with op.batch_alter_table("annexes", schema=None) as batch_op:
        batch_op.alter_column("version", server_default=None)


def downgrade():
    with op.batch_alter_table("annexes", schema=None) as batch_op:
        batch_op.drop_column("file_content")
        batch_op.drop_column("file_sha256")
        batch_op.drop_column("file_size")
        batch_op.drop_column("file_type")
        batch_op.drop_column("file_name")
        batch_op.drop_column("version")
    with op.batch_alter_table("benefits", schema=None) as batch_op:
        batch_op.drop_column("retired_reason")
        batch_op.drop_column("retired_on")
