"""The timeline chart of a programme page and a track page, from the live plan.

Phases and waves, each track's projects in the plan (retired ones left out) with their
own milestones on their bars, and the other milestones below. A project without dates
stays a row noted "ikke dateret": the chart never draws a period the data does not hold.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.charts.data import (
    Milestone as ChartMilestone,
)
from portfolio.charts.data import (
    PeriodKind,
    TimelineData,
    TimelinePeriod,
    TimelineProject,
    TimelineTrack,
)
from portfolio.extensions import db
from portfolio.programmes.models import Programme, Project, Track
from portfolio.status.models import Milestone, MilestoneStatus


def _chart_milestone(m: Milestone) -> ChartMilestone:
    return ChartMilestone(
        label=m.title,
        planned=m.planned_on,
        forecast=m.done_on or m.forecast_on,
        is_reached=m.status is MilestoneStatus.DONE,
    )


def _project_row(project: Project, milestones: list[Milestone]) -> TimelineProject:
    name = project.name
    if project.percent_complete is not None:
        name = f"{name} · {project.percent_complete} %"
    return TimelineProject(
        code=project.code,
        name=name,
        start=project.start_month,
        end=project.end_month,
        milestones=tuple(_chart_milestone(m) for m in milestones if m.project_id == project.id),
    )


def timeline_data(programme: Programme, today: dt.date, track: Track | None = None) -> TimelineData:
    """The programme's timeline, or only one track's projects and milestones."""
    milestones = list(
        db.session.scalars(
            sa.select(Milestone)
            .where(
                Milestone.programme_id == programme.id,
                Milestone.status != MilestoneStatus.CANCELLED,
            )
            .order_by(Milestone.planned_on, Milestone.id)
        )
    )
    planned = [p for p in programme.projects if not p.is_retired]
    tracks = [track] if track is not None else list(programme.tracks)
    rows = [
        TimelineTrack(
            number=t.number,
            name=t.name,
            projects=tuple(
                _project_row(p, milestones)
                for p in sorted(
                    (p for p in planned if p.track_id == t.id), key=lambda p: (p.position, p.code)
                )
            ),
        )
        for t in tracks
    ]
    if track is None:
        cross = [p for p in planned if p.track_id is None]
        if cross:
            rows.append(
                TimelineTrack(
                    number=None,
                    name=_("Tværgående projekter"),
                    projects=tuple(_project_row(p, milestones) for p in cross),
                )
            )
        drawn = {p.id for p in planned}
    else:
        drawn = {p.id for p in planned if p.track_id == track.id}
    # Milestones of no project drawn here (or of a retired one) go below the tracks.
    loose = [
        m
        for m in milestones
        if m.project_id not in drawn and (track is None or m.track_id == track.id)
    ]
    title = programme.short_name if track is None else f"{programme.short_name}, {track.label}"
    return TimelineData(
        title=title,
        today=today,
        periods=tuple(
            TimelinePeriod(
                name=item.name,
                kind=PeriodKind(item.kind.value),
                start=item.start_month,
                end=item.end_month,
            )
            for item in programme.timeline
        ),
        tracks=tuple(rows),
        milestones=tuple(_chart_milestone(m) for m in loose),
    )
