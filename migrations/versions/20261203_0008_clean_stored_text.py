"""Clean the text already stored: NUL, lone surrogates and the control characters XML
forbids, as portfolio/core/text.py now removes them wherever text comes in.

Generic over the text columns of every table (read from the database itself, so it works
whatever the schema at this revision). On SQLite any of these characters can be stored; on
PostgreSQL text holds neither NUL nor surrogates, so there only control characters are
found. The audit trail is left as it was written: it is append-only (its triggers refuse
the update) and records what was stored at the time.

A row whose cleaned text would collide with another's (a unique column) is left as it is,
and said so in the log. There is nothing to put back on downgrade: the characters removed
were never meant to be there.

Revision ID: 0008
Revises: 0007
Created: 2026-12-03
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# Kept here, not imported from the application: a migration must keep doing what it did
# when it was written, whatever core/text.py becomes.
_LINE_BREAKS = {0x0B: "\n", 0x0C: "\n"}
_REMOVED = (
    {c: None for c in range(0x00, 0x20) if c not in (0x09, 0x0A, 0x0D)}
    | {c: None for c in range(0x7F, 0xA0)}
    | {c: None for c in range(0xD800, 0xE000)}
    | {0xFFFE: None, 0xFFFF: None}
    | _LINE_BREAKS
)
_SKIPPED_TABLES = {"alembic_version", "audit_entries"}


def _clean(value):
    return value.translate(_REMOVED) if isinstance(value, str) else value


def upgrade():
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for name in inspector.get_table_names():
        if name in _SKIPPED_TABLES:
            continue
        key = inspector.get_pk_constraint(name).get("constrained_columns") or []
        texts = [
            c["name"]
            for c in inspector.get_columns(name)
            if isinstance(c["type"], sa.String) and c["name"] not in key
        ]
        if not key or not texts:
            continue
        table = sa.table(name, *(sa.column(c) for c in [*key, *texts]))
        changes = []
        for row in bind.execute(sa.select(table)).mappings():
            changed = {c: _clean(row[c]) for c in texts if _clean(row[c]) != row[c]}
            if changed:
                changes.append(({c: row[c] for c in key}, changed))
        for where, values in changes:
            statement = (
                table.update().where(*(table.c[c] == v for c, v in where.items())).values(**values)
            )
            try:
                with bind.begin_nested():
                    # Not audited row by row: a migration is recorded in alembic_version,
                    # and it changes no value a person chose.
                    bind.execute(statement, execution_options={"audit_exempt": True})
            except sa.exc.IntegrityError:
                log.warning("0008: %s row %s kept as it was: cleaned, it collides", name, where)
        if changes:
            log.info("0008: cleaned text in %d rows of %s", len(changes), name)


def downgrade():
    pass  # the removed characters are not put back
