"""A sign-in is in the trail, but it is not a change any programme's page shows: the
pages' versions leave it out, so sign-ins leave every programme's pages and figures kept."""

from __future__ import annotations

import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.audit.versions import (
    data_version,
    programme_version,
    programme_version_columns,
    programme_versions,
)
from portfolio.extensions import db
from tests.conftest import log_in


def test_a_sign_in_is_kept_in_the_trail_but_leaves_the_programmes_versions(app, users, ddns):
    viewer = users.make("viewer")
    db.session.commit()
    page, rows, whole = programme_version("ddns"), programme_versions([ddns.id]), data_version()
    log_in(app.test_client(), viewer)
    db.session.expire_all()
    stamp = db.session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.entity == "users", AuditEntry.field == "last_login_at")
        .order_by(AuditEntry.id.desc())
    )
    assert stamp is not None and stamp.entity_id == str(viewer.id)
    assert data_version() != whole  # the history page and the admin's list show it
    assert programme_version("ddns") == page
    assert programme_versions([ddns.id]) == rows
    # A change to the same user that pages do show (an owner's name) still counts.
    viewer.name = "Et nyt navn"
    db.session.commit()
    assert programme_version("ddns") != page
    assert programme_versions([ddns.id]) != rows


def test_a_sign_in_after_a_shared_change_leaves_that_change_counted(app, users, ddns):
    """The version is the latest shown shared row, not merely an older one."""
    viewer = users.make("viewer")
    db.session.commit()
    before = programme_version("ddns")
    viewer.name = "Et andet navn"
    db.session.commit()
    after_edit = programme_version("ddns")
    log_in(app.test_client(), viewer)
    log_in(app.test_client(), viewer)
    assert after_edit != before
    assert programme_version("ddns") == after_edit


def test_the_shared_version_is_one_step_down_the_partial_index(app):
    """However many sign-ins came since the last shared change: PostgreSQL and SQLite
    both read the latest shown shared row from ix_audit_entries_shared_latest."""
    query = sa.select(*programme_version_columns(False)).params(slug="ddns")
    dialect = db.engine.dialect
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    explain = "EXPLAIN " if dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    plan = "\n".join(str(row) for row in db.session.execute(sa.text(explain + sql)))
    assert plan.count("ix_audit_entries_shared_latest") == 2, plan  # its id and its time
