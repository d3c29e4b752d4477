"""Setting a programme up from the web: creating it (blank or from a template), its tracks,
and its phases and waves.

Every function takes the acting user, checks the permission table first and changes rows
in the caller's transaction; the audit listeners record each change. What a template
copies, and what it leaves behind, is described in docs/setup.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.audit.versions import apply_changes, check_version
from portfolio.auth import services as auth_services
from portfolio.auth.models import Membership, Role, User
from portfolio.auth.permissions import Action, require
from portfolio.core.errors import RuleViolation
from portfolio.core.locking import delete_once, next_number, take_turn
from portfolio.core.models import utcnow
from portfolio.core.months import Month
from portfolio.core.text import has_visible_text
from portfolio.extensions import db
from portfolio.programmes.models import (
    Deliverable,
    Portfolio,
    Programme,
    ProgrammeStatus,
    Project,
    ProjectStatus,
    TimelineItem,
    TimelineKind,
    Track,
    VisionGoal,
)
from portfolio.programmes.services import PROGRAMME_FIELDS, replace_deliverables

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Addresses the app itself uses under /programmes/ and so no programme may take.
RESERVED_SLUGS = {"new", "ny"}

NEW_PROGRAMME_FIELDS = (*PROGRAMME_FIELDS, "slug", "programme_model", "programme_model_version")


# ------------------------------------------------------------------ programmes


def slug_problem(slug: str) -> str | None:
    """Say what is wrong with a programme's address name, or None when it will do."""
    if not slug or len(slug) > 60:
        return _("Skriv 1–60 tegn.")
    if not SLUG_PATTERN.fullmatch(slug) or slug in RESERVED_SLUGS:
        return _("Brug små bogstaver a–z, tal og bindestreger (fx »sundhed-2030«), uden æ, ø og å.")
    taken = db.session.scalar(sa.select(Programme.id).where(Programme.slug == slug))
    if taken is not None:
        return _("Et andet program bruger allerede denne kortadresse.")
    return None


@dataclass
class Copied:
    """What a template gave a new programme, counted for the user's message."""

    tracks: int = 0
    deliverables: int = 0
    timeline: int = 0
    projects: int = 0
    vision_goals: int = 0


def create_programme(
    actor: User,
    values: dict,
    *,
    template: Programme | None = None,
    shift_timeline: bool = True,
) -> tuple[Programme, Copied]:
    """Create a programme from the form's values, perhaps with another's structure.

    The creator, unless an administrator or a secretariat of every programme already,
    becomes a secretariat member of the new programme, so they can go on setting it up.
    """
    require(actor, Action.CREATE_PROGRAMME)
    if template is not None:
        require(actor, Action.VIEW_PROGRAMME, template)
    values = {k: v for k, v in values.items() if k in NEW_PROGRAMME_FIELDS}
    errors: dict[str, list[str]] = {}
    problem = slug_problem(values.get("slug") or "")
    if problem:
        errors["slug"] = [problem]
    for name in ("name", "short_name"):
        if not has_visible_text(values.get(name) or ""):
            errors[name] = [_("Feltet skal udfyldes.")]
    start, end = values.get("start_month"), values.get("end_month")
    if start is not None and end is not None and start > end:
        errors["end_month"] = [_("Slutmåneden skal ligge efter startmåneden.")]
    if errors:
        raise RuleViolation(_("Programmet blev ikke oprettet."), errors=errors)
    portfolio = template.portfolio if template is not None else _the_portfolio()
    programme = Programme(portfolio_id=portfolio.id, **values)
    if programme.status is None:
        programme.status = ProgrammeStatus.PLANNED
    db.session.add(programme)
    db.session.flush()
    copied = Copied()
    if template is not None:
        copied = copy_structure(template, programme, shift_timeline=shift_timeline)
    _make_creator_secretariat(actor, programme)
    return programme, copied


def _the_portfolio() -> Portfolio:
    portfolio = db.session.scalar(sa.select(Portfolio).order_by(Portfolio.id).limit(1))
    if portfolio is None:
        raise RuleViolation(_("Der er ingen portefølje at oprette programmet i."))
    return portfolio


def _make_creator_secretariat(actor: User, programme: Programme) -> Membership | None:
    if actor.is_admin or any(
        m.role is Role.SECRETARIAT and m.programme_id is None for m in actor.memberships
    ):
        return None
    return auth_services.grant_role(actor, Role.SECRETARIAT, programme=programme)


def timeline_shift(template: Programme, programme: Programme) -> int:
    """Months to move the template's phases and waves by: from its start to the new one's."""
    if template.start_month is None or programme.start_month is None:
        return 0
    return template.start_month.months_until(programme.start_month)


def copy_structure(template: Programme, programme: Programme, *, shift_timeline: bool) -> Copied:
    """Copy a template's structure, never its figures (docs/setup.md lists both).

    Copied: vision goals, the tracks that are not retired (renumbered 1, 2, …, with their
    descriptions and deliverables), the phases and waves (moved by the months between the
    two programmes' starts, or kept), and the projects' numbers, names, descriptions and
    tracks (as planned projects without owner or dates).
    """
    copied = Copied()
    for goal in template.vision_goals:
        db.session.add(
            VisionGoal(programme_id=programme.id, position=goal.position, text=goal.text)
        )
        copied.vision_goals += 1
    new_tracks: dict[int, Track] = {}
    active = [t for t in template.tracks if not t.is_retired]
    for number, old in enumerate(active, 1):
        track = Track(
            programme_id=programme.id, number=number, name=old.name, description=old.description
        )
        db.session.add(track)
        for deliverable in old.deliverables:
            track.deliverables.append(
                Deliverable(position=deliverable.position, text=deliverable.text)
            )
            copied.deliverables += 1
        new_tracks[old.id] = track
        copied.tracks += 1
    shift = timeline_shift(template, programme) if shift_timeline else 0
    for item in template.timeline:
        db.session.add(
            TimelineItem(
                programme_id=programme.id,
                position=item.position,
                name=item.name,
                kind=item.kind,
                start_month=item.start_month.add(shift),
                end_month=item.end_month.add(shift),
            )
        )
        copied.timeline += 1
    db.session.flush()
    for project in template.projects:
        if project.track_id is not None and project.track_id not in new_tracks:
            continue  # a retired track's projects stay behind with it
        db.session.add(
            Project(
                programme_id=programme.id,
                code=project.code,
                name=project.name,
                description=project.description,
                track_id=new_tracks[project.track_id].id if project.track_id else None,
                status=ProjectStatus.PLANNED,
            )
        )
        copied.projects += 1
    db.session.flush()
    return copied


# ------------------------------------------------------------------ tracks


def create_track(actor: User, programme: Programme, values: dict) -> Track:
    """Add a track after the programme's last one."""
    require(actor, Action.EDIT_PROGRAMME, programme)
    if not has_visible_text(values.get("name") or ""):
        raise RuleViolation(
            _("Sporet blev ikke oprettet."), errors={"name": [_("Feltet skal udfyldes.")]}
        )
    number = next_number(
        programme,
        lambda: db.session.scalar(
            sa.select(sa.func.max(Track.number)).where(Track.programme_id == programme.id)
        ),
    )
    track = Track(
        programme_id=programme.id,
        number=number,
        name=values["name"].strip(),
        description=(values.get("description") or "").strip(),
    )
    db.session.add(track)
    db.session.flush()
    replace_deliverables(track, values.get("deliverables") or [])
    return track


def budget_refers_to_tracks(programme: Programme) -> bool:
    from portfolio.budgets.models import BudgetRow

    return (
        db.session.scalar(
            sa.select(BudgetRow.id)
            .where(BudgetRow.programme_id == programme.id, BudgetRow.track_id.is_not(None))
            .limit(1)
        )
        is not None
    )


def move_track(actor: User, track: Track, step: int, expected_version: int | None) -> Track | None:
    """Swap the track's number with its neighbour's (step -1 up, +1 down); return the neighbour.

    The numbers stay 1, 2, 3, … in the new order. Once an approved budget has rows per track
    the numbers are part of what was approved (the rows print "Spor 2: …"), so the tracks
    can no longer be renumbered.
    """
    programme = track.programme
    require(actor, Action.EDIT_PROGRAMME, programme)
    take_turn(programme)
    check_version(track, expected_version)
    if budget_refers_to_tracks(programme):
        raise RuleViolation(
            _(
                "Sporene kan ikke flyttes, når det godkendte budget har rækker pr. spor: "
                "budgettets rækker bærer sporenes numre, som de blev godkendt."
            )
        )
    ordered = sorted(programme.tracks, key=lambda t: t.number)
    index = ordered.index(track) + step
    if step not in (-1, 1) or not 0 <= index < len(ordered):
        raise RuleViolation(_("Sporet kan ikke flyttes længere i den retning."))
    other = ordered[index]
    mine, theirs = track.number, other.number
    track.number = -track.id  # out of the way of the unique (programme, number)
    db.session.flush()
    other.number = mine
    db.session.flush()
    track.number = theirs
    db.session.flush()
    return other


def retire_track(actor: User, track: Track, reason: str, expected_version: int | None) -> None:
    """Retire a track: kept with its number, history and budget rows, but taking no new work."""
    require(actor, Action.EDIT_PROGRAMME, track.programme)
    if track.is_retired:
        raise RuleViolation(_("Sporet er allerede udgået."))
    if not has_visible_text(reason):
        raise RuleViolation(
            _("Sporet er ikke sat som udgået."),
            errors={"reason": [_("Skriv, hvorfor sporet udgår.")]},
        )
    apply_changes(
        track, {"retired_at": utcnow(), "retired_reason": reason.strip()}, expected_version
    )


def reinstate_track(actor: User, track: Track, expected_version: int | None) -> None:
    require(actor, Action.EDIT_PROGRAMME, track.programme)
    if not track.is_retired:
        raise RuleViolation(_("Sporet er ikke udgået."))
    apply_changes(track, {"retired_at": None, "retired_reason": None}, expected_version)


def track_attachments(track: Track) -> list[str]:
    """Name, in the user's words, what holds on to the track (nothing: it may be deleted)."""
    from portfolio.benefits.models import benefit_tracks
    from portfolio.budgets.models import BudgetRow
    from portfolio.indicators.models import Indicator
    from portfolio.organisation.models import GovernanceBody
    from portfolio.risks.models import Risk
    from portfolio.status.models import Milestone

    def count(query: sa.Select) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0

    checks = [
        (sa.select(Project.id).where(Project.track_id == track.id), _("projekter")),
        (sa.select(BudgetRow.id).where(BudgetRow.track_id == track.id), _("budgetrækker")),
        (sa.select(Risk.id).where(Risk.track_id == track.id), _("risici")),
        (sa.select(Milestone.id).where(Milestone.track_id == track.id), _("milepæle")),
        (sa.select(Indicator.id).where(Indicator.track_id == track.id), _("indikatorer")),
        (
            sa.select(GovernanceBody.id).where(GovernanceBody.track_id == track.id),
            _("organisationsorganer"),
        ),
        (
            sa.select(benefit_tracks.c.track_id).where(benefit_tracks.c.track_id == track.id),
            _("gevinster"),
        ),
        (sa.select(Membership.id).where(Membership.track_id == track.id), _("sporledere")),
    ]
    return [f"{n} {label}" for query, label in checks if (n := count(query))]


def delete_track(actor: User, track: Track, expected_version: int | None) -> None:
    """Delete a track that nothing refers to; the tracks after it move up one number."""
    programme = track.programme
    require(actor, Action.EDIT_PROGRAMME, programme)
    take_turn(programme)
    check_version(track, expected_version)
    attached = track_attachments(track)
    if attached:
        raise RuleViolation(
            _(
                "Sporet kan ikke slettes, fordi det har %(what)s. Sæt det som udgået i stedet.",
                what=", ".join(attached),
            )
        )
    number = track.number
    delete_once(track)
    db.session.flush()
    if not budget_refers_to_tracks(programme):
        later = db.session.scalars(
            sa.select(Track)
            .where(Track.programme_id == programme.id, Track.number > number)
            .order_by(Track.number)
        ).all()
        for later_track in later:
            later_track.number -= 1
            db.session.flush()


# ------------------------------------------------------------------ phases and waves


def period_warning(programme: Programme, start: Month | None, end: Month | None) -> str | None:
    """Say so when a phase or wave reaches outside the programme's period (allowed)."""
    if start is None or end is None or programme.start_month is None:
        return None
    if programme.end_month is None:
        outside = start < programme.start_month
    else:
        outside = start < programme.start_month or end > programme.end_month
    if not outside:
        return None
    return _(
        "Bemærk: perioden ligger uden for programmets periode (%(start)s–%(end)s).",
        start=programme.start_month,
        end=programme.end_month or "",
    )


def _check_item(values: dict) -> None:
    errors: dict[str, list[str]] = {}
    if not has_visible_text(values.get("name") or ""):
        errors["name"] = [_("Feltet skal udfyldes.")]
    start, end = values.get("start_month"), values.get("end_month")
    if start is None:
        errors["start_month"] = [_("Angiv startmåneden.")]
    if end is None:
        errors["end_month"] = [_("Angiv slutmåneden.")]
    if start is not None and end is not None and start > end:
        errors["end_month"] = [_("Slutmåneden skal ligge efter startmåneden (eller være den).")]
    if not isinstance(values.get("kind"), TimelineKind):
        errors["kind"] = [_("Vælg fase eller bølge.")]
    if errors:
        raise RuleViolation(_("Fasen eller bølgen blev ikke gemt."), errors=errors)


TIMELINE_FIELDS = ("name", "kind", "start_month", "end_month")


def create_timeline_item(actor: User, programme: Programme, values: dict) -> TimelineItem:
    """Add a phase or a wave after the programme's last one."""
    require(actor, Action.EDIT_PROGRAMME, programme)
    _check_item(values)
    position = next_number(
        programme,
        lambda: db.session.scalar(
            sa.select(sa.func.max(TimelineItem.position)).where(
                TimelineItem.programme_id == programme.id
            )
        ),
    )
    item = TimelineItem(
        programme_id=programme.id,
        position=position,
        **{k: v for k, v in values.items() if k in TIMELINE_FIELDS},
    )
    item.name = item.name.strip()
    db.session.add(item)
    db.session.flush()
    return item


def update_timeline_item(
    actor: User, item: TimelineItem, changes: dict, expected_version: int | None
) -> list[str]:
    require(actor, Action.EDIT_PROGRAMME, item.programme)
    merged = {name: changes.get(name, getattr(item, name)) for name in TIMELINE_FIELDS}
    _check_item(merged)
    return apply_changes(
        item, {k: v for k, v in changes.items() if k in TIMELINE_FIELDS}, expected_version
    )


def move_timeline_item(
    actor: User, item: TimelineItem, step: int, expected_version: int | None
) -> None:
    """Swap the item's place in the programme's list with its neighbour's."""
    programme = item.programme
    require(actor, Action.EDIT_PROGRAMME, programme)
    take_turn(programme)
    check_version(item, expected_version)
    ordered = sorted(programme.timeline, key=lambda t: t.position)
    index = ordered.index(item) + step
    if step not in (-1, 1) or not 0 <= index < len(ordered):
        raise RuleViolation(_("Fasen eller bølgen kan ikke flyttes længere i den retning."))
    other = ordered[index]
    mine, theirs = item.position, other.position
    item.position = -item.id
    db.session.flush()
    other.position = mine
    db.session.flush()
    item.position = theirs
    db.session.flush()


def delete_timeline_item(actor: User, item: TimelineItem, expected_version: int | None) -> None:
    require(actor, Action.EDIT_PROGRAMME, item.programme)
    check_version(item, expected_version)
    delete_once(item)
    db.session.flush()


def get_timeline_item(programme: Programme, item_id: int) -> TimelineItem:
    from portfolio.core.errors import NotFound

    item = db.session.scalar(
        sa.select(TimelineItem).where(
            TimelineItem.id == item_id, TimelineItem.programme_id == programme.id
        )
    )
    if item is None:
        raise NotFound(_("Fasen eller bølgen findes ikke."))
    return item
