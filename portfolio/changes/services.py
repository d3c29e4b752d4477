"""Change requests: draft, put forward, decided by the programme steering group, applied.

A request proposes changes (ChangeItem) of six kinds. Nothing changes while it is a draft,
put forward or put off. Approval applies every change in the caller's one transaction:
the timeline, milestones, indicators, deliverables and projects are changed in place,
and the budget changes become a NEW approved baseline (the current one plus the deltas;
the old one stays, as every baseline does). Every row changed is audited with the reason
"change_request:<code>" (audit/context.because), so its history says which request
changed it, and each item keeps what it was before and after. If any change cannot be
made, a RuleViolation names it and the caller's rollback leaves everything as it was.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.audit.context import because
from portfolio.audit.presentation import CHANGE_REQUEST_REASON
from portfolio.audit.versions import apply_changes, check_version
from portfolio.auth.models import User
from portfolio.auth.permissions import Action, require
from portfolio.budgets import services as budget_services
from portfolio.budgets.models import LASTING, BudgetLine, BudgetRow
from portfolio.changes.models import (
    CODE_PREFIX,
    ChangeItem,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Operation,
)
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.i18n import format_day, format_mio, format_month, format_number
from portfolio.core.locking import next_number, take_turn
from portfolio.core.models import utcnow
from portfolio.core.months import Month
from portfolio.core.text import has_visible_text
from portfolio.extensions import db
from portfolio.indicators.models import Indicator
from portfolio.programmes import projects
from portfolio.programmes.models import (
    Deliverable,
    Programme,
    Project,
    ProjectStatus,
    TimelineItem,
    Track,
)
from portfolio.status import services as status_services
from portfolio.status.models import DecisionStatus, Milestone

REQUEST_FIELDS = (
    "title",
    "reason",
    "impact",
    "requested_by",
    "requested_on",
    "decision_wanted_on",
)
DECISIONS = (ChangeStatus.APPROVED, ChangeStatus.REJECTED, ChangeStatus.POSTPONED)
STEERING_GROUP = "Programstyregruppen"


# ------------------------------------------------------------------ reading


def list_requests(programme_id: int) -> list[ChangeRequest]:
    return list(
        db.session.scalars(
            sa.select(ChangeRequest)
            .where(ChangeRequest.programme_id == programme_id)
            .order_by(ChangeRequest.number.desc())
        )
    )


def get_request(programme: Programme, code: str) -> ChangeRequest:
    request = db.session.scalar(
        sa.select(ChangeRequest).where(
            ChangeRequest.programme_id == programme.id, ChangeRequest.code == code
        )
    )
    if request is None:
        raise NotFound(_("Ændringsanmodningen findes ikke."))
    return request


def reason_key(request: ChangeRequest) -> str:
    """The reason the rows an approval changes are audited with."""
    return f"{CHANGE_REQUEST_REASON}:{request.code}"


# ------------------------------------------------------------------ drafting


def _check_request(values: dict) -> None:
    errors = {}
    if "title" in values and not has_visible_text(values.get("title")):
        errors["title"] = [_("Giv ændringsanmodningen en titel.")]
    if "requested_by" in values and not has_visible_text(values.get("requested_by")):
        errors["requested_by"] = [_("Angiv, hvem der anmoder om ændringen.")]
    if "requested_on" in values and values.get("requested_on") is None:
        errors["requested_on"] = [_("Angiv datoen for anmodningen.")]
    if errors:
        raise RuleViolation(_("Ændringsanmodningen blev ikke gemt."), errors=errors)


def create_request(actor: User, programme: Programme, values: dict) -> ChangeRequest:
    """Register a draft request; it gets the programme's next code (ÆA1, ÆA2 …)."""
    require(actor, Action.EDIT_CHANGE_REQUEST, programme)
    values = {k: v for k, v in values.items() if k in REQUEST_FIELDS}
    _check_request({**dict.fromkeys(("title", "requested_by", "requested_on")), **values})
    number = next_number(programme, lambda: _highest_number(programme))
    request = ChangeRequest(
        programme_id=programme.id,
        number=number,
        code=f"{CODE_PREFIX}{number}",
        status=ChangeStatus.DRAFT,
        **values,
    )
    db.session.add(request)
    db.session.flush()
    return request


def _highest_number(programme: Programme) -> int | None:
    return db.session.scalar(
        sa.select(sa.func.max(ChangeRequest.number)).where(
            ChangeRequest.programme_id == programme.id
        )
    )


def _require_draft(request: ChangeRequest) -> None:
    if request.status is not ChangeStatus.DRAFT:
        raise RuleViolation(
            _(
                "Ændringsanmodningen er %(status)s og kan ikke længere ændres. Intet er ændret.",
                status=request.status.label.lower(),
            )
        )


def update_request(
    actor: User, request: ChangeRequest, changes: dict, expected_version: int | None = None
) -> list[str]:
    require(actor, Action.EDIT_CHANGE_REQUEST, request)
    check_version(request, expected_version)
    _require_draft(request)
    changes = {k: v for k, v in changes.items() if k in REQUEST_FIELDS}
    _check_request(changes)
    return apply_changes(request, changes)


def _touch(request: ChangeRequest) -> None:
    """Count a change to the request's list of changes as a new version of the request."""
    request.updated_at = utcnow()


def add_item(
    actor: User,
    request: ChangeRequest,
    kind: ChangeKind,
    values: dict,
    expected_version: int | None = None,
) -> ChangeItem:
    """Add a proposed change to a draft; it is checked now, and again on approval."""
    require(actor, Action.EDIT_CHANGE_REQUEST, request)
    check_version(request, expected_version)
    _require_draft(request)
    item = ChangeItem(kind=kind, **_item_values(kind, values))
    _check_item(request.programme, item)
    item.position = max((i.position for i in request.items), default=0) + 1
    request.items.append(item)
    _touch(request)
    db.session.flush()
    return item


_ITEM_FIELDS = {
    ChangeKind.TIMELINE: ("target_id", "new_start", "new_end"),
    ChangeKind.MILESTONE: ("target_id", "new_date"),
    ChangeKind.BUDGET: ("target_id", "period", "delta"),
    ChangeKind.INDICATOR: ("target_id", "new_value", "new_period"),
    ChangeKind.DELIVERABLE: ("operation", "target_id", "text"),
    ChangeKind.PROJECT: ("operation", "target_id", "text", "new_code", "new_status"),
}


def _item_values(kind: ChangeKind, values: dict) -> dict:
    kept = {k: v for k, v in values.items() if k in _ITEM_FIELDS[kind]}
    if isinstance(kept.get("text"), str):
        kept["text"] = kept["text"].strip()
    if isinstance(kept.get("new_code"), str):
        kept["new_code"] = kept["new_code"].strip()
    return kept


def remove_item(
    actor: User, request: ChangeRequest, item_id: int, expected_version: int | None = None
) -> None:
    require(actor, Action.EDIT_CHANGE_REQUEST, request)
    check_version(request, expected_version)
    _require_draft(request)
    item = next((i for i in request.items if i.id == item_id), None)
    if item is None:
        raise NotFound(_("Ændringen findes ikke i anmodningen."))
    request.items.remove(item)
    _touch(request)
    db.session.flush()


def submit(
    actor: User, request: ChangeRequest, today: dt.date, expected_version: int | None = None
) -> None:
    """Put a draft (or a request put off) forward for the steering group's decision."""
    require(actor, Action.EDIT_CHANGE_REQUEST, request)
    check_version(request, expected_version)
    if request.status not in (ChangeStatus.DRAFT, ChangeStatus.POSTPONED):
        raise RuleViolation(_("Kun en kladde eller en udsat anmodning kan indstilles."))
    if not request.items:
        raise RuleViolation(
            _("Tilføj mindst én ændring, før anmodningen indstilles til beslutning.")
        )
    for item in request.items:
        _check_item(request.programme, item)
    apply_changes(request, {"status": ChangeStatus.SUBMITTED, "submitted_on": today})


# ------------------------------------------------------------------ checking one change


def _fail(item: ChangeItem, message: str) -> RuleViolation:
    return RuleViolation(
        _(
            "Ændring %(number)d (%(kind)s): %(message)s",
            number=item.position or 0,
            kind=item.kind.label,
            message=message,
        )
        if item.position
        else message,
        errors={"item": [message]},
    )


def _target(programme: Programme, item: ChangeItem, model: type, missing: str):
    obj = db.session.get(model, item.target_id) if item.target_id is not None else None
    if obj is None or getattr(obj, "programme_id", programme.id) != programme.id:
        raise _fail(item, missing)
    if isinstance(obj, Deliverable) and obj.track.programme_id != programme.id:
        raise _fail(item, missing)
    return obj


def _check_item(programme: Programme, item: ChangeItem) -> None:
    """Refuse a change that names nothing of the programme or could never be made."""
    kind = item.kind
    if kind is ChangeKind.TIMELINE:
        _target(programme, item, TimelineItem, _("Vælg en af programmets faser eller bølger."))
        if item.new_start is None or item.new_end is None:
            raise _fail(item, _("Angiv ny start- og slutmåned."))
        if item.new_start > item.new_end:
            raise _fail(item, _("Slutmåneden skal ligge efter startmåneden."))
    elif kind is ChangeKind.MILESTONE:
        _target(programme, item, Milestone, _("Vælg en af programmets milepæle."))
        if item.new_date is None:
            raise _fail(item, _("Angiv milepælens nye dato."))
    elif kind is ChangeKind.BUDGET:
        row = _target(programme, item, BudgetRow, _("Vælg en af budgettets rækker."))
        del row
        if item.period not in set(budget_services.programme_years(programme)) | {LASTING}:
            raise _fail(item, _("Året ligger uden for programmets periode."))
        if item.delta is None or item.delta == 0:
            raise _fail(item, _("Angiv en ændring af beløbet, fx 1,5 eller -0,5 mio. kr."))
    elif kind is ChangeKind.INDICATOR:
        _target(programme, item, Indicator, _("Vælg en af programmets indikatorer."))
        if item.new_value is None:
            raise _fail(item, _("Angiv indikatorens nye målværdi."))
    elif kind is ChangeKind.DELIVERABLE:
        if item.operation is Operation.ADD:
            _target(programme, item, Track, _("Vælg sporet, leverancen skal høre til."))
        elif item.operation in (Operation.CHANGE, Operation.REMOVE):
            _target(programme, item, Deliverable, _("Vælg en af sporenes leverancer."))
        else:
            raise _fail(item, _("Vælg tilføj, ændr eller fjern."))
        if item.operation is not Operation.REMOVE and not has_visible_text(item.text):
            raise _fail(item, _("Skriv leverancens tekst."))
    elif kind is ChangeKind.PROJECT:
        _check_project_item(programme, item)


def _check_project_item(programme: Programme, item: ChangeItem) -> None:
    statuses = {s.value for s in ProjectStatus}
    if item.operation is Operation.ADD:
        if item.target_id is not None:
            _target(programme, item, Track, _("Vælg et af programmets spor."))
        if not item.new_code or not re.fullmatch(r"[\w.\-]{1,20}", item.new_code):
            raise _fail(item, _("Giv det nye projekt et nummer, fx 2.3."))
        if not has_visible_text(item.text):
            raise _fail(item, _("Giv det nye projekt et navn."))
        if item.new_status is not None and item.new_status not in statuses:
            raise _fail(item, _("Ukendt projektstatus."))
    elif item.operation is Operation.STATUS:
        _target(programme, item, Project, _("Vælg et af programmets projekter."))
        if item.new_status not in statuses:
            raise _fail(item, _("Vælg projektets nye status."))
    else:
        raise _fail(item, _("Vælg tilføj projekt eller ny status."))


# ------------------------------------------------------------------ the decision


def decide(
    actor: User,
    request: ChangeRequest,
    outcome: ChangeStatus,
    *,
    decided_on: dt.date | None,
    decision_text: str,
    meeting: str,
    expected_version: int | None = None,
) -> ChangeRequest:
    """Record the steering group's decision; an approval applies every change at once.

    The decision goes into the decision log (a status Decision, linked to the request).
    Any change that cannot be made raises RuleViolation naming it; the caller rolls back.
    """
    require(actor, Action.DECIDE_CHANGE_REQUEST, request)
    check_version(request, expected_version)
    errors = {}
    if outcome not in DECISIONS:
        errors["outcome"] = [_("Vælg godkend, afvis eller udsæt.")]
    if decided_on is None:
        errors["decided_on"] = [_("Angiv datoen for beslutningen.")]
    if not has_visible_text(decision_text):
        errors["decision_text"] = [_("Skriv styregruppens beslutning.")]
    if errors:
        raise RuleViolation(_("Beslutningen blev ikke registreret."), errors=errors)
    if not request.status.is_pending:
        raise RuleViolation(
            _("Kun en indstillet eller udsat anmodning kan besluttes. Intet er ændret.")
        )
    assert decided_on is not None
    programme = request.programme
    # One decision on the programme's data at a time (budget numbering, the checks below).
    take_turn(programme)
    body = meeting.strip() or STEERING_GROUP
    decision = status_services.create_decision(
        actor,
        programme,
        {
            "title": f"{request.code}: {request.title}"[:300],
            "background": request.reason,
            "body": body[:300],
            "requested_for": request.decision_wanted_on,
            "status": DecisionStatus.DECIDED,
            "decided_on": decided_on,
            "outcome": f"{outcome.label}: {decision_text.strip()}",
            "linked_items": request.code,
        },
    )
    apply_changes(
        request,
        {
            "status": outcome,
            "decided_on": decided_on,
            "decision_text": decision_text.strip(),
            "meeting": meeting.strip()[:300],
            "decided_by": actor.email,
            "decision_id": decision.id,
        },
    )
    if outcome is ChangeStatus.APPROVED:
        _apply(actor, request, decided_on, body)
    return request


@dataclass
class _Applied:
    item: ChangeItem
    subject: str
    before: str | None
    after: str | None


def _apply(actor: User, request: ChangeRequest, decided_on: dt.date, body: str) -> None:
    programme = request.programme
    applied: list[_Applied] = []
    budget_items: list[ChangeItem] = []
    with because(reason_key(request)):
        for item in request.items:
            _check_item(programme, item)
            if item.kind is ChangeKind.BUDGET:
                budget_items.append(item)
            else:
                applied.append(_apply_item(actor, programme, item))
        if budget_items:
            applied.extend(_apply_budget(actor, request, budget_items, decided_on, body))
        db.session.flush()  # the audit rows are written now, while the reason holds
    for done in applied:
        done.item.subject = done.subject[:300]
        done.item.before_text = done.before
        done.item.after_text = done.after
    request.applied_at = utcnow()
    db.session.flush()


def _apply_item(actor: User, programme: Programme, item: ChangeItem) -> _Applied:
    kind = item.kind
    if kind is ChangeKind.TIMELINE:
        timeline = _target(programme, item, TimelineItem, "")
        before = f"{timeline.start_month}/{timeline.end_month}"
        timeline.start_month, timeline.end_month = item.new_start, item.new_end
        return _Applied(item, timeline.name, before, f"{item.new_start}/{item.new_end}")
    if kind is ChangeKind.MILESTONE:
        milestone = _target(programme, item, Milestone, "")
        before = milestone.planned_on.isoformat()
        milestone.planned_on = item.new_date
        return _Applied(item, milestone.title, before, milestone.planned_on.isoformat())
    if kind is ChangeKind.INDICATOR:
        indicator = _target(programme, item, Indicator, "")
        before = _target_text(indicator.target_value, indicator.target_period)
        indicator.target_value = item.new_value
        if item.new_period is not None:
            indicator.target_period = item.new_period
        after = _target_text(indicator.target_value, indicator.target_period)
        return _Applied(item, f"{indicator.code} {indicator.name}", before, after)
    if kind is ChangeKind.DELIVERABLE:
        return _apply_deliverable(programme, item)
    return _apply_project(actor, programme, item)


def _target_text(value: Decimal | None, period: Month | None) -> str:
    return f"{'' if value is None else value}|{period or ''}"


def _apply_deliverable(programme: Programme, item: ChangeItem) -> _Applied:
    if item.operation is Operation.ADD:
        track = _target(programme, item, Track, "")
        position = max((d.position for d in track.deliverables), default=0) + 1
        track.deliverables.append(Deliverable(position=position, text=item.text))
        return _Applied(item, track.label, None, item.text)
    deliverable = _target(programme, item, Deliverable, "")
    subject, before = deliverable.track.label, deliverable.text
    if item.operation is Operation.REMOVE:
        deliverable.track.deliverables.remove(deliverable)
        return _Applied(item, subject, before, None)
    deliverable.text = item.text
    return _Applied(item, subject, before, item.text)


def _apply_project(actor: User, programme: Programme, item: ChangeItem) -> _Applied:
    if item.operation is Operation.ADD:
        try:
            project = projects.create_project(
                actor,
                programme,
                {
                    "code": item.new_code,
                    "name": item.text,
                    "track_id": item.target_id,
                    "status": ProjectStatus(item.new_status or ProjectStatus.PLANNED.value),
                },
            )
        except RuleViolation as error:
            raise _fail(item, error.message) from error
        return _Applied(item, f"{project.code} {project.name}", None, project.status.value)
    project = _target(programme, item, Project, "")
    before = project.status.value
    project.status = ProjectStatus(item.new_status)
    return _Applied(item, f"{project.code} {project.name}", before, project.status.value)


def _apply_budget(
    actor: User,
    request: ChangeRequest,
    items: list[ChangeItem],
    decided_on: dt.date,
    body: str,
) -> list[_Applied]:
    """Make the next approved baseline: the current one's amounts plus the deltas."""
    programme = request.programme
    current = budget_services.latest_baseline(programme.id)
    if current is None:
        raise _fail(items[0], _("Programmet har intet godkendt budget at ændre."))
    amounts: dict[tuple[int, str], Decimal] = {
        (line.row_id, line.period): line.amount
        for line in db.session.scalars(
            sa.select(BudgetLine).where(BudgetLine.baseline_id == current.id)
        )
    }
    before = dict(amounts)
    rows = {r.id: r for r in budget_services.budget_rows(programme.id)}
    for item in items:
        assert item.target_id is not None and item.period is not None and item.delta is not None
        key = (item.target_id, item.period)
        amount = amounts.get(key, Decimal("0")) + item.delta
        if amount < 0:
            raise _fail(
                item,
                _(
                    "%(row)s i %(period)s ville blive negativ (%(amount)s).",
                    row=rows[item.target_id].label,
                    period=item.period,
                    amount=format_mio(amount),
                ),
            )
        amounts[key] = amount
    try:
        baseline = budget_services.rebaseline(
            actor,
            programme,
            approved_on=decided_on,
            approved_by=body,
            reason=_(
                "Ændringsanmodning %(code)s: %(title)s", code=request.code, title=request.title
            ),
            decision=request.decision_text,
            amounts=amounts,
        )
    except RuleViolation as error:
        details = "; ".join(m for messages in error.errors.values() for m in messages)
        raise RuleViolation(
            _("Den nye budgetversion kunne ikke oprettes: %(why)s", why=details or error.message),
            errors=error.errors,
        ) from error
    request.baseline_id = baseline.id
    result = []
    for item in items:
        assert item.target_id is not None and item.period is not None
        key = (item.target_id, item.period)
        old = before.get(key)
        result.append(
            _Applied(
                item,
                f"{rows[item.target_id].label} {item.period}",
                None if old is None else str(old),
                str(amounts[key]),
            )
        )
    return result


# ------------------------------------------------------------------ showing a change


def shown_value(item: ChangeItem, raw: str | None) -> str:
    """Write a stored before or after value the way users read it."""
    if raw is None:
        return "–"
    kind = item.kind
    if kind is ChangeKind.TIMELINE:
        start, _sep, end = raw.partition("/")
        return f"{format_month(start)} – {format_month(end)}"
    if kind is ChangeKind.MILESTONE:
        return format_day(raw)
    if kind is ChangeKind.BUDGET:
        return format_mio(Decimal(raw))
    if kind is ChangeKind.INDICATOR:
        value, _sep, period = raw.partition("|")
        shown = format_number(Decimal(value)) if value else "–"
        return f"{shown} ({format_month(period)})" if period else shown
    if kind is ChangeKind.PROJECT:
        try:
            return ProjectStatus(raw).label
        except ValueError:
            return raw
    return raw


def proposal_text(item: ChangeItem, names: dict[tuple[str, int], str]) -> str:
    """Describe a proposed change in a sentence (names: the targets' names, by kind and id)."""
    target = names.get((item.kind.value, item.target_id or 0), _("(ukendt)"))
    kind = item.kind
    if kind is ChangeKind.TIMELINE:
        return _(
            "%(name)s flyttes til %(start)s – %(end)s",
            name=target,
            start=format_month(item.new_start),
            end=format_month(item.new_end),
        )
    if kind is ChangeKind.MILESTONE:
        return _("%(name)s flyttes til %(day)s", name=target, day=format_day(item.new_date))
    if kind is ChangeKind.BUDGET:
        sign = "+" if (item.delta or 0) > 0 else ""
        return _(
            "%(row)s, %(period)s: %(sign)s%(amount)s",
            row=target,
            period=item.period,
            sign=sign,
            amount=format_mio(item.delta),
        )
    if kind is ChangeKind.INDICATOR:
        text = _(
            "%(name)s: ny målværdi %(value)s", name=target, value=format_number(item.new_value)
        )
        if item.new_period is not None:
            text += " (" + format_month(item.new_period) + ")"
        return text
    if kind is ChangeKind.DELIVERABLE:
        if item.operation is Operation.ADD:
            return _("Ny leverance under %(track)s: %(text)s", track=target, text=item.text)
        if item.operation is Operation.REMOVE:
            return _("Leverancen fjernes: %(text)s", text=target)
        return _("Leverancen %(old)s ændres til: %(text)s", old=target, text=item.text)
    if item.operation is Operation.ADD:
        return _(
            "Nyt projekt %(code)s %(name)s (%(track)s)",
            code=item.new_code,
            name=item.text,
            track=target if item.target_id else _("tværgående"),
        )
    status = ProjectStatus(item.new_status).label if item.new_status else "–"
    return _("%(name)s får status %(status)s", name=target, status=status)


def target_names(programme: Programme, items: list[ChangeItem]) -> dict[tuple[str, int], str]:
    """Name every target the items refer to, in one query per kind of target."""
    wanted: dict[tuple[ChangeKind, Operation | None], set[int]] = {}
    for item in items:
        if item.target_id is not None:
            key = (item.kind, _target_model_key(item))
            wanted.setdefault(key, set()).add(item.target_id)
    names: dict[tuple[str, int], str] = {}
    for (kind, operation), ids in wanted.items():
        model = _target_model(kind, operation)
        for obj in db.session.scalars(sa.select(model).where(model.id.in_(sorted(ids)))):
            names[(kind.value, obj.id)] = _name_of(obj)
    return names


def _target_model_key(item: ChangeItem) -> Operation | None:
    if item.kind in (ChangeKind.DELIVERABLE, ChangeKind.PROJECT):
        return Operation.ADD if item.operation is Operation.ADD else Operation.CHANGE
    return None


def _target_model(kind: ChangeKind, operation: Operation | None) -> Any:
    if kind in (ChangeKind.DELIVERABLE, ChangeKind.PROJECT) and operation is Operation.ADD:
        return Track
    return {
        ChangeKind.TIMELINE: TimelineItem,
        ChangeKind.MILESTONE: Milestone,
        ChangeKind.BUDGET: BudgetRow,
        ChangeKind.INDICATOR: Indicator,
        ChangeKind.DELIVERABLE: Deliverable,
        ChangeKind.PROJECT: Project,
    }[kind]


def _name_of(obj) -> str:
    if isinstance(obj, Track):
        return obj.label
    if isinstance(obj, Deliverable):
        text = obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"
        return f"«{text}»"
    if isinstance(obj, Indicator):
        return f"{obj.code} {obj.name}"
    if isinstance(obj, Project):
        return f"{obj.code} {obj.name}"
    return str(getattr(obj, "name", None) or getattr(obj, "title", None) or obj.label)


# ------------------------------------------------------------------ parsing a delta


def parse_delta(text: str | None) -> Decimal | None:
    """Read a change of an amount in mio. kr.: "1,5", "+1,5", "-0,25" (ValueError if not)."""
    cleaned = (text or "").strip().replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return None
    sign = Decimal("-1") if cleaned.startswith("-") else Decimal("1")
    magnitude = budget_services.parse_amount(cleaned.lstrip("+-"))
    return None if magnitude is None else sign * magnitude
