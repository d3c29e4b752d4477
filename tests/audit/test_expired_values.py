"""A value changed after a commit (its attribute expired) is recorded with its old value."""

import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.extensions import db
from portfolio.risks.models import Risk


def test_clearing_a_value_after_a_commit_is_audited(app, ddns):
    risk = db.session.scalar(sa.select(Risk).where(Risk.code == "R1"))
    risk.owner = "Anne Ejer"
    db.session.commit()  # expires the risk: its owner is no longer loaded
    risk.owner = None
    db.session.commit()
    rows = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.entity == "risks", AuditEntry.field == "owner")
        .order_by(AuditEntry.id)
    ).all()
    assert [(r.old_value, r.new_value) for r in rows][-2:] == [
        (None, "Anne Ejer"),
        ("Anne Ejer", None),
    ]
