"""The shared rows of the audit trail that a programme's pages may show: the partial index
on the latest shared row leaves out a sign-in's stamp of users.last_login_at.

A programme's pages are keyed on the latest audit row that names no programme
(audit/versions.py). A sign-in writes one, so each sign-in made every programme's pages
and the portfolio's figures be drawn again. The version query now reads the latest shared
row but those stamps, one step down this index however many sign-ins came after it.

Revision ID: 0017
Revises: 0016
Created: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

SHARED = "programme_id IS NULL"
SHOWN_SHARED = (
    "+programme_id IS NULL AND (entity <> 'users' OR field IS NULL OR field <> 'last_login_at')"
)


def _shared_latest(batch_op, where: str) -> None:
    batch_op.create_index(
        "ix_audit_entries_shared_latest",
        ["id"],
        unique=False,
        postgresql_where=sa.text(where),
        sqlite_where=sa.text(where),
    )


def upgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_shared_latest")
        _shared_latest(batch_op, SHOWN_SHARED)


def downgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_shared_latest")
        _shared_latest(batch_op, SHARED)
