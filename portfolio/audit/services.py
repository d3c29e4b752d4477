"""Reading the audit trail."""

from __future__ import annotations

import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.extensions import db


def entity_key(obj) -> tuple[str, str]:
    key = sa.inspect(type(obj)).primary_key_from_instance(obj)
    return obj.__tablename__, ",".join(str(part) for part in key)


def history_of(obj) -> list[AuditEntry]:
    """Return the trail of one object, newest first."""
    entity, entity_id = entity_key(obj)
    query = (
        sa.select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return list(db.session.scalars(query))


def changes_since(obj, version: int) -> list[AuditEntry]:
    """Return the field changes that produced versions of obj after `version`, oldest first."""
    entity, entity_id = entity_key(obj)
    query = (
        sa.select(AuditEntry)
        .where(
            AuditEntry.entity == entity,
            AuditEntry.entity_id == entity_id,
            AuditEntry.action == "update",
            AuditEntry.entity_version > version,
        )
        .order_by(AuditEntry.id)
    )
    return list(db.session.scalars(query))


def history_of_many(objects) -> list[AuditEntry]:
    """Return the trails of several objects (a programme and its phases), newest first."""
    keys: dict[str, list[str]] = {}
    for obj in objects:
        entity, entity_id = entity_key(obj)
        keys.setdefault(entity, []).append(entity_id)
    if not keys:
        return []
    query = (
        sa.select(AuditEntry)
        .where(
            sa.or_(
                *(
                    sa.and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_(ids))
                    for entity, ids in keys.items()
                )
            )
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return list(db.session.scalars(query))
