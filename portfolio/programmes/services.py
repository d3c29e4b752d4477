"""Reading and changing programmes, tracks and projects."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from portfolio.audit.versions import apply_changes
from portfolio.auth.models import User
from portfolio.auth.permissions import Action, require, visible_programme_ids
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.months import Month
from portfolio.core.pagination import Page, paginate
from portfolio.extensions import db
from portfolio.programmes.models import (
    Deliverable,
    Programme,
    Project,
    ProjectDependency,
    ProjectLink,
    TimelineItem,
    TimelineKind,
    Track,
)

# Programmes per page of the portfolio overview.
OVERVIEW_PAGE_SIZE = 50


def programmes_query(user: User) -> sa.Select:
    """Return the query for the programmes the user may see, in the overview's order."""
    query = sa.select(Programme).order_by(Programme.status, Programme.name, Programme.id)
    visible = visible_programme_ids(user)
    if visible is not None:
        query = query.where(Programme.id.in_(visible))
    return query


def list_programmes(user: User) -> list[Programme]:
    """Return every programme the user may see."""
    return list(db.session.scalars(programmes_query(user)))


def overview_page(user: User, number: int) -> Page:
    """Return one page of the portfolio overview."""
    return paginate(programmes_query(user), number, OVERVIEW_PAGE_SIZE)


def get_programme(slug: str, *options) -> Programme:
    """Return the programme with this slug (loading what `options` ask), or raise NotFound."""
    programme = (
        db.session.execute(sa.select(Programme).where(Programme.slug == slug).options(*options))
        .unique()
        .scalar_one_or_none()
    )
    if programme is None:
        raise NotFound(_("Programmet findes ikke."))
    return programme


def get_programme_for(
    user: User, slug: str, action: Action = Action.VIEW_PROGRAMME, *options
) -> Programme:
    """Return the programme if the user may take the action on it (404 before 403)."""
    programme = get_programme(slug, *options)
    require(user, action, programme)
    return programme


# What the programme page (and the API's programme) shows, in six queries: the programme
# with its portfolio, approvals and revisions joined, then one query per list.
PAGE_OPTIONS = (
    joinedload(Programme.portfolio),
    joinedload(Programme.approvals),
    joinedload(Programme.revisions),
    selectinload(Programme.vision_goals),
    selectinload(Programme.timeline),
    selectinload(Programme.annexes),
    selectinload(Programme.tracks).joinedload(Track.deliverables),
    selectinload(Programme.projects)
    .selectinload(Project.depends_on)
    .joinedload(ProjectDependency.depends_on),
)


def load_programme_page(user: User, slug: str) -> Programme:
    """Return the programme with everything its page shows, if the user may see it."""
    return get_programme_for(user, slug, Action.VIEW_PROGRAMME, *PAGE_OPTIONS)


@dataclass
class ProjectLinks:
    incoming: list[ProjectLink]
    outgoing: list[ProjectLink]


def project_links(project_ids: list[int]) -> dict[int, ProjectLinks]:
    """Links to and from these projects, each end with its programme, in one query."""
    links = {pid: ProjectLinks([], []) for pid in project_ids}
    if not project_ids:
        return links
    found = db.session.scalars(
        sa.select(ProjectLink)
        .where(
            sa.or_(
                ProjectLink.from_project_id.in_(project_ids),
                ProjectLink.to_project_id.in_(project_ids),
            )
        )
        .options(
            joinedload(ProjectLink.from_project).joinedload(Project.programme),
            joinedload(ProjectLink.to_project).joinedload(Project.programme),
        )
    )
    for link in found:
        if link.to_project_id in links:
            links[link.to_project_id].incoming.append(link)
        if link.from_project_id in links:
            links[link.from_project_id].outgoing.append(link)
    return links


def get_track(programme: Programme, number: int) -> Track:
    track = db.session.scalar(
        sa.select(Track)
        .where(Track.programme_id == programme.id, Track.number == number)
        .options(selectinload(Track.deliverables), selectinload(Track.projects))
    )
    if track is None:
        raise NotFound(_("Sporet findes ikke."))
    return track


def get_project(programme: Programme, code: str) -> Project:
    project = db.session.scalar(
        sa.select(Project)
        .where(Project.programme_id == programme.id, Project.code == code)
        .options(
            selectinload(Project.items),
            selectinload(Project.links_in)
            .selectinload(ProjectLink.from_project)
            .selectinload(Project.programme),
            selectinload(Project.links_out)
            .selectinload(ProjectLink.to_project)
            .selectinload(Project.programme),
            selectinload(Project.depends_on).joinedload(ProjectDependency.depends_on),
            selectinload(Project.needed_by).joinedload(ProjectDependency.project),
        )
    )
    if project is None:
        raise NotFound(_("Projektet findes ikke."))
    return project


def current_phase(timeline: list[TimelineItem], month: Month) -> TimelineItem | None:
    """Return the phase the programme is in: of the phases covering the month, the latest begun.

    Phases may overlap (DDNS leads its waves until November 2026, the month its closing
    phase begins): the phase that began last is the one the programme is in, and of two
    begun together (clarification and leading the waves, February 2023), the shorter one.
    """
    covering = [t for t in timeline if t.kind is TimelineKind.PHASE and t.covers(month)]
    return max(
        covering,
        key=lambda t: (t.start_month, -(t.end_month.year * 12 + t.end_month.month)),
        default=None,
    )


def current_phases(programme_ids: list[int], month: Month) -> dict[int, TimelineItem | None]:
    """Return each programme's current phase (as current_phase decides), in one query.

    Only the phases covering the month are read, not the programmes' whole timelines.
    """
    covering = db.session.scalars(
        sa.select(TimelineItem).where(
            TimelineItem.programme_id.in_(programme_ids),
            TimelineItem.kind == TimelineKind.PHASE,
            TimelineItem.start_month <= month,
            TimelineItem.end_month >= month,
        )
    )
    by_programme: dict[int, list[TimelineItem]] = {pid: [] for pid in programme_ids}
    for item in covering:
        by_programme[item.programme_id].append(item)
    return {pid: current_phase(items, month) for pid, items in by_programme.items()}


def track_counts(programme_ids: list[int]) -> dict[int, int]:
    """Return the number of tracks of each programme, in one query."""
    rows = db.session.execute(
        sa.select(Track.programme_id, sa.func.count())
        .where(Track.programme_id.in_(programme_ids))
        .group_by(Track.programme_id)
    )
    counts = dict.fromkeys(programme_ids, 0)
    counts.update({pid: count for pid, count in rows})
    return counts


def active_waves(timeline: list[TimelineItem], month: Month) -> list[TimelineItem]:
    return [t for t in timeline if t.kind is TimelineKind.WAVE and t.covers(month)]


PROGRAMME_FIELDS = (
    "name",
    "short_name",
    "owner_name",
    "owner_title",
    "owner_organisation",
    "primary_purpose",
    "vision",
    "purpose",
    "conditions",
    "as_is",
    "to_be",
    "implementation",
    "status",
    "start_month",
    "end_month",
    "programme_model",
    "programme_model_version",
)


def update_programme(
    actor: User, programme: Programme, changes: dict, expected_version: int | None = None
) -> list[str]:
    """Change a programme's master data."""
    require(actor, Action.EDIT_PROGRAMME, programme)
    _check_period(
        changes.get("start_month", programme.start_month),
        changes.get("end_month", programme.end_month),
    )
    return apply_changes(programme, _only(changes, PROGRAMME_FIELDS), expected_version)


def update_track(
    actor: User, track: Track, changes: dict, expected_version: int | None = None
) -> list[str]:
    """Change a track's name, description and list of deliverables."""
    require(actor, Action.EDIT_TRACK, track)
    deliverables = changes.pop("deliverables", None)
    changed = apply_changes(track, _only(changes, ("name", "description")), expected_version)
    if deliverables is not None and replace_deliverables(track, deliverables):
        changed.append("deliverables")
    return changed


def replace_deliverables(track: Track, texts: list[str]) -> bool:
    """Make the track's deliverables these texts, keeping unchanged ones (and their notes)."""
    texts = [t.strip() for t in texts if t.strip()]
    current = [d.text for d in track.deliverables]
    if current == texts:
        return False
    kept = {d.text: d for d in track.deliverables}
    for deliverable in list(track.deliverables):
        track.deliverables.remove(deliverable)
    db.session.flush()
    for position, text in enumerate(texts, 1):
        old = kept.get(text)
        track.deliverables.append(
            Deliverable(position=position, text=text, source_note=old.source_note if old else None)
        )
    db.session.flush()
    return True


def _only(values: dict, fields) -> dict:
    return {k: v for k, v in values.items() if k in fields}


def _check_period(start: Month | None, end: Month | None) -> None:
    if start is not None and end is not None and start > end:
        raise RuleViolation(
            _("Perioden slutter før den begynder."),
            errors={"end_month": [_("Slutmåneden skal ligge efter startmåneden.")]},
        )
