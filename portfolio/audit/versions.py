"""Versions of the data, read from the audit trail: what a page cache is keyed on, and the
check every domain's services make before an edit (optimistic locking, core/locking.py).

Every change to the app's data writes an audit row in the same transaction, and every
metric refresh writes a fetch row, so the highest ids of those two tables name the version
of everything a page can show.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.audit.models import AuditEntry
from portfolio.audit.services import changes_since
from portfolio.core.errors import StaleEdit
from portfolio.core.locking import stored_version
from portfolio.extensions import db
from portfolio.metrics.models import MetricFetch


def data_version() -> tuple:
    """Return what names the current state of all data, in one query.

    That is the latest audit row (its id, and its time, which tells two histories apart
    after a backup was restored and edited anew) and the latest metric fetch's id.
    """
    latest = sa.select(AuditEntry.id, AuditEntry.at).order_by(AuditEntry.id.desc()).limit(1)
    latest = latest.subquery()
    row = db.session.execute(
        sa.select(
            sa.select(latest.c.id).scalar_subquery(),
            sa.select(latest.c.at).scalar_subquery(),
            sa.select(sa.func.max(MetricFetch.id)).scalar_subquery(),
        )
    ).one()
    return tuple(row)


def check_version(obj, expected_version: int | None) -> None:
    """Refuse an edit started from an older version of the object than the stored one.

    The stored version is read with the row locked (core/locking.py), so a colleague's save
    cannot slip in between this check and the write: of two saves started from the same
    version, the second waits for the first and is then refused here, with its changes.
    """
    if expected_version is None:
        return
    stored = stored_version(obj)
    if stored == expected_version:
        if obj.version != stored:
            # Loaded before a save that has committed since: write on top of that one.
            db.session.refresh(obj)
        return
    raise StaleEdit(
        _(
            "Nogen har gemt en ændring, efter du åbnede siden. Din ændring er ikke gemt; "
            "se ændringerne nedenfor, og prøv igen."
        ),
        changes=changes_since(obj, expected_version),
        current_version=stored,
    )


def apply_changes(obj, changes: dict, expected_version: int | None = None) -> list[str]:
    """Set the changed attributes on obj (after the version check) and return their names."""
    check_version(obj, expected_version)
    changed = []
    for name, value in changes.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    db.session.flush()
    return changed
