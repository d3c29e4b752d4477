"""Helpers every domain's services use to change objects safely."""

from __future__ import annotations

from flask_babel import gettext as _

from portfolio.core.errors import StaleEdit
from portfolio.core.locking import stored_version
from portfolio.extensions import db


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
    from portfolio.audit.services import changes_since

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
