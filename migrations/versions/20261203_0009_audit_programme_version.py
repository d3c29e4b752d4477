"""An index on the audit trail's (programme_id, id): the page cache's version of a
programme's pages is the latest audit row of the programme (and of those its projects are
linked with) and the latest row that names no programme (audit/versions.py), each one
step down this index however long the trail grows.

Revision ID: 0009
Revises: 0008
Created: 2026-12-03 11:00:00
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_entries_programme_latest", ["programme_id", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_programme_latest")
