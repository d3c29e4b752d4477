"""Chart data for the status page and its reports, taken from the snapshot itself."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from portfolio.charts.data import (
    Milestone,
    PeriodKind,
    RiskMatrixData,
    RiskPoint,
    TimelineData,
    TimelinePeriod,
    TimelineProject,
    TimelineTrack,
)
from portfolio.core.months import Month


def _month(text: str | None) -> Month | None:
    return Month.parse(text) if text else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _milestone(m: dict) -> Milestone:
    return Milestone(
        label=m["title"],
        planned=_date(m["planned_on"]),
        forecast=_date(m["done_on"] or m["forecast_on"]),
        is_reached=m["status"] == "done",
    )


def timeline_chart(snapshot: dict) -> TimelineData:
    """Phases and waves, projects under their tracks, milestones and a line for today."""
    by_track: dict[int | None, list[dict]] = {}
    for m in snapshot["milestones"]:
        if m["status"] != "cancelled":
            by_track.setdefault(m["track"], []).append(m)
    tracks = tuple(
        TimelineTrack(
            number=t["number"],
            name=t["name"],
            projects=tuple(
                TimelineProject(
                    code=p["code"],
                    name=p["name"],
                    start=_month(p["start"]),
                    end=_month(p["end"]),
                    milestones=tuple(
                        _milestone(m)
                        for m in by_track.get(t["number"], [])
                        if m["project"] == p["code"]
                    ),
                )
                for p in t["projects"]
            ),
        )
        for t in snapshot["tracks"]
    )
    loose = tuple(
        _milestone(m)
        for number, milestones in by_track.items()
        for m in milestones
        if number is None
        or not any(
            m["project"] == p["code"]
            for t in snapshot["tracks"]
            if t["number"] == number
            for p in t["projects"]
        )
    )
    return TimelineData(
        title=snapshot["programme"]["short_name"],
        today=_date(snapshot["today"]),
        periods=tuple(
            TimelinePeriod(
                name=p["name"],
                kind=PeriodKind(p["kind"]),
                start=_month(p["start"]),
                end=_month(p["end"]),
            )
            for p in snapshot["timeline"]
        ),
        tracks=tracks,
        milestones=loose,
    )


def risk_matrix_chart(snapshot: dict) -> RiskMatrixData:
    """The open risks in the 3×3 matrix at the levels that count (the status page's score).

    The residual levels only once the risk's mitigation actions are done; reports frozen
    before that rule have no current levels and show the gross ones.
    """
    levels = {"low": 1, "medium": 2, "high": 3}
    points = []
    for r in snapshot["risks"]:
        if not r["is_open"]:
            continue
        points.append(
            RiskPoint(
                code=r["code"],
                probability=levels[r.get("current_probability", r["probability"])],
                consequence=levels[r.get("current_consequence", r["consequence"])],
            )
        )
    return RiskMatrixData(title=snapshot["programme"]["short_name"], risks=tuple(points))


CHARTS = {
    "timeline": ("timeline", timeline_chart),
    "risk-matrix": ("risk_matrix", risk_matrix_chart),
}


def chart_title(name: str) -> str:
    return {"timeline": _("Tidsplan"), "risk-matrix": _("Risikomatrix")}[name]
