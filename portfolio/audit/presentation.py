"""The audit trail as users read it: Danish (or English) names and values, never internals.

The trail stores raw values (an enum's value, an ISO date, a key, a JSON snapshot) and is
append-only, so what users see is worked out here, when a row is shown: the audit log,
every object's "Historik" and the CSV export's readable columns all come from `present`.
Old rows are read as they were written, including members a former version of the writer
recorded as "None" (see listeners._Members) or an enum written as "BenefitType.ECONOMIC".
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.audit.labels import ENTITY_NAMES, FIELD_LABELS, TABLE_FIELD_LABELS
from portfolio.audit.listeners import REDACTED, to_text
from portfolio.audit.models import AuditEntry
from portfolio.core.i18n import (
    format_day,
    format_mio,
    format_month,
    format_number,
    format_timestamp,
)
from portfolio.core.models import DecimalText, ScaledDecimal, UTCDateTime
from portfolio.core.months import MonthType
from portfolio.extensions import db

ACTION_NAMES = {
    "create": _l("Oprettet"),
    "update": _l("Ændret"),
    "delete": _l("Slettet"),
    "restore": _l("Gendannet"),
}
# Snapshots leave out what the trail keeps in its own columns.
_HIDDEN_IN_SNAPSHOT = {"id", "version", "created_at", "updated_at"}
# Fields naming an object, read in this order when a row has no label of its own.
_NAMING_FIELDS = (
    "short_name",
    "code",
    "email",
    "name",
    "title",
    "label",
    "text",
    "description",
    "slug",
)
_SHORT = 80
# Enums whose members carry no label of their own.
_EXTRA_ENUM_LABELS = {
    ("Precision", "month"): _l("Måned"),
    ("Precision", "year"): _l("År"),
}


# The restore row (backup/services.py) is no table's snapshot; its time is still a time.
_TIMES_OF_UNMAPPED = {("database", "created_at")}


def action_name(action: str) -> str:
    """Name an action as users say it: "Oprettet", "Ændret", "Slettet", "Gendannet"."""
    return str(ACTION_NAMES.get(action, action))


# A reason kept with audit rows (audit/context.because): its kind, then what it names.
CHANGE_REQUEST_REASON = "change_request"


def reason_text(raw: str | None) -> str:
    """Write out the reason a change was recorded with, as users read it."""
    if not raw:
        return ""
    kind, _sep, name = raw.partition(":")
    if kind == CHANGE_REQUEST_REASON and name:
        return _("Ændret af ændringsanmodning %(code)s", code=name)
    return raw


def entity_name(table: str) -> str:
    """Name a kind of object as users know it ("Budgetlinje"), from its table's name."""
    name = ENTITY_NAMES.get(table)
    return str(name) if name is not None else table


def entity_choices(tables) -> list[tuple[str, str]]:
    """Return (table, name) for the given tables, ordered by the name users read."""
    return sorted(((t, entity_name(t)) for t in tables), key=lambda c: c[1].casefold())


def tables_named(text: str) -> list[str]:
    """Return the tables whose name users read contains `text` (case-insensitive)."""
    wanted = text.casefold()
    return [table for table in ENTITY_NAMES if wanted in entity_name(table).casefold()]


def field_label(table: str, name: str | None) -> str:
    """Label a field as its form does ("Sandsynlighed"), falling back to its name."""
    if not name:
        return "–"
    label = TABLE_FIELD_LABELS.get((table, name)) or FIELD_LABELS.get(name)
    return str(label) if label is not None else name


@dataclass
class ShownEntry:
    """One audit row as shown: every value already written out for the reader."""

    entry: AuditEntry
    action: str
    entity: str
    subject: str
    field: str
    old: str
    new: str
    # A create or delete holds the whole object: its fields as (label, value), shown folded.
    details: list[tuple[str, str]] = dataclass_field(default_factory=list)
    # The field holds structured data (a frozen report's numbers, a source's settings):
    # its values are shown folded, laid out, never as the summary of a fold.
    is_data: bool = False
    # Why the change was made ("Ændret af ændringsanmodning ÆA1"), or "".
    reason: str = ""

    @property
    def is_snapshot(self) -> bool:
        return self.entry.action != "update" and self.entry.field is None


@functools.cache
def _mappers() -> dict:
    return {m.class_.__tablename__: m for m in db.Model.registry.mappers}


def _enum_text(enum_cls: type[enum.Enum], raw: str) -> str:
    member = next((m for m in enum_cls if str(m.value) == raw), None)
    if member is None and raw.startswith(f"{enum_cls.__name__}."):
        member = enum_cls.__members__.get(raw.partition(".")[2])  # an old row's str(member)
    if member is None:
        return raw
    label = getattr(member, "label", None) or _EXTRA_ENUM_LABELS.get(
        (enum_cls.__name__, member.value)
    )
    return str(label) if label is not None else raw


def _is_key(text: str) -> bool:
    return text.isdigit()


class _Names:
    """Names of the objects the shown rows refer to, looked up once per table.

    A live object is described from the database; one deleted since from its snapshot in
    the trail; one never known (an old "None") says so.
    """

    def __init__(self) -> None:
        self.wanted: dict[str, set[str]] = {}
        self.known: dict[tuple[str, str], str] = {}

    def want(self, table: str, key: str | None) -> None:
        if key and _is_key(key) and table in _mappers():
            self.wanted.setdefault(table, set()).add(key)

    def resolve(self) -> None:
        for table, keys in self.wanted.items():
            keys -= {k for (t, k) in self.known if t == table}
            if not keys:
                continue
            mapper = _mappers()[table]
            (pk,) = mapper.primary_key  # only single-column ids are ever wanted
            query = sa.select(mapper.class_).where(pk.in_([int(k) for k in keys]))
            for obj in db.session.scalars(query):
                values = {a.key: to_text(getattr(obj, a.key)) for a in mapper.column_attrs}
                self.known[(table, str(values[pk.key]))] = describe(table, values, self)
            missing = [k for k in keys if (table, k) not in self.known]
            if missing:
                self._from_trail(table, missing)
        self.wanted = {}

    def _from_trail(self, table: str, keys: list[str]) -> None:
        query = (
            sa.select(AuditEntry.entity_id, AuditEntry.old_value, AuditEntry.new_value)
            .where(
                AuditEntry.entity == table,
                AuditEntry.entity_id.in_(keys),
                AuditEntry.action.in_(("create", "delete")),
            )
            .order_by(AuditEntry.id)
        )
        for key, old, new in db.session.execute(query):
            values = _json_object(new if new is not None else old)
            if values is not None:
                self.known[(table, key)] = describe(table, values, self) + " " + _("(slettet)")

    def name(self, table: str, key: str) -> str:
        if key in ("", "None"):
            return _("(ukendt)")
        return self.known.get((table, key)) or _("nr. %(key)s", key=key)


def _json_object(text: str | None) -> dict | None:
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def describe(table: str, values: dict, names: _Names | None = None) -> str:
    """Name one object from its stored values (raw texts, as the trail keeps them)."""

    def shown(name: str) -> str:
        return format_value(table, name, values.get(name), names)

    if table == "risk_assessments":
        return _("Vurdering %(day)s", day=shown("assessed_on"))
    if table == "benefit_types":
        return shown("type")
    if table == "memberships":
        return shown("role")
    if table == "indicator_trajectory":
        return f"{shown('period')}: {shown('value')}"
    if table == "printed_totals":
        return f"{values.get('column')}: {shown('amount')}"
    if table == "budget_lines":
        return f"{shown('kind')} {values.get('period')}: {shown('amount')}"
    for name in _NAMING_FIELDS:
        if isinstance(text := values.get(name), str) and text:
            return _shorten(text)
    return _("nr. %(key)s", key=values.get("id") or "?")


def _members(text: str) -> list[str] | None:
    try:
        members = json.loads(text)
    except ValueError:
        return None
    if not isinstance(members, list):
        return None
    return [str(m) for m in members]


def _member_values(mapper, member: str) -> dict | None:
    """Read a member written as its key ("5", or "3,economic") into its key's columns."""
    columns = [c.key for c in mapper.primary_key]
    parts = member.split(",")
    if len(columns) < 2 or len(parts) != len(columns):
        return None
    return dict(zip(columns, parts, strict=True))


def _collection_text(rel, raw: str, names: _Names | None) -> str:
    members = _members(raw)
    if members is None:
        return raw
    if not members:
        return _("(ingen)")
    target = rel.mapper.class_.__tablename__
    shown = []
    for member in members:
        if (values := _member_values(rel.mapper, member)) is not None:
            shown.append(describe(target, values, names))
        elif member == "None" or _is_key(member):
            shown.append(names.name(target, member) if names else member)
        else:
            shown.append(member)
    return ", ".join(sorted(shown, key=str.casefold))


def format_value(table: str, name: str, raw, names: _Names | None = None) -> str:
    """Write one stored value the way users know it: labels, Danish dates, kroner, Ja/Nej."""
    if raw is None or raw == "":
        return "–"
    if isinstance(raw, dict) and all(isinstance(n, int) for n in raw.values()):
        # Rows per table, in a restore's or a synthetic seed run's own row.
        counts = sorted((entity_name(t), format_number(n)) for t, n in raw.items())
        return ", ".join(f"{name}: {n}" for name, n in counts)
    if isinstance(raw, int):
        return format_number(raw)
    if not isinstance(raw, str):
        return json.dumps(raw, ensure_ascii=False, sort_keys=True)
    if (table, name) in _TIMES_OF_UNMAPPED:
        try:
            return format_timestamp(dt.datetime.fromisoformat(raw))
        except ValueError:
            return raw
    if raw == REDACTED:
        return raw
    mapper = _mappers().get(table)
    prop = mapper.attrs.get(name) if mapper is not None else None
    if prop is None:
        return raw
    if isinstance(prop, sa.orm.RelationshipProperty):
        return _collection_text(prop, raw, names)
    column = prop.columns[0]
    kind = column.type
    try:
        if isinstance(kind, sa.Enum) and kind.enum_class is not None:
            return _enum_text(kind.enum_class, raw)
        if isinstance(kind, sa.Boolean):
            return {"true": _("Ja"), "false": _("Nej")}.get(raw, raw)
        if isinstance(kind, UTCDateTime | sa.DateTime):
            return format_timestamp(dt.datetime.fromisoformat(raw))
        if isinstance(kind, sa.Date):
            return format_day(dt.date.fromisoformat(raw))
        if isinstance(kind, MonthType):
            return format_month(raw)
        if isinstance(kind, ScaledDecimal):
            return format_mio(Decimal(raw))
        if isinstance(kind, DecimalText):
            return format_number(Decimal(raw))
    except (ValueError, InvalidOperation):
        return raw  # written before the column had its present type: shown as stored
    if column.foreign_keys and names is not None:
        (foreign_key,) = column.foreign_keys
        return names.name(foreign_key.column.table.name, raw)
    return raw


def _want_values(names: _Names, table: str, name: str, raw) -> None:
    """Note which objects a value names, so they are looked up together."""
    mapper = _mappers().get(table)
    prop = mapper.attrs.get(name) if mapper is not None and isinstance(raw, str) else None
    if prop is None:
        return
    if isinstance(prop, sa.orm.RelationshipProperty):
        target = prop.mapper.class_.__tablename__
        for member in _members(raw) or []:
            names.want(target, member)
        return
    for foreign_key in prop.columns[0].foreign_keys:
        names.want(foreign_key.column.table.name, raw)


def _snapshot_fields(table: str, values: dict) -> list[str]:
    mapper = _mappers().get(table)
    order = [a.key for a in mapper.column_attrs] if mapper is not None else []
    known = [n for n in order if n in values]
    hidden = _HIDDEN_IN_SNAPSHOT if mapper is not None else set()
    return [n for n in known + sorted(set(values) - set(known)) if n not in hidden]


def present(entries) -> list[ShownEntry]:
    """Write out audit rows for reading, looking up the objects they name once per table."""
    entries = list(entries)
    names = _Names()
    snapshots: dict[int, dict] = {}
    for entry in entries:
        if not entry.entity_label:
            names.want(entry.entity, entry.entity_id)
        if entry.field is None:
            values = _json_object(entry.new_value if entry.action != "delete" else entry.old_value)
            if values is not None:
                snapshots[entry.id] = values
                for name, raw in values.items():
                    _want_values(names, entry.entity, name, raw)
        else:
            for raw in (entry.old_value, entry.new_value):
                _want_values(names, entry.entity, entry.field, raw)
    names.resolve()
    shown = []
    for entry in entries:
        values = snapshots.get(entry.id)
        details = (
            [
                (field_label(entry.entity, name), format_value(entry.entity, name, raw, names))
                for name, raw in ((n, values[n]) for n in _snapshot_fields(entry.entity, values))
            ]
            if values is not None
            else []
        )
        is_data = entry.field is not None and _is_data(entry.entity, entry.field)
        if is_data:
            old, new = _laid_out(entry.old_value), _laid_out(entry.new_value)
        elif entry.field is not None:
            old = format_value(entry.entity, entry.field, entry.old_value, names)
            new = format_value(entry.entity, entry.field, entry.new_value, names)
        else:
            old = new = "–"
        shown.append(
            ShownEntry(
                entry=entry,
                action=action_name(entry.action),
                entity=entity_name(entry.entity),
                subject=entry.entity_label or _subject(entry, values, names),
                field=field_label(entry.entity, entry.field) if entry.field else "–",
                old=old,
                new=new,
                details=details,
                is_data=is_data,
                reason=reason_text(entry.reason),
            )
        )
    return shown


def _subject(entry: AuditEntry, snapshot: dict | None, names: _Names) -> str:
    """Name the object of a row that carries no label of its own."""
    if snapshot is not None and entry.entity in _mappers():
        return describe(entry.entity, snapshot, names)
    mapper = _mappers().get(entry.entity)
    if mapper is not None and (values := _member_values(mapper, entry.entity_id)) is not None:
        return describe(entry.entity, values, names)  # a key of several parts names it
    return names.name(entry.entity, entry.entity_id)


def _is_data(table: str, name: str) -> bool:
    mapper = _mappers().get(table)
    prop = mapper.attrs.get(name) if mapper is not None else None
    return isinstance(prop, sa.orm.ColumnProperty) and isinstance(prop.columns[0].type, sa.JSON)


def _laid_out(raw: str | None) -> str:
    """Indent stored JSON so it reads line by line (shown as stored if it is not JSON)."""
    if raw is None or raw == "":
        return "–"
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False, indent=1, sort_keys=True)
    except ValueError:
        return raw
