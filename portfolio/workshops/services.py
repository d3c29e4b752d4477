"""Planning, holding and closing benefit follow-up workshops; their minutes and actions.

A workshop moves PLANNED → HELD → CLOSED. Holding it freezes, per benefit on the agenda,
the profile and indicator values shown (`WorkshopItem.snapshot`), so the minutes keep the
numbers that were discussed. Closing it locks the minutes. Actions outlive their workshop:
their status is followed up (done, cancelled) after the workshop has closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from portfolio.audit.versions import apply_changes, check_version
from portfolio.auth.models import User
from portfolio.auth.people import check_owner
from portfolio.auth.permissions import Action, Target, can, require
from portfolio.benefits.models import Benefit
from portfolio.core.confirmation import Confirmation
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.i18n import format_day
from portfolio.core.models import utcnow
from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.indicators.models import Progress
from portfolio.programmes.models import Programme, ProgrammeStatus, TimelineKind
from portfolio.workshops.models import (
    ActionStatus,
    FollowUpPhase,
    Workshop,
    WorkshopAction,
    WorkshopItem,
    WorkshopStatus,
)

WORKSHOP_FIELDS = ("title", "held_on", "place", "participants", "phase", "summary")
ACTION_FIELDS = ("text", "owner", "owner_user_id", "due_on", "benefit_id", "status")
# What a benefit's snapshot reads, loaded with the agenda instead of one query at a time.
_BENEFIT_PROFILE = (
    selectinload(Benefit.type_links),
    selectinload(Benefit.recipients),
    selectinload(Benefit.tracks),
    selectinload(Benefit.projects),
    selectinload(Benefit.goals),
    selectinload(Benefit.indicators),
)
# The state model asks for the benefits' status twice in the first year after closure.
FOLLOW_UP_MONTHS = (6, 12)


# --- reading ---------------------------------------------------------------------------


def list_workshops(programme_id: int) -> list[Workshop]:
    """Return the programme's workshops, latest first, with their agendas."""
    return list(
        db.session.scalars(
            sa.select(Workshop)
            .where(Workshop.programme_id == programme_id)
            .options(selectinload(Workshop.items).joinedload(WorkshopItem.benefit))
            .order_by(Workshop.held_on.desc(), Workshop.id.desc())
        )
    )


def get_workshop(programme: Programme, workshop_id: int) -> Workshop:
    """Return the programme's workshop with its agenda, benefits and actions loaded."""
    workshop = db.session.scalar(
        sa.select(Workshop)
        .where(Workshop.id == workshop_id, Workshop.programme_id == programme.id)
        .options(
            selectinload(Workshop.items)
            .joinedload(WorkshopItem.benefit)
            .options(*_BENEFIT_PROFILE),
            selectinload(Workshop.actions).joinedload(WorkshopAction.benefit),
        )
    )
    if workshop is None:
        raise NotFound(_("Workshoppen findes ikke."))
    return workshop


def get_item(workshop: Workshop, code: str) -> WorkshopItem:
    """Return the agenda item of the benefit with this code (GH1 …)."""
    for item in workshop.items:
        if item.benefit.code == code:
            return item
    raise NotFound(_("Gevinsten er ikke på workshoppens dagsorden."))


def get_action(workshop: Workshop, action_id: int) -> WorkshopAction:
    action = db.session.get(WorkshopAction, action_id)
    if action is None or action.workshop_id != workshop.id:
        raise NotFound(_("Handlingen findes ikke."))
    return action


def programme_benefits(programme_id: int) -> list[Benefit]:
    return list(
        db.session.scalars(
            sa.select(Benefit).where(Benefit.programme_id == programme_id).order_by(Benefit.code)
        )
    )


def earlier_items(item: WorkshopItem) -> list[WorkshopItem]:
    """Return the same benefit's items at earlier held workshops, latest first."""
    workshop = item.workshop
    return list(
        db.session.scalars(
            sa.select(WorkshopItem)
            .join(Workshop)
            .where(
                WorkshopItem.benefit_id == item.benefit_id,
                Workshop.programme_id == workshop.programme_id,
                Workshop.status != WorkshopStatus.PLANNED,
                Workshop.id != workshop.id,
                Workshop.held_on <= workshop.held_on,
            )
            .order_by(Workshop.held_on.desc(), Workshop.id.desc())
        )
    )


def live_snapshots(benefits: list[Benefit], *, today: dt.date | None = None) -> dict[int, dict]:
    """Return each benefit's profile and indicator readings as they are now, by benefit id.

    The readings of all the benefits' indicators are read together, so an agenda of six
    benefits costs no more queries than one of two.
    """
    from portfolio.indicators import services as indicator_services

    indicators = [indicator for benefit in benefits for indicator in benefit.indicators]
    readings = indicator_services.readings_for(indicators, today=today)
    return {
        benefit.id: indicator_services.benefit_snapshot(
            benefit, [readings[i.id] for i in benefit.indicators if i.id in readings]
        )
        for benefit in benefits
    }


def shown_snapshots(items: list[WorkshopItem], *, today: dt.date | None = None) -> dict[int, dict]:
    """Return what pages show for each item, by item id: frozen figures once held, else live."""
    shown = {item.id: item.snapshot for item in items if item.snapshot is not None}
    live = [item for item in items if item.snapshot is None]
    if live:
        snapshots = live_snapshots([item.benefit for item in live], today=today)
        shown.update({item.id: snapshots[item.benefit_id] for item in live})
    return shown


def shown_snapshot(item: WorkshopItem, *, today: dt.date | None = None) -> dict:
    """Return what a page shows for one item: the frozen figures once held, else live ones."""
    return shown_snapshots([item], today=today)[item.id]


def can_record(user: User, item: WorkshopItem) -> bool:
    """Tell whether the user may write the minutes of this agenda item."""
    return can(user, Action.MANAGE_WORKSHOPS, _item_target(item))


def _item_target(item: WorkshopItem) -> Target:
    return Target(programme_id=item.workshop.programme_id, benefit_id=item.benefit_id)


def action_target(workshop: Workshop, benefit_id: int | None) -> Target:
    return Target(programme_id=workshop.programme_id, benefit_id=benefit_id)


# --- the rules of the workshop's life ----------------------------------------------------


def _refuse_if_closed(workshop: Workshop) -> None:
    if workshop.status is WorkshopStatus.CLOSED:
        raise RuleViolation(
            _("Workshoppen er afsluttet, og referatet er låst. Det kan ikke ændres længere.")
        )


def _refuse_unless_held(workshop: Workshop) -> None:
    _refuse_if_closed(workshop)
    if workshop.status is not WorkshopStatus.HELD:
        raise RuleViolation(
            _(
                "Referatet skrives, når workshoppen er afholdt: klik først på "
                "»Afhold workshop«, så tallene fastfryses."
            )
        )


def agenda_choices(programme_id: int, on_agenda: Iterable[int] = ()) -> list[Benefit]:
    """The benefits a workshop's agenda may hold: the programme's benefits that are not
    retired, and those already on this agenda (a benefit retired since stays on it)."""
    keep = set(on_agenda)
    return [b for b in programme_benefits(programme_id) if not b.is_retired or b.id in keep]


def _pick_benefits(programme_id: int, benefit_ids, on_agenda: Iterable[int] = ()) -> list[Benefit]:
    ids = set(benefit_ids or ())
    if not ids:
        raise RuleViolation(
            _("Sæt mindst én gevinst på dagsordenen."),
            errors={"benefit_ids": [_("Vælg mindst én gevinst.")]},
        )
    found = list(
        db.session.scalars(
            sa.select(Benefit)
            .where(Benefit.programme_id == programme_id, Benefit.id.in_(ids))
            .order_by(Benefit.code)
        )
    )
    if len(found) != len(ids):
        raise RuleViolation(
            _("En valgt gevinst hører ikke til programmet."),
            errors={"benefit_ids": [_("Vælg blandt programmets gevinster.")]},
        )
    keep = set(on_agenda)
    if any(b.is_retired and b.id not in keep for b in found):
        raise RuleViolation(
            _("En udgået gevinst kan ikke sættes på dagsordenen."),
            errors={"benefit_ids": [_("Vælg blandt programmets aktive gevinster.")]},
        )
    return found


def plan_workshop(actor: User, programme: Programme, values: dict) -> Workshop:
    """Plan a workshop with the chosen benefits on its agenda (in the order of their codes)."""
    require(actor, Action.MANAGE_WORKSHOPS, programme)
    benefits = _pick_benefits(programme.id, values.get("benefit_ids"))
    workshop = Workshop(
        programme_id=programme.id,
        **{k: v for k, v in values.items() if k in WORKSHOP_FIELDS and v is not None},
    )
    workshop.items = [
        WorkshopItem(benefit_id=benefit.id, position=position)
        for position, benefit in enumerate(benefits)
    ]
    db.session.add(workshop)
    db.session.flush()
    return workshop


def update_workshop(
    actor: User, workshop: Workshop, changes: dict, expected_version: int | None = None
) -> list[str]:
    """Change a workshop's details; its agenda only while it is still being planned."""
    require(actor, Action.MANAGE_WORKSHOPS, Target(programme_id=workshop.programme_id))
    _refuse_if_closed(workshop)
    benefit_ids = changes.pop("benefit_ids", None)
    check_version(workshop, expected_version)
    changed = apply_changes(
        workshop, {k: v for k, v in changes.items() if k in WORKSHOP_FIELDS and v is not None}
    )
    if benefit_ids is not None:
        current = {item.benefit_id for item in workshop.items}
        if set(benefit_ids) != current:
            if workshop.status is not WorkshopStatus.PLANNED:
                raise RuleViolation(
                    _("Dagsordenen kan ikke ændres, efter workshoppen er afholdt."),
                    errors={"benefit_ids": [_("Tallene er allerede fastfrosset.")]},
                )
            benefits = _pick_benefits(workshop.programme_id, benefit_ids, current)
            keep = {item.benefit_id: item for item in workshop.items}
            workshop.items = [
                keep.get(b.id) or WorkshopItem(benefit_id=b.id, position=position)
                for position, b in enumerate(benefits)
            ]
            for position, item in enumerate(workshop.items):
                item.position = position
            workshop.updated_at = utcnow()  # the agenda is part of the workshop's version
            changed.append("benefit_ids")
            db.session.flush()
    return changed


def hold_workshop(
    actor: User,
    workshop: Workshop,
    expected_version: int | None = None,
    *,
    today: dt.date | None = None,
) -> Workshop:
    """Hold the workshop: freeze each benefit's profile and indicator values as shown now."""
    require(actor, Action.MANAGE_WORKSHOPS, Target(programme_id=workshop.programme_id))
    _refuse_if_closed(workshop)
    check_version(workshop, expected_version)
    if workshop.status is not WorkshopStatus.PLANNED:
        raise RuleViolation(_("Workshoppen er allerede afholdt; tallene er fastfrosset."))
    if not workshop.items:
        raise RuleViolation(_("Sæt mindst én gevinst på dagsordenen."))
    snapshots = live_snapshots([item.benefit for item in workshop.items], today=today)
    for item in workshop.items:
        item.snapshot = snapshots[item.benefit_id]
    workshop.status = WorkshopStatus.HELD
    workshop.frozen_at = utcnow()
    workshop.frozen_by = actor.email
    db.session.flush()
    return workshop


def _codes(items: list[WorkshopItem]) -> str:
    return ", ".join(item.benefit.code for item in items)


def _days_away(day: dt.date, today: dt.date) -> str | None:
    """Say how far the meeting date lies from today, when it is not today."""
    days = (day - today).days
    if days > 0:
        return ngettext(
            "Mødedatoen er om %(num)d dag (%(day)s).",
            "Mødedatoen er om %(num)d dage (%(day)s).",
            days,
            day=format_day(day),
        )
    return None


def hold_confirmation(workshop: Workshop, *, today: dt.date) -> Confirmation:
    """Say what holding the workshop freezes and what is not ready for it."""
    items = list(workshop.items)
    locked = [
        ngettext(
            "Tallene for %(num)d gevinst fastfryses (%(codes)s); nye data ændrer dem ikke.",
            "Tallene for %(num)d gevinster fastfryses (%(codes)s); nye data ændrer dem ikke.",
            len(items),
            codes=_codes(items),
        ),
        _("Dagsordenen kan ikke ændres bagefter."),
    ]
    missing = []
    away = _days_away(workshop.held_on, today)
    if away:
        missing.append(away + " " + _("Tallene fastfryses i dag, ikke på mødedagen."))
    bare = [item for item in items if not item.benefit.indicators]
    if bare:
        missing.append(
            ngettext(
                "%(num)d af %(total)d gevinster har ingen indikatorer (%(codes)s).",
                "%(num)d af %(total)d gevinster har ingen indikatorer (%(codes)s).",
                len(bare),
                total=len(items),
                codes=_codes(bare),
            )
        )
    if not items:
        missing.append(_("Dagsordenen har ingen gevinster."))
    return Confirmation(locked=locked, missing=missing)


def close_confirmation(workshop: Workshop) -> Confirmation:
    """Say what closing the workshop locks and which minutes are still missing."""
    items = list(workshop.items)
    locked = [
        ngettext(
            "Referatet for %(num)d gevinst låses (%(codes)s): vurdering, kommentar og "
            "beslutninger.",
            "Referatet for %(num)d gevinster låses (%(codes)s): vurdering, kommentar og "
            "beslutninger.",
            len(items),
            codes=_codes(items),
        ),
        _("Workshoppens oplysninger, dagsorden og nye handlinger låses."),
        _("Handlingernes status kan stadig følges op."),
    ]
    missing = []
    without = [item for item in items if not item.has_minutes]
    if without:
        missing.append(
            ngettext(
                "%(num)d af %(total)d gevinster mangler referat (%(codes)s).",
                "%(num)d af %(total)d gevinster mangler referat (%(codes)s).",
                len(without),
                total=len(items),
                codes=_codes(without),
            )
        )
    return Confirmation(locked=locked, missing=missing)


def record_item(
    actor: User,
    item: WorkshopItem,
    *,
    assessment: Progress | None,
    comment: str,
    decisions: str,
    expected_version: int | None = None,
) -> list[str]:
    """Record the workshop's assessment, comment and decisions for one benefit."""
    require(actor, Action.MANAGE_WORKSHOPS, _item_target(item))
    _refuse_unless_held(item.workshop)
    return apply_changes(
        item,
        {
            "assessment": assessment,
            "comment": (comment or "").strip(),
            "decisions": (decisions or "").strip(),
        },
        expected_version,
    )


def close_workshop(
    actor: User, workshop: Workshop, expected_version: int | None = None
) -> Workshop:
    """Approve the minutes: nothing of the workshop can change afterwards."""
    require(actor, Action.MANAGE_WORKSHOPS, Target(programme_id=workshop.programme_id))
    _refuse_unless_held(workshop)
    apply_changes(workshop, {"status": WorkshopStatus.CLOSED}, expected_version)
    return workshop


# --- actions -----------------------------------------------------------------------------


def manageable_benefit_ids(user: User, workshop: Workshop) -> set[int]:
    """Return the agenda's benefits whose minutes and actions the user may write."""
    return {item.benefit_id for item in workshop.items if can_record(user, item)}


def can_manage_any(user: User, workshop: Workshop) -> bool:
    return can(user, Action.MANAGE_WORKSHOPS, Target(programme_id=workshop.programme_id)) or bool(
        manageable_benefit_ids(user, workshop)
    )


def _check_action_benefit(workshop: Workshop, benefit_id: int | None) -> None:
    if benefit_id is not None and benefit_id not in {i.benefit_id for i in workshop.items}:
        raise RuleViolation(
            _("Gevinsten er ikke på workshoppens dagsorden."),
            errors={"benefit_id": [_("Vælg en gevinst fra dagsordenen.")]},
        )


def add_action(actor: User, workshop: Workshop, values: dict) -> WorkshopAction:
    """Record an action agreed at the workshop (for one benefit, or the whole agenda)."""
    benefit_id = values.get("benefit_id")
    require(actor, Action.MANAGE_WORKSHOPS, action_target(workshop, benefit_id))
    _refuse_unless_held(workshop)
    _check_action_benefit(workshop, benefit_id)
    values = check_owner(values)
    status = values.get("status") or ActionStatus.OPEN
    action = WorkshopAction(
        workshop=workshop,
        benefit_id=benefit_id,
        text=(values.get("text") or "").strip(),
        owner=(values.get("owner") or "").strip(),
        owner_user_id=values.get("owner_user_id"),
        due_on=values.get("due_on"),
        status=status,
        closed_on=_closed_on(status, values.get("today")),
    )
    db.session.add(action)
    db.session.flush()
    return action


def _closed_on(status: ActionStatus, today: dt.date | None) -> dt.date | None:
    if status is ActionStatus.OPEN:
        return None
    if today is None:
        from portfolio.core.clock import today as programme_today

        today = programme_today()
    return today


def update_action_status(
    actor: User,
    action: WorkshopAction,
    status: ActionStatus,
    expected_version: int | None = None,
    *,
    today: dt.date | None = None,
) -> list[str]:
    """Follow an action up: mark it done or cancelled (or open again).

    This is allowed after the workshop has closed: an action is followed up until it is
    done, across later workshops, while its text, owner and due date stay as agreed.
    """
    require(actor, Action.MANAGE_WORKSHOPS, action_target(action.workshop, action.benefit_id))
    changes: dict = {"status": status}
    if status is not action.status:
        changes["closed_on"] = _closed_on(status, today)
    return apply_changes(action, changes, expected_version)


@dataclass(frozen=True)
class ActionRow:
    action: WorkshopAction
    is_overdue: bool


def list_actions(
    programme_id: int,
    *,
    status: ActionStatus | None = None,
    benefit_id: int | None = None,
    today: dt.date,
) -> list[ActionRow]:
    """Return the actions of all the programme's workshops: open ones first, by due date.

    An open action whose due date has passed is overdue.
    """
    query = (
        sa.select(WorkshopAction)
        .join(Workshop)
        .where(Workshop.programme_id == programme_id)
        .options(selectinload(WorkshopAction.benefit), selectinload(WorkshopAction.workshop))
    )
    if status is not None:
        query = query.where(WorkshopAction.status == status)
    if benefit_id is not None:
        query = query.where(WorkshopAction.benefit_id == benefit_id)
    actions = list(db.session.scalars(query))
    actions.sort(
        key=lambda a: (
            a.status is not ActionStatus.OPEN,
            a.due_on is None,
            a.due_on or dt.date.max,
            a.id,
        )
    )
    return [
        ActionRow(a, a.status is ActionStatus.OPEN and a.due_on is not None and a.due_on < today)
        for a in actions
    ]


# --- follow-up after the programme closes -----------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """One of the two benefit follow-ups in the year after the programme's end."""

    number: int
    first_month: Month  # the window in which the follow-up falls
    due_month: Month
    workshop: Workshop | None  # the after-closure workshop that covers it, if planned

    @property
    def state(self) -> str:
        """Return "held", "planned" or "missing"."""
        if self.workshop is None:
            return "missing"
        return "planned" if self.workshop.status is WorkshopStatus.PLANNED else "held"


@dataclass(frozen=True)
class HandOver:
    benefit: Benefit

    @property
    def is_missing(self) -> bool:
        return not self.benefit.operations_owner


@dataclass(frozen=True)
class FollowUpPlan:
    end_month: Month
    follow_ups: tuple[FollowUp, ...]
    hand_overs: tuple[HandOver, ...]

    @property
    def missing_owners(self) -> int:
        return sum(1 for h in self.hand_overs if h.is_missing)


def is_closing(programme: Programme, today: dt.date) -> bool:
    """Tell whether the programme has closed or is in its closing phase.

    Its status says so, or the phase it is in now is its last phase (the closing phase of
    the state's programme model).
    """
    if programme.status in (ProgrammeStatus.CLOSING, ProgrammeStatus.CLOSED):
        return True
    phases = [t for t in programme.timeline if t.kind is TimelineKind.PHASE]
    if len(phases) < 2:
        return False
    from portfolio.programmes.services import current_phase

    last = max(phases, key=lambda t: (t.start_month, t.position))
    return current_phase(phases, Month.of(today)) is last


def follow_up_plan(
    programme: Programme, workshops: list[Workshop], benefits: list[Benefit]
) -> FollowUpPlan | None:
    """Return the follow-up plan for the first year after the programme's end.

    Follow-up 1 falls in months 1–6 after the end month, follow-up 2 in months 7–12; an
    after-closure workshop dated within a window covers it (held ones before planned ones).
    None when the programme has no end month.
    """
    end = programme.end_month
    if end is None:
        return None
    after = [w for w in workshops if w.phase is FollowUpPhase.AFTER_CLOSURE]
    follow_ups = []
    start = 1
    for number, due in enumerate(FOLLOW_UP_MONTHS, start=1):
        first, last = end.add(start), end.add(due)
        # Compared as days: a workshop stored with a year Month cannot hold (0001) is simply
        # outside every window.
        covering = [w for w in after if first.first_day <= w.held_on <= last.last_day]
        covering.sort(key=lambda w: (w.status is WorkshopStatus.PLANNED, w.held_on))
        follow_ups.append(FollowUp(number, first, last, covering[0] if covering else None))
        start = due + 1
    return FollowUpPlan(
        end_month=end,
        follow_ups=tuple(follow_ups),
        hand_overs=tuple(HandOver(b) for b in benefits),
    )
