"""Helpers every domain's services use to change objects safely."""

from __future__ import annotations

from flask_babel import gettext as _

from portfolio.core.errors import StaleEdit
from portfolio.extensions import db


def check_version(obj, expected_version: int | None) -> None:
    """Refuse an edit started from an older version of the object than the stored one."""
    if expected_version is None or expected_version == obj.version:
        return
    from portfolio.audit.services import changes_since

    raise StaleEdit(
        _(
            "Nogen har gemt en ændring, efter du åbnede siden. Din ændring er ikke gemt; "
            "se ændringerne nedenfor, og prøv igen."
        ),
        changes=changes_since(obj, expected_version),
        current_version=obj.version,
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
