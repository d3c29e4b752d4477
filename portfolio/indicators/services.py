"""Reading indicators: their values with disclosure applied, achievement and progress.

`readings_for` is what every page, export, the API and the workshops use to show an
indicator, so that the same figure is shown (or withheld) the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from portfolio.benefits.models import Benefit
from portfolio.core import clock
from portfolio.core.i18n import format_number, locale_code
from portfolio.core.models import UTCDateTime
from portfolio.core.months import Month
from portfolio.core.periods import period_label
from portfolio.extensions import db
from portfolio.indicators import disclosure
from portfolio.indicators.models import (
    Direction,
    Indicator,
    ManualValue,
    Progress,
    TrajectoryPoint,
)
from portfolio.metrics.models import Metric, StoredObservation
from portfolio.metrics.observations import ObservationStatus

# An indicator short of its plan by at most this share of the planned improvement (from
# the baseline to the planned value) is at risk; further behind, it is off track.
AT_RISK_MARGIN = Decimal("0.10")

_PROGRESS_RANK = {Progress.ON_TRACK: 0, Progress.AT_RISK: 1, Progress.OFF_TRACK: 2}


@dataclass(frozen=True)
class Point:
    period: Month  # first month of the period
    label: str  # the period as shown: "2025", "2025K3", "jan. 2025"
    value: Decimal | None  # None when withheld (suppressed, missing, below threshold)
    status: ObservationStatus
    shown: str  # text shown for it: "1.234,5", "<5", "..", "–"


@dataclass(frozen=True)
class Reading:
    indicator: Indicator
    points: tuple[Point, ...]  # current revision per period, oldest first, disclosure applied
    latest: Point | None  # the latest period that has a value
    data_as_of: dt.datetime | None  # last successful fetch (metric) or last manual entry
    stale_since: dt.datetime | None  # set when the last refresh failed
    source_label: str  # source name, or "Manuel indtastning"
    is_demo: bool  # figures from the embedded demo data platform
    achievement: Decimal | None  # (actual − baseline) / (target − baseline)
    progress: Progress | None  # from the trajectory rule
    rule: str  # Danish text of the rule applied, with the numbers


# --------------------------------------------------------------------------- periods


def _month_of(text: str | None) -> Month | None:
    if not text:
        return None
    try:
        return Month.parse(text)
    except ValueError:
        return None


# --------------------------------------------------------------------------- loading


# Load indicators with these to read them in one further query (`readings_for`).
INDICATOR_OPTIONS = (
    joinedload(Indicator.metric).joinedload(Metric.source),
    joinedload(Indicator.trajectory),
)


def list_indicators(*conditions) -> list[Indicator]:
    """Return the indicators matching the conditions, ready for `readings_for`, in one query."""
    query = (
        sa.select(Indicator)
        .where(*conditions)
        .options(*INDICATOR_OPTIONS)
        .order_by(Indicator.position, Indicator.code)
    )
    return list(db.session.execute(query).unique().scalars())


@dataclass(frozen=True)
class _Value:
    month: Month
    value: Decimal | None
    status: str
    at: dt.datetime | None


def readings_for(
    indicators: list[Indicator], *, today: dt.date | None = None, latest_only: bool = False
) -> dict[int, Reading]:
    """Read the indicators' values, keyed by indicator id, in at most three queries.

    With `latest_only` a reading's points stop at its latest value (the periods after it
    are still there, withheld): enough for status, achievement and the latest figure on
    an overview, without preparing every period of a long series for display.

    One query for the current observations and manual values together, plus one for the
    metrics (with their sources) and one for the trajectories unless the indicators come
    with them loaded (`list_indicators`), however many indicators there are. Periods that
    begin after `today` are not measurements yet and are left out.
    """
    indicators = list(indicators)
    if not indicators:
        return {}
    today = today or clock.today()
    _load_missing(indicators)
    metric_ids = sorted({i.metric_id for i in indicators if i.metric_id is not None})
    manual_ids = [i.id for i in indicators if i.metric_id is None]
    this_month = Month.of(today)
    recent = (this_month, RECENT_OBSERVATIONS) if latest_only else None
    by_metric, by_indicator = _values(metric_ids, manual_ids, recent=recent)
    readings = {
        indicator.id: _reading(
            indicator,
            by_metric.get(indicator.metric_id, [])
            if indicator.metric_id is not None
            else by_indicator.get(indicator.id, []),
            this_month,
            latest_only=latest_only,
        )
        for indicator in indicators
    }
    if recent is not None:
        # A metric whose recent observations are all withheld: its latest value is older.
        withheld = {
            i.metric_id
            for i in indicators
            if i.metric_id is not None
            and readings[i.id].latest is None
            and len(by_metric.get(i.metric_id, [])) >= RECENT_OBSERVATIONS
        }
        if withheld:
            every, _manual = _values(sorted(withheld), [])
            for indicator in indicators:
                if indicator.metric_id in withheld:
                    readings[indicator.id] = _reading(
                        indicator, every[indicator.metric_id], this_month, latest_only=True
                    )
    return readings


def _load_missing(indicators: list[Indicator]) -> None:
    """Load the metrics, sources and trajectories the indicators lack, one query each."""
    unloaded = {i.id: sa.inspect(i).unloaded for i in indicators}
    need_metric = {
        i.metric_id
        for i in indicators
        if i.metric_id is not None
        and (
            "metric" in unloaded[i.id]
            or i.metric is None
            or "source" in sa.inspect(i.metric).unloaded
        )
    }
    if need_metric:
        metrics = {
            metric.id: metric
            for metric in db.session.scalars(
                sa.select(Metric)
                .where(Metric.id.in_(need_metric))
                .options(joinedload(Metric.source))
            )
        }
        for indicator in indicators:
            if indicator.metric_id in need_metric:
                set_committed_value(indicator, "metric", metrics.get(indicator.metric_id))
    need_trajectory = [i for i in indicators if "trajectory" in unloaded[i.id]]
    if need_trajectory:
        trajectories: dict[int, list[TrajectoryPoint]] = defaultdict(list)
        for point in db.session.scalars(
            sa.select(TrajectoryPoint)
            .where(TrajectoryPoint.indicator_id.in_([i.id for i in need_trajectory]))
            .order_by(TrajectoryPoint.indicator_id, TrajectoryPoint.period)
        ):
            trajectories[point.indicator_id].append(point)
        for indicator in need_trajectory:
            # Fill the relationship from what was just read: templates touching it then
            # cost no further queries.
            set_committed_value(indicator, "trajectory", trajectories[indicator.id])


# With `latest_only`, a metric's observations are read from its latest this many periods up
# to the current month (a long series otherwise costs its whole length on every status
# page); only when all of them are withheld is the rest read.
RECENT_OBSERVATIONS = 24


def _values(
    metric_ids: list[int], manual_ids: list[int], *, recent: tuple[Month, int] | None = None
) -> tuple[dict[int, list[_Value]], dict[int, list[_Value]]]:
    """Read current observations (by metric) and manual values (by indicator) in one query.

    With `recent` (a month and a number n), only each metric's n latest observations that
    begin in or before that month.
    """
    selects = []
    if metric_ids:
        observations = sa.select(
            StoredObservation.metric_id,
            StoredObservation.period_start,
            StoredObservation.value,
            StoredObservation.status,
        ).where(StoredObservation.metric_id.in_(metric_ids), StoredObservation.is_current)
        if recent is not None:
            until, count = recent
            ranked = (
                observations.add_columns(
                    sa.func.row_number()
                    .over(
                        partition_by=StoredObservation.metric_id,
                        order_by=StoredObservation.period_start.desc(),
                    )
                    .label("rank")
                )
                .where(StoredObservation.period_start <= str(until))
                .subquery()
            )
            chosen = sa.select(ranked).where(ranked.c.rank <= count).subquery()
        else:
            chosen = observations.subquery()
        selects.append(
            sa.select(
                sa.literal_column("0").label("manual"),
                chosen.c.metric_id.label("owner_id"),
                chosen.c.period_start.label("period"),
                chosen.c.value.label("value"),
                chosen.c.status.label("status"),
                # A metric's "data as of" is its last successful refresh, not a row's time.
                sa.cast(sa.null(), UTCDateTime).label("at"),
            )
        )
    if manual_ids:
        selects.append(
            sa.select(
                sa.literal_column("1").label("manual"),
                ManualValue.indicator_id.label("owner_id"),
                sa.cast(ManualValue.period, sa.String(7)).label("period"),
                ManualValue.value.label("value"),
                ManualValue.status.label("status"),
                ManualValue.updated_at.label("at"),
            ).where(ManualValue.indicator_id.in_(manual_ids))
        )
    by_metric: dict[int, list[_Value]] = defaultdict(list)
    by_indicator: dict[int, list[_Value]] = defaultdict(list)
    if not selects:
        return by_metric, by_indicator
    query = selects[0] if len(selects) == 1 else sa.union_all(*selects)
    for row in db.session.execute(query):
        month = _month_of(row.period)
        if month is None:
            continue
        target = by_indicator if int(row.manual) else by_metric
        target[row.owner_id].append(_Value(month, row.value, row.status, row.at))
    return by_metric, by_indicator


def _reading(
    indicator: Indicator, values: list[_Value], this_month: Month, *, latest_only: bool = False
) -> Reading:
    threshold = disclosure.threshold_for(indicator)
    is_count = disclosure.counts_are_protected(indicator)
    raw = {value.month: value for value in values}
    points = []
    # Newest first, so that a summary can stop at the latest value; put in order below.
    for month in sorted(raw, reverse=True):
        if month > this_month:
            continue
        cell = disclosure.disclose(
            raw[month].value,
            raw[month].status,
            is_count=is_count,
            threshold=threshold,
            decimals=indicator.decimals,
        )
        points.append(
            Point(
                period=month,
                label=period_label(month, indicator.frequency, locale_code()),
                value=cell.value,
                status=cell.status,
                shown=cell.shown,
            )
        )
        if latest_only and cell.value is not None:
            break
    points.reverse()
    latest = next((point for point in reversed(points) if point.value is not None), None)

    metric = indicator.metric if indicator.metric_id is not None else None
    if metric is not None:
        data_as_of = metric.last_success_at
        stale_since = metric.stale_since
        source_label = metric.source.name
        is_demo = metric.source.is_demo
    else:
        data_as_of = max((value.at for value in values if value.at is not None), default=None)
        stale_since = None
        source_label = _("Manuel indtastning")
        is_demo = False

    progress, rule = assess(indicator, latest)
    return Reading(
        indicator=indicator,
        points=tuple(points),
        latest=latest,
        data_as_of=data_as_of,
        stale_since=stale_since,
        source_label=source_label,
        is_demo=is_demo,
        achievement=achievement_of(indicator, latest),
        progress=progress,
        rule=rule,
    )


# --------------------------------------------------------------------------- rules


def achievement_of(indicator: Indicator, latest: Point | None) -> Decimal | None:
    """Return (actual − baseline) / (target − baseline), or None if an input is withheld."""
    actual = latest.value if latest is not None else None
    baseline, target = indicator.baseline_value, indicator.target_value
    if not disclosure.derived(actual, baseline, target) or target == baseline:
        return None
    return ((actual - baseline) / (target - baseline)).quantize(Decimal("0.0001"))


def plan_points(indicator: Indicator) -> list[tuple[Month, Decimal]]:
    """Return the plan: baseline, trajectory points and target, in period order."""
    plan: dict[Month, Decimal] = {}
    if indicator.baseline_value is not None and indicator.baseline_period is not None:
        plan[indicator.baseline_period] = indicator.baseline_value
    for point in indicator.trajectory:
        plan[point.period] = point.value
    if indicator.target_value is not None and indicator.target_period is not None:
        plan[indicator.target_period] = indicator.target_value
    return sorted(plan.items())


def planned_value(indicator: Indicator, period: Month) -> Decimal | None:
    """Interpolate the planned value for a period, linearly by month between plan points.

    Before the first plan point the plan is that point's value; after the last, the last.
    """
    plan = plan_points(indicator)
    if not plan:
        return None
    if period <= plan[0][0]:
        return plan[0][1]
    for (start, low), (end, high) in itertools.pairwise(plan):
        if start <= period <= end:
            share = Decimal(start.months_until(period)) / Decimal(start.months_until(end))
            return low + (high - low) * share
    return plan[-1][1]


def assess(indicator: Indicator, latest: Point | None) -> tuple[Progress | None, str]:
    """Judge the latest value against the planned value; return progress and the rule text."""
    places = indicator.decimals

    def num(value: Decimal) -> str:
        return format_number(value, places)

    margin_text = format_number(AT_RISK_MARGIN * 100, 0)
    if latest is None:
        return None, _("Ingen status: indikatoren har endnu ingen offentliggjort værdi.")
    baseline = indicator.baseline_value
    if baseline is None or indicator.baseline_period is None or len(plan_points(indicator)) < 2:
        return None, _(
            "Ingen status: indikatoren mangler en basislinje og et mål eller forløb at måle "
            "værdien %(value)s (%(period)s) op imod.",
            value=latest.shown,
            period=latest.label,
        )
    planned = planned_value(indicator, latest.period)
    sign = 1 if indicator.direction is Direction.HIGHER_IS_BETTER else -1
    shortfall = (planned - latest.value) * sign  # > 0: behind the plan
    margin = abs(planned - baseline) * AT_RISK_MARGIN
    if shortfall <= 0:
        progress = Progress.ON_TRACK
    elif shortfall <= margin:
        progress = Progress.AT_RISK
    else:
        progress = Progress.OFF_TRACK
    better = (
        _("højere er bedre")
        if indicator.direction is Direction.HIGHER_IS_BETTER
        else _("lavere er bedre")
    )
    rule = _(
        "Seneste værdi %(actual)s (%(period)s) mod planlagt %(planned)s, interpoleret mellem "
        "basislinje, forløb og mål (%(better)s). På rette spor, når værdien er på eller bedre "
        "end planen; i risiko, når den er højst %(pct)s %% af den planlagte forbedring "
        "(%(margin)s) bag planen; ellers ikke på rette spor. Resultat: %(result)s.",
        actual=num(latest.value),
        period=latest.label,
        planned=num(planned),
        better=better,
        pct=margin_text,
        margin=num(margin),
        result=progress.label.lower(),
    )
    return progress, rule


def worst_progress(values) -> Progress | None:
    """Return the most serious of the given progress values (None when there are none)."""
    found = [value for value in values if value is not None]
    return max(found, key=_PROGRESS_RANK.__getitem__, default=None)


def benefit_progress(readings: list[Reading]) -> Progress | None:
    """Return a benefit's progress: the worst of its indicators' (None if none has one)."""
    return worst_progress(reading.progress for reading in readings)


def threshold_crossed(reading: Reading) -> bool:
    """Tell whether a key risk indicator's latest value is beyond its threshold.

    Beyond means strictly past it in the bad direction: above it when lower is better,
    below it when higher is better. A withheld latest value crosses nothing.
    """
    threshold = reading.indicator.threshold_value
    if threshold is None or reading.latest is None:
        return False
    if reading.indicator.direction is Direction.LOWER_IS_BETTER:
        return reading.latest.value > threshold
    return reading.latest.value < threshold


def readings_where(*conditions) -> list[Reading]:
    """Return the readings of the indicators matching the conditions, in two queries."""
    indicators = list_indicators(*conditions)
    readings = readings_for(indicators)
    return [readings[indicator.id] for indicator in indicators]


def crossed_by_risk(risk_ids: list[int]) -> dict[int, list[Reading]]:
    """Return, per risk, the readings of its key risk indicators beyond their threshold.

    Two queries at most (the indicators, their values), whatever the number of risks.
    """
    if not risk_ids:
        return {}
    indicators = list_indicators(
        Indicator.risk_id.in_(risk_ids), Indicator.threshold_value.is_not(None)
    )
    crossed: dict[int, list[Reading]] = defaultdict(list)
    # Only the latest value is compared and shown: the rest of each series is not prepared.
    for reading in readings_for(indicators, latest_only=True).values():
        if threshold_crossed(reading):
            crossed[reading.indicator.risk_id].append(reading)
    return dict(crossed)


# --------------------------------------------------------------------------- snapshots


def _text(value) -> str | None:
    return None if value is None else str(value)


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def point_snapshot(point: Point | None) -> dict | None:
    """Freeze a point as plain JSON values (the value as a decimal string)."""
    if point is None:
        return None
    return {
        "period": str(point.period),
        "label": point.label,
        "value": _text(point.value),
        "status": point.status.value,
        "shown": point.shown,
    }


def reading_snapshot(reading: Reading) -> dict:
    """Freeze an indicator and its reading as plain JSON values."""
    indicator = reading.indicator
    return {
        "code": indicator.code,
        "name": indicator.name,
        "kind": indicator.kind.value,
        "definition": indicator.definition,
        "unit": indicator.unit,
        "decimals": indicator.decimals,
        "direction": indicator.direction.value,
        "frequency": indicator.frequency.value,
        "method": indicator.method,
        "baseline": {
            "period": _text(indicator.baseline_period),
            "value": _text(indicator.baseline_value),
        },
        "target": {
            "period": _text(indicator.target_period),
            "value": _text(indicator.target_value),
        },
        "trajectory": [
            {"period": str(point.period), "value": str(point.value)}
            for point in indicator.trajectory
        ],
        "threshold_value": _text(indicator.threshold_value),
        "disclosure_threshold": disclosure.threshold_for(indicator),
        "source": reading.source_label,
        "is_demo": reading.is_demo,
        "data_as_of": _iso(reading.data_as_of),
        "stale_since": _iso(reading.stale_since),
        "points": [point_snapshot(point) for point in reading.points],
        "latest": point_snapshot(reading.latest),
        "achievement": _text(reading.achievement),
        "progress": reading.progress.value if reading.progress else None,
        "rule": reading.rule,
    }


def benefit_snapshot(benefit: Benefit, readings: list[Reading]) -> dict:
    """Freeze a benefit's profile and its indicators' readings as plain JSON values.

    Values are decimal strings (never floats) with disclosure already applied, so a frozen
    snapshot holds nothing a page could not show.
    """
    progress = benefit_progress(readings)
    return {
        "code": benefit.code,
        "name": benefit.name,
        "description": benefit.description,
        "is_disbenefit": benefit.is_disbenefit,
        "owner": benefit.owner_label,
        "responsible": benefit.responsible,
        "operations_owner": benefit.operations_owner,
        "handed_over_on": _iso(benefit.handed_over_on),
        "types": [benefit_type.value for benefit_type in benefit.types],
        "recipients": [recipient.name for recipient in benefit.recipients],
        "tracks": [track.number for track in benefit.tracks],
        "projects": [project.code for project in benefit.projects],
        "goals": [goal.text for goal in benefit.goals],
        "progress": progress.value if progress else None,
        "indicators": [reading_snapshot(reading) for reading in readings],
    }
