"""Write audit rows for every flushed change, in the same transaction as the change."""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import get_history

from portfolio.audit.context import current_actor, current_reason
from portfolio.audit.models import AuditEntry
from portfolio.core.credentials import mask_url_secrets
from portfolio.core.models import Versioned, utcnow
from portfolio.core.months import Month

# Never written to the trail in clear: the trail records that they changed, not to what.
REDACTED_FIELDS = {"password_hash", "token_hash", "api_token_hash", "secret_config"}
REDACTED = "••••••"
# Bookkeeping the trail keeps in its own columns (the id, and a Versioned edit counter).
SKIPPED_FIELDS = {"id", "created_at", "updated_at"}


def is_audited(obj) -> bool:
    return getattr(type(obj), "__audit__", True) and not isinstance(obj, AuditEntry)


def to_text(value) -> str | None:
    """Write a value the way the trail stores it."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | Month):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _field_text(name: str, value) -> str | None:
    if name in REDACTED_FIELDS and value is not None:
        return REDACTED
    # A password or API key written into a URL (a metric source's location) is a secret
    # wherever it stands: the trail keeps the URL with those masked.
    return mask_url_secrets(to_text(value))


def entity_label(obj) -> str:
    for attribute in ("code", "slug", "email", "name", "title", "label"):
        value = obj.__dict__.get(attribute)
        if isinstance(value, str) and value:
            return value[:300]
    return ""


# The objects that belong to a programme through a parent (a deliverable through its track,
# a budget line through its row): the relationship that leads to the parent.
_PARENTS = (
    "track",
    "project",
    "body",
    "benefit",
    "row",
    "risk",
    "baseline",
    "report",
    "workshop",
    "indicator",
    "request",
)


def _programme_id(obj) -> int | tuple[sa.Table, object] | None:
    """Name the programme the object belongs to, or the parent row that knows it.

    The page cache versions each programme's pages by the programme's latest audit row
    (audit/versions.py), so a row that belongs to a programme must say so: one that says
    nothing counts as a change to every programme. When the parent object is not loaded,
    its table and id are returned and _after_flush reads its programme from the database.
    """
    if obj.__tablename__ == "programmes":
        return obj.__dict__.get("id")
    state = obj.__dict__
    if "programme_id" in state and _moved_between_programmes(obj):
        return None  # a change to two programmes' pages: the trail names neither
    if state.get("programme_id") is not None:
        return state["programme_id"]
    relationships = sa.inspect(type(obj)).relationships
    for parent in _PARENTS:
        related = state.get(parent)
        if related is not None and related.__dict__.get("programme_id") is not None:
            return related.__dict__["programme_id"]
        if related is None and parent in relationships:
            relationship = relationships[parent]
            table = relationship.mapper.local_table
            if len(relationship.local_columns) != 1 or "programme_id" not in table.c:
                continue
            (column,) = relationship.local_columns
            if (parent_id := state.get(column.key)) is not None:
                return (table, parent_id)
    return None


def _moved_between_programmes(obj) -> bool:
    history = get_history(obj, "programme_id")
    return bool(history.deleted) and bool(history.added)


def _resolve_programmes(connection: sa.Connection, rows: list[dict]) -> None:
    """Replace each (parent table, id) left by _programme_id with that parent's programme."""
    wanted: dict[sa.Table, set] = {}
    for row in rows:
        if isinstance(row["programme_id"], tuple):
            table, parent_id = row["programme_id"]
            wanted.setdefault(table, set()).add(parent_id)
    found: dict[tuple[sa.Table, object], int | None] = {}
    for table, ids in wanted.items():
        query = sa.select(table.c.id, table.c.programme_id).where(table.c.id.in_(sorted(ids)))
        for parent_id, programme_id in connection.execute(query):
            found[(table, parent_id)] = programme_id
    for row in rows:
        if isinstance(row["programme_id"], tuple):
            # A parent deleted in the same flush is gone: the row then names no programme.
            row["programme_id"] = found.get(row["programme_id"])


def _identity(obj) -> str:
    key = sa.inspect(type(obj)).primary_key_from_instance(obj)
    return ",".join(str(part) for part in key)


def _version(obj) -> int | None:
    return obj.__dict__.get("version") if isinstance(obj, Versioned) else None


def _snapshot(obj) -> str:
    mapper = sa.inspect(type(obj))
    values = {
        attr.key: _field_text(attr.key, getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in {"created_at", "updated_at"}
    }
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def _member_text(item) -> str:
    """Name a member of a collection: its label, else its key (an enum part as its value)."""
    if label := entity_label(item):
        return label
    key = sa.inspect(type(item)).primary_key_from_instance(item)
    return ",".join(str(to_text(part)) for part in key)


class _Members:
    """The members of a collection before or after a change, written out at the end of the flush.

    A member added in the same flush as its owner's change is inserted after the owner's
    row is written (it depends on the owner), so its id, and any key it takes from the
    owner, is only known once the flush has written every row: written any earlier, the
    trail said "None" for it.
    """

    def __init__(self, items) -> None:
        self.items = list(items)

    def text(self) -> str:
        return json.dumps(sorted(_member_text(i) for i in self.items), ensure_ascii=False)


def _changes(obj):
    """Yield (field, old, new) for each changed column and many-to-many collection."""
    mapper = sa.inspect(type(obj))
    versioned = isinstance(obj, Versioned)
    for attr in mapper.column_attrs:
        if attr.key in SKIPPED_FIELDS or (versioned and attr.key == "version"):
            continue
        history = get_history(obj, attr.key)
        if not history.has_changes() or (not history.deleted and not history.added):
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        yield attr.key, _field_text(attr.key, old), _field_text(attr.key, new)
    for rel in mapper.relationships:
        # Many-to-many links, and the rows the object owns (a benefit's types, a
        # workshop's agenda): a change to them is a change to the object.
        owned = rel.uselist and "delete-orphan" in rel.cascade
        if rel.secondary is None and not owned:
            continue
        if rel.key not in obj.__dict__:
            continue  # never loaded, so not changed
        history = get_history(obj, rel.key)
        if not history.has_changes():
            continue
        before = list(history.unchanged) + list(history.deleted)
        after = list(history.unchanged) + list(history.added)
        yield rel.key, _Members(before), _Members(after)


def _row(obj, action: str, field=None, old=None, new=None) -> dict:
    actor = current_actor()
    return {
        "at": utcnow(),
        "user_id": actor.user_id,
        "actor": actor.label[:300],
        "request_id": actor.request_id,
        "action": action,
        "entity": obj.__tablename__,
        "entity_id": _identity(obj),
        "entity_label": entity_label(obj),
        "entity_version": _version(obj),
        "programme_id": _programme_id(obj),
        "field": field,
        "old_value": old,
        "new_value": new,
        "reason": current_reason(),
    }


def _pending(obj) -> tuple[list[dict], set[int]] | None:
    """The audit rows waiting for the end of the flush that is writing obj."""
    session = object_session(obj)
    if session is None:
        return None
    return session.info.setdefault("audit_pending", ([], set()))


# Mapper events see every row the flush writes, cascaded orphan deletes included, which
# the session's new/dirty/deleted lists do not always show.
def _after_insert(_mapper, _connection, obj) -> None:
    if is_audited(obj) and (pending := _pending(obj)) is not None:
        pending[0].append(_row(obj, "create", new=_snapshot(obj)))
        pending[1].add(id(obj))


def _after_update(_mapper, _connection, obj) -> None:
    if is_audited(obj) and (pending := _pending(obj)) is not None:
        changes = list(_changes(obj))
        if not changes and isinstance(obj, Versioned):
            # Only the edit counter moved (SQLAlchemy bumps it when what the object owns
            # changed in a way no field shows): the row changed, so the trail says so.
            changes = [("version", None, to_text(obj.__dict__.get("version")))]
        pending[0].extend(_row(obj, "update", *change) for change in changes)
        pending[1].add(id(obj))


def _after_delete(_mapper, _connection, obj) -> None:
    if is_audited(obj) and (pending := _pending(obj)) is not None:
        pending[0].append(_row(obj, "delete", old=_snapshot(obj)))
        pending[1].add(id(obj))


def _after_flush(session: Session, _flush_context) -> None:
    rows, seen = session.info.pop("audit_pending", ([], set()))
    # A change to a many-to-many collection alone updates no row of the owner.
    for obj in session.dirty:
        if id(obj) not in seen and is_audited(obj):
            rows.extend(_row(obj, "update", *change) for change in _changes(obj))
    for row in rows:
        for column in ("old_value", "new_value"):
            if isinstance(row[column], _Members):
                row[column] = row[column].text()
    if rows:
        connection = session.connection()
        _resolve_programmes(connection, rows)
        connection.execute(sa.insert(AuditEntry.__table__), rows)


def _keep_old_value(_target, value, _old, _initiator):
    return value


def _load_old_values(mapper) -> None:
    """Make every audited column load its old value before it is set.

    Without this, a value set on an expired attribute (after a commit) has no known old
    value, and setting it back to empty would look like no change at all.
    """
    if not getattr(mapper.class_, "__audit__", True) or mapper.class_ is AuditEntry:
        return
    for attr in mapper.column_attrs:
        if attr.key in SKIPPED_FIELDS:
            continue
        attribute = getattr(mapper.class_, attr.key)
        if not sa.event.contains(attribute, "set", _keep_old_value):
            sa.event.listen(attribute, "set", _keep_old_value, active_history=True, retval=True)


def install() -> None:
    """Listen to every mapped class's writes and every session's flushes (idempotent)."""
    from portfolio.extensions import db

    if sa.event.contains(Session, "after_flush", _after_flush):
        return
    for mapper in db.Model.registry.mappers:
        _load_old_values(mapper)
    sa.event.listen(db.Model, "after_insert", _after_insert, propagate=True)
    sa.event.listen(db.Model, "after_update", _after_update, propagate=True)
    sa.event.listen(db.Model, "after_delete", _after_delete, propagate=True)
    sa.event.listen(Session, "after_flush", _after_flush)
