"""The status page as plain data: built live for the page, frozen as is in a status report.

Everything is written as JSON-ready values (amounts as decimal strings, dates ISO), so a
report made today shows the same figures, reasons and commentary for ever.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from flask_babel import gettext as _

from portfolio.core.i18n import format_number
from portfolio.core.lights import Colour, Light, Rollup, roll_up
from portfolio.core.models import utcnow
from portfolio.core.months import Month
from portfolio.indicators.services import benefit_progress
from portfolio.programmes.services import active_waves, current_phase

if TYPE_CHECKING:
    from portfolio.budgets.figures import BudgetOverview
from portfolio.status import lights as rules
from portfolio.status.models import DecisionStatus, Dimension, MilestoneStatus
from portfolio.status.services import UPCOMING, StatusData, light_for

# 2: overall and track roll-ups, demo flags, the risk levels that count (Dec. 2026).
FORMAT = 2
TOP_RISKS = 5


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _trend(score: int, previous: int | None) -> str:
    if previous is None:
        return "new"
    return "up" if score > previous else "down" if score < previous else "same"


def _risks(data: StatusData) -> list[dict]:
    previous = {}
    if data.last_report is not None:
        # The gross score at the last report (reports hold it as inherent_score).
        previous = {
            r["code"]: r.get("inherent_score", r["score"])
            for r in data.last_report.snapshot.get("risks", [])
        }
    return [
        {
            "code": r.code,
            "title": r.title,
            "probability": r.probability.value,
            "consequence": r.consequence.value,
            "probability_level": r.probability.number,
            "consequence_level": r.consequence.number,
            "inherent_score": r.score,
            "residual_score": r.residual_score,
            # The residual score counts only once the mitigation actions are done; the
            # matrix, the ranking and the light all use the levels that count.
            "residual_counts": r.residual_counts,
            "current_probability": r.current_probability.value,
            "current_consequence": r.current_consequence.value,
            "score": r.current_score,
            "previous_score": previous.get(r.code),
            # The gross score since the last report; None when there is no report.
            "trend": _trend(r.score, previous.get(r.code)) if data.last_report else None,
            "status": r.status.value,
            "is_open": r.is_open,
            "owner": r.owner_label,
            "track": r.track.number if r.track else None,
            "consequence_text": r.consequence_text,
            # A key risk indicator beyond its threshold flags the risk for reassessment.
            "crossed_indicators": [_crossed(reading) for reading in data.crossed_kris(r)],
        }
        for r in data.risks
    ]


def _crossed(reading) -> dict:
    indicator = reading.indicator
    return {
        "code": indicator.code,
        "name": indicator.name,
        "period": reading.latest.label,
        "shown": reading.latest.shown,
        "threshold": format_number(indicator.threshold_value, indicator.decimals),
        "unit": indicator.unit,
    }


def _benefits(data: StatusData) -> list[dict]:
    result = []
    for b in data.benefits:
        progress = benefit_progress(data.benefit_readings(b))
        result.append(
            {
                "code": b.code,
                "name": b.name,
                "owner": b.owner_label,
                "progress": progress.value if progress and not b.is_retired else None,
                "retired": b.is_retired,
            }
        )
    return result


def _milestone(m, today: dt.date) -> dict:
    return {
        "id": m.id,
        "title": m.title,
        "kind": m.kind.value,
        "planned_on": _day(m.planned_on),
        "forecast_on": _day(m.forecast_on),
        "done_on": _day(m.done_on),
        "status": m.status.value,
        "track": m.track.number if m.track else None,
        "project": m.project.code if m.project else None,
        "months_late": rules.months_late(m, today),
    }


def _tracks(data: StatusData, today: dt.date) -> list[dict]:
    result = []
    budget_rows = {}
    if data.budget is not None:
        budget_rows = {
            f.row.track_id: data.budget.row_costs[f.row.id].light
            for f in data.budget.rows
            if f.row.track_id
        }
    for track in data.programme.tracks:
        milestones = [m for m in data.milestones if m.track_id == track.id]
        parts = {
            "schedule": rules.schedule_light(
                milestones, today, [p for p in data.projects if p.track_id == track.id]
            ),
            "cost": budget_rows.get(track.id)
            or Light(Colour.NONE, "", _("Sporet har ingen linje i det godkendte budget.")),
            "risks": rules.risk_light([r for r in data.risks if r.track_id == track.id]),
        }
        rollup = roll_up(parts.values())
        upcoming = [m for m in milestones if m.status is MilestoneStatus.PLANNED]
        upcoming.sort(key=lambda m: m.expected_on)
        result.append(
            {
                "number": track.number,
                "name": track.name,
                "colour": rollup.colour.value,
                "rollup": rollup.to_dict(),
                "reason": _(
                    "Det værste af sporets vurderede lys for tidsplan, økonomi og risici; "
                    "et lys uden vurdering tæller aldrig som grønt."
                ),
                "parts": {k: v.to_dict() for k, v in parts.items()},
                "commentary": track.commentary,
                "commentary_by": track.commentary_by,
                "commentary_at": track.commentary_at.isoformat() if track.commentary_at else None,
                "next_milestones": [_milestone(m, today) for m in upcoming[:UPCOMING]],
                "projects": [
                    {
                        "code": p.code,
                        "name": p.name,
                        "start": str(p.start_month) if p.start_month else None,
                        "end": str(p.end_month) if p.end_month else None,
                        "status": p.status.value,
                    }
                    for p in data.projects
                    if p.track_id == track.id
                ],
            }
        )
    return result


def _budget(data: StatusData) -> dict | None:
    overview = cast("BudgetOverview | None", data.budget)
    if overview is None:
        return None
    cost = overview.programme_cost
    return {
        "baseline_number": overview.baseline.number,
        "baseline_approved_on": _day(overview.baseline.approved_on),
        "baseline_approved_by": overview.baseline.approved_by,
        "years": overview.years,
        "baseline_total": _amount(cost.baseline_total),
        # The approved document's own totals, shown as approved (with ≠ where sums differ).
        "baseline_printed_total": _amount(cost.printed_total),
        "estimate_total": _amount(overview.estimate_total),
        "closed_years": sorted(overview.closed_years),
        "overrun": _amount(cost.overrun),
        "forecast_total": _amount(overview.kind_total("forecast")),
        "actual_total": _amount(overview.kind_total("actual")),
        "lasting": _amount(overview.column("baseline", "varigt")),
        "per_year": [
            {
                "year": year,
                "baseline": _amount(overview.column("baseline", year)),
                "baseline_printed": _amount(overview.printed_column(year)),
                "forecast": _amount(overview.column("forecast", year)),
                "actual": _amount(overview.column("actual", year)),
                "estimate": _amount(overview.estimate_column(year)),
            }
            for year in overview.years
        ],
    }


def _change_request(request) -> dict:
    areas: list[str] = []
    for item in request.items:
        if item.kind.area_key not in areas:
            areas.append(item.kind.area_key)
    return {
        "code": request.code,
        "title": request.title,
        "status": request.status.value,
        "requested_by": request.requested_by,
        "submitted_on": _day(request.submitted_on),
        "decision_wanted_on": _day(request.decision_wanted_on),
        "impact": request.impact,
        "areas": areas,
        "changes": len(request.items),
    }


def shown_lights(data: StatusData, today: dt.date) -> dict:
    """Return each light as the status page shows it (overrides included), by dimension."""
    overrides = {o.dimension: o for o in data.overrides}
    result = {}
    for dimension in Dimension:
        computed = light_for(data, dimension, today)
        override = overrides.get(dimension)
        shown = (
            computed
            if override is None
            else Light(override.colour, computed.rule, override.justification, computed.figures)
        )
        result[dimension.value] = {
            "label": dimension.label,
            "light": shown.to_dict(),
            "computed": computed.to_dict(),
            "override": None
            if override is None
            else {
                "colour": override.colour.value,
                "justification": override.justification,
                "by": override.created_by,
                "at": override.created_at.isoformat(),
            },
        }
    return result


def overall_of(lights: dict) -> Rollup:
    """Roll the shown lights (overrides included) up into the overall light."""
    return roll_up(Light.from_dict(v["light"]) for v in lights.values())


def overall_light(data: StatusData, today: dt.date) -> Rollup:
    """Return the programme's overall light as its status page shows it."""
    return overall_of(shown_lights(data, today))


def overall_lights(programmes, today: dt.date) -> dict[int, Rollup]:
    """Return each programme's overall light, by id, as its status page shows it."""
    from portfolio.status.services import load_light_data

    return {pid: overall_light(data, today) for pid, data in load_light_data(programmes).items()}


def build_snapshot(data: StatusData, today: dt.date) -> dict:
    """Gather the status page as JSON-ready data."""
    programme = data.programme
    month = Month.of(today)
    phase = current_phase(programme.timeline, month)
    lights = shown_lights(data, today)
    overall = overall_of(lights)
    risks = _risks(data)
    open_risks = [r for r in risks if r["is_open"]]
    # Ranked by the score that counts, then the gross score.
    top = sorted(open_risks, key=lambda r: (-r["score"], -r["inherent_score"], r["code"]))
    top = top[:TOP_RISKS]
    decisions = [
        {
            "id": d.id,
            "title": d.title,
            "background": d.background,
            "body": d.body,
            "requested_for": _day(d.requested_for),
            "status": d.status.value,
            "decided_on": _day(d.decided_on),
            "outcome": d.outcome,
            "linked_items": d.linked_items,
        }
        for d in data.decisions
    ]
    return {
        "format": FORMAT,
        "today": today.isoformat(),
        "generated_at": utcnow().isoformat(),
        "programme": {
            "slug": programme.slug,
            "name": programme.name,
            "short_name": programme.short_name,
            "owner": programme.owner_name,
            "status": programme.status.value,
        },
        "phase": phase.name if phase else None,
        "waves": [w.name for w in active_waves(programme.timeline, month)],
        "overall": overall.colour.value,
        # How many lights had no assessment, whether demo data decided one, and the rule.
        "overall_rollup": overall.to_dict(),
        "based_on_demo_data": overall.demo,
        "lights": lights,
        "timeline": [
            {
                "name": t.name,
                "kind": t.kind.value,
                "start": str(t.start_month),
                "end": str(t.end_month),
            }
            for t in programme.timeline
        ],
        "tracks": _tracks(data, today),
        "milestones": [_milestone(m, today) for m in data.milestones],
        "risks": risks,
        "top_risks": [r["code"] for r in top],
        "budget": _budget(data),
        "benefits": _benefits(data),
        "decisions_requested": [
            d for d in decisions if d["status"] == DecisionStatus.REQUESTED.value
        ],
        "decision_log": [d for d in decisions if d["status"] != DecisionStatus.REQUESTED.value],
        # Change requests put forward and not yet decided (or put off to a later meeting).
        "change_requests_pending": [_change_request(c) for c in data.change_requests],
        "previous_report": None
        if data.last_report is None
        else {
            "title": data.last_report.title,
            "meeting_on": _day(data.last_report.meeting_on),
        },
    }
