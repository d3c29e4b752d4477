"""JSON API v1 for change requests: list, read, create (with its changes) and decide.

Registered on the API blueprint of api/views.py (imported when the blueprints are, see
portfolio/__init__.py). Writes follow the PATCH risk pattern: a JSON object, text cleaned
of control characters and refused with NUL, the `version` read for a decision (409 with
the changes made since when stale), one transaction per request.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.api.views import _programme, bp
from portfolio.api.writes import conflict_response, read_version
from portfolio.api.writes import protect_session_write as _protect_session_write
from portfolio.auth.permissions import Action, require
from portfolio.changes import services
from portfolio.changes.models import ChangeItem, ChangeKind, ChangeRequest, ChangeStatus, Operation
from portfolio.core import clock
from portfolio.core.errors import DomainError, RuleViolation, StaleEdit
from portfolio.core.months import Month
from portfolio.core.text import clean_value, refusal
from portfolio.core.validators import day_refusal, month_refusal
from portfolio.extensions import db

REQUEST_TEXTS = {"title": 300, "reason": 20_000, "impact": 20_000, "requested_by": 200}
ITEM_FIELDS = {
    "kind",
    "operation",
    "target_id",
    "period",
    "new_start",
    "new_end",
    "new_date",
    "delta",
    "new_value",
    "new_period",
    "text",
    "new_code",
    "new_status",
}
_DECIMAL = re.compile(r"-?\d{1,15}(\.\d{1,12})?")


def serialize(change_request: ChangeRequest) -> dict:
    names = services.target_names(change_request.programme, change_request.items)
    return {
        "code": change_request.code,
        "title": change_request.title,
        "reason": change_request.reason,
        "impact": change_request.impact,
        "requested_by": change_request.requested_by,
        "requested_on": _iso(change_request.requested_on),
        "decision_wanted_on": _iso(change_request.decision_wanted_on),
        "status": change_request.status.value,
        "submitted_on": _iso(change_request.submitted_on),
        "decided_on": _iso(change_request.decided_on),
        "decision_text": change_request.decision_text,
        "meeting": change_request.meeting,
        "decided_by": change_request.decided_by,
        "baseline_number": change_request.baseline.number if change_request.baseline else None,
        "version": change_request.version,
        "items": [_item(i, names) for i in change_request.items],
    }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _text(value) -> str | None:
    return None if value is None else str(value)


def _item(item: ChangeItem, names: dict) -> dict:
    return {
        "position": item.position,
        "kind": item.kind.value,
        "area": item.kind.area_key,
        "operation": item.operation.value,
        "target_id": item.target_id,
        "target": names.get((item.kind.value, item.target_id or 0)),
        "period": item.period,
        "new_start": _text(item.new_start),
        "new_end": _text(item.new_end),
        "new_date": _iso(item.new_date),
        "delta": _text(item.delta),
        "new_value": _text(item.new_value),
        "new_period": _text(item.new_period),
        "text": item.text,
        "new_code": item.new_code,
        "new_status": item.new_status,
        "applied": {"subject": item.subject, "before": item.before_text, "after": item.after_text}
        if item.request.applied_at
        else None,
    }


@bp.get("/programmes/<slug>/change-requests")
def change_requests(slug):
    programme = _programme(slug)
    return jsonify(items=[serialize(r) for r in services.list_requests(programme.id)])


@bp.get("/programmes/<slug>/change-requests/<code>")
def change_request(slug, code):
    programme = _programme(slug)
    return jsonify(serialize(services.get_request(programme, code)))


def _too_long(name: str, value: str, limit: int) -> bool:
    """Whether the text as sent (before control characters are cleaned out) is longer than
    the OpenAPI document allows: the document's maxLength is about what a client sends."""
    sent = (request.get_json(silent=True) or {}).get(name)
    return len(sent if isinstance(sent, str) else value) > limit


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise RuleViolation(_("Forespørgslen skal være et JSON-objekt."))
    reason = refusal(body)
    if reason is not None:
        raise DomainError(reason)
    return clean_value(body)


def _day(body: dict, name: str, errors: dict, *, required: bool = False) -> dt.date | None:
    value = body.get(name)
    if value is None:
        if required:
            errors[name] = [_("Feltet skal udfyldes.")]
        return None
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        errors[name] = [_("Angiv en dato som ÅÅÅÅ-MM-DD.")]
        return None
    if (why := day_refusal(day)) is not None:
        errors[name] = [why]
        return None
    return day


def _month(value, name: str, errors: dict) -> Month | None:
    if value is None:
        return None
    try:
        month = Month.parse(value) if isinstance(value, str) else None
    except ValueError:
        month = None
    if month is None or month_refusal(month) is not None:
        errors[name] = [_("Angiv en måned som ÅÅÅÅ-MM, fx 2026-11.")]
        return None
    return month


def _decimal(value, name: str, errors: dict) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
        errors[name] = [_('Skriv et tal som tekst, fx "1.5" eller "-0.5".')]
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        errors[name] = [_('Skriv et tal som tekst, fx "1.5" eller "-0.5".')]
        return None


def _item_values(raw, index: int, errors: dict) -> tuple[ChangeKind, dict] | None:
    prefix = f"items[{index}]"
    if not isinstance(raw, dict):
        errors[prefix] = [_("Skal være et JSON-objekt.")]
        return None
    unknown = set(raw) - ITEM_FIELDS
    if unknown:
        errors[prefix] = [_("Ukendte felter: %(names)s", names=", ".join(sorted(unknown)))]
        return None
    try:
        kind = ChangeKind(raw.get("kind"))
    except ValueError:
        errors[f"{prefix}.kind"] = [_("Ukendt slags ændring.")]
        return None
    found: dict = {}
    before = len(errors)
    if "operation" in raw:
        try:
            found["operation"] = Operation(raw["operation"])
        except ValueError:
            errors[f"{prefix}.operation"] = [_("Ukendt handling.")]
    target = raw.get("target_id")
    if target is not None and (
        not isinstance(target, int) or isinstance(target, bool) or not 0 < target < 2**31
    ):
        errors[f"{prefix}.target_id"] = [_("Skal være et heltal.")]
    found["target_id"] = target
    for name in ("period", "text", "new_code", "new_status"):
        value = raw.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > 5_000):
            errors[f"{prefix}.{name}"] = [_("Forkert type.")]
        elif value is not None:
            found[name] = value
    for name in ("new_start", "new_end", "new_period"):
        found[name] = _month(raw.get(name), f"{prefix}.{name}", errors)
    found["new_date"] = _day(raw, "new_date", errors)
    if "new_date" in errors:
        errors[f"{prefix}.new_date"] = errors.pop("new_date")
    found["delta"] = _decimal(raw.get("delta"), f"{prefix}.delta", errors)
    if found["delta"] is not None and found["delta"] != found["delta"].quantize(Decimal("0.001")):
        errors[f"{prefix}.delta"] = [_("Højst tre decimaler (hele tusinde kroner).")]
    found["new_value"] = _decimal(raw.get("new_value"), f"{prefix}.new_value", errors)
    if len(errors) > before:
        return None
    return kind, found


@bp.post("/programmes/<slug>/change-requests")
def create_change_request(slug):
    """Create a draft; its changes are added with POST …/<code>/items, then submitted."""
    _protect_session_write()
    programme = _programme(slug)
    require(current_user, Action.EDIT_CHANGE_REQUEST, programme)
    body = _body()
    allowed = set(REQUEST_TEXTS) | {"requested_on", "decision_wanted_on"}
    unknown = set(body) - allowed
    if unknown:
        raise RuleViolation(_("Ukendte felter."), errors={k: [_("Ukendt felt.")] for k in unknown})
    values: dict = {}
    errors: dict = {}
    for name, limit in REQUEST_TEXTS.items():
        value = body.get(name, "")
        if not isinstance(value, str):
            errors[name] = [_("Forkert type.")]
        elif _too_long(name, value, limit):
            errors[name] = [_("Højst %(max)d tegn.", max=limit)]
        else:
            values[name] = value.strip()
    values["requested_on"] = _day(body, "requested_on", errors) or clock.today()
    values["decision_wanted_on"] = _day(body, "decision_wanted_on", errors)
    if errors:
        raise RuleViolation(_("Ændringsanmodningen blev ikke oprettet."), errors=errors)
    created = services.create_request(current_user, programme, values)
    db.session.commit()
    return jsonify(serialize(created)), 201


@bp.post("/programmes/<slug>/change-requests/<code>/items")
def add_change_item(slug, code):
    """Add one proposed change to a draft; the body carries the request's version."""
    _protect_session_write()
    programme = _programme(slug)
    change = services.get_request(programme, code)
    require(current_user, Action.EDIT_CHANGE_REQUEST, change)
    body = _body()
    version = read_version(body)
    errors: dict = {}
    parsed = _item_values({k: v for k, v in body.items() if k != "version"}, 0, errors)
    if errors or parsed is None:
        errors = {k.removeprefix("items[0]").lstrip(".") or "item": v for k, v in errors.items()}
        raise RuleViolation(_("Ændringen blev ikke tilføjet."), errors=errors)
    kind, values = parsed
    try:
        services.add_item(current_user, change, kind, values, version)
    except StaleEdit as error:
        return conflict_response(error)
    db.session.commit()
    return jsonify(serialize(change)), 201


@bp.post("/programmes/<slug>/change-requests/<code>/submit")
def submit_change_request(slug, code):
    """Put a draft forward for the steering group's decision (body: the version read)."""
    _protect_session_write()
    programme = _programme(slug)
    change = services.get_request(programme, code)
    require(current_user, Action.EDIT_CHANGE_REQUEST, change)
    body = _body()
    unknown = set(body) - {"version"}
    if unknown:
        raise RuleViolation(_("Ukendte felter."), errors={k: [_("Ukendt felt.")] for k in unknown})
    version = read_version(body)
    try:
        services.submit(current_user, change, clock.today(), version)
    except StaleEdit as error:
        return conflict_response(error)
    db.session.commit()
    return jsonify(serialize(change))


@bp.post("/programmes/<slug>/change-requests/<code>/decide")
def decide_change_request(slug, code):
    """Record the steering group's decision; the body carries the version read (409 if stale)."""
    _protect_session_write()
    programme = _programme(slug)
    change = services.get_request(programme, code)
    require(current_user, Action.DECIDE_CHANGE_REQUEST, change)
    body = _body()
    unknown = set(body) - {"version", "outcome", "decided_on", "decision_text", "meeting"}
    if unknown:
        raise RuleViolation(_("Ukendte felter."), errors={k: [_("Ukendt felt.")] for k in unknown})
    version = read_version(body)
    errors: dict = {}
    try:
        outcome = ChangeStatus(body.get("outcome"))
    except ValueError:
        outcome = None
    if outcome not in services.DECISIONS:
        errors["outcome"] = [_("Vælg approved, rejected eller postponed.")]
    decided_on = _day(body, "decided_on", errors, required=True)
    texts = {}
    for name, limit in (("decision_text", 20_000), ("meeting", 300)):
        value = body.get(name, "")
        if not isinstance(value, str):
            errors[name] = [_("Forkert type.")]
        elif _too_long(name, value, limit):
            errors[name] = [_("Højst %(max)d tegn.", max=limit)]
        else:
            texts[name] = value
    if errors:
        raise RuleViolation(_("Beslutningen blev ikke registreret."), errors=errors)
    assert outcome is not None
    try:
        services.decide(
            current_user,
            change,
            outcome,
            decided_on=decided_on,
            decision_text=texts["decision_text"],
            meeting=texts["meeting"],
            expected_version=version,
        )
    except StaleEdit as error:
        return conflict_response(error)
    db.session.commit()
    return jsonify(serialize(change))
