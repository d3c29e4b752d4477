"""Changing indicators: create, edit, delete, and the values typed in for manual ones."""

from __future__ import annotations

import re
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.audit.versions import check_version
from portfolio.auth.models import User
from portfolio.auth.permissions import Action, require
from portfolio.benefits.models import Benefit
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.locking import hold_for_delete
from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.indicators.models import Indicator, ManualValue, TrajectoryPoint
from portfolio.metrics.models import Metric
from portfolio.metrics.observations import ObservationStatus, parse_decimal
from portfolio.programmes.models import Programme, Project, Track
from portfolio.risks.models import Risk

INDICATOR_FIELDS = (
    "code",
    "name",
    "kind",
    "definition",
    "unit",
    "decimals",
    "direction",
    "frequency",
    "method",
    "baseline_value",
    "baseline_period",
    "target_value",
    "target_period",
    "threshold_value",
    "metric_id",
    "disclosure_threshold",
    "is_count",
    "responsible",
    "position",
)

# Who may change a subject's indicators: whoever may edit the subject.
_EDIT_ACTIONS = {
    Benefit: Action.EDIT_BENEFIT,
    Track: Action.EDIT_TRACK,
    Project: Action.EDIT_PROJECT,
    Risk: Action.EDIT_RISK,
}
_SUBJECT_FIELDS = {Benefit: "benefit", Track: "track", Project: "project", Risk: "risk"}

_PERIOD = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?\s*[:=]\s*(.+?)\s*$")


def edit_action(subject) -> Action:
    """Return the action that lets a user change the subject's indicators."""
    return _EDIT_ACTIONS[type(subject)]


def value_action(indicator: Indicator) -> Action:
    """Return the action that lets a user enter an indicator's manual values.

    A benefit's owner records its values (ASSESS_BENEFIT); other subjects' values are
    entered by whoever may edit the subject.
    """
    if indicator.benefit_id is not None:
        return Action.ASSESS_BENEFIT
    return edit_action(indicator.subject)


def get_indicator(programme: Programme, code: str) -> Indicator:
    indicator = db.session.scalar(
        sa.select(Indicator).where(Indicator.programme_id == programme.id, Indicator.code == code)
    )
    if indicator is None:
        raise NotFound(_("Indikatoren findes ikke."))
    return indicator


def parse_number(text: str | None) -> Decimal | None:
    """Read a number typed with a decimal comma or point ("12,5", "1.234,5", "12.5")."""
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text:
        return parse_decimal(text, decimal_comma=True, thousands_separator=".")
    return parse_decimal(text)


def parse_period(text: str) -> Month:
    """Read a period typed as "2025" (the year) or "2025-03" (a month)."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{4}", text):
        return Month(int(text), 1)
    return Month.parse(text)


def parse_trajectory(text: str | None) -> list[tuple[Month, Decimal]]:
    """Read a trajectory written one "YYYY: value" (or "YYYY-MM: value") per line."""
    points: dict[Month, Decimal] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _PERIOD.match(line)
        try:
            if match is None:
                raise ValueError(line)
            year, month, value = match.groups()
            period = Month(int(year), int(month or 1))
            points[period] = parse_number(value)
        except ValueError as error:
            message = _(
                "Linje %(n)d skal være »år: værdi«, fx »2025: 62,5«.",
                n=number,
            )
            raise RuleViolation(message, errors={"trajectory": [message]}) from error
    return sorted(points.items())


def format_trajectory(indicator: Indicator) -> str:
    """Write the trajectory the way `parse_trajectory` reads it."""
    lines = []
    for point in indicator.trajectory:
        period = str(point.period.year) if point.period.month == 1 else str(point.period)
        lines.append(f"{period}: {str(point.value).replace('.', ',')}")
    return "\n".join(lines)


def _check(programme: Programme, values: dict, indicator: Indicator | None) -> None:
    code = (values.get("code") or "").strip()
    taken = db.session.scalar(
        sa.select(Indicator.id).where(
            Indicator.programme_id == programme.id,
            Indicator.code == code,
            Indicator.id != (indicator.id if indicator else -1),
        )
    )
    if taken is not None:
        message = _("Koden %(code)s er allerede brugt i programmet.", code=code)
        raise RuleViolation(message, errors={"code": [message]})
    metric_id = values.get("metric_id")
    if metric_id is not None and db.session.get(Metric, metric_id) is None:
        message = _("Vælg en af mulighederne.")
        raise RuleViolation(message, errors={"metric_id": [message]})
    for value_name, period_name in (
        ("baseline_value", "baseline_period"),
        ("target_value", "target_period"),
    ):
        if (values.get(value_name) is None) != (values.get(period_name) is None):
            message = _("Angiv både værdi og tidspunkt, eller ingen af dem.")
            raise RuleViolation(message, errors={period_name: [message]})


def create_indicator(actor: User, programme: Programme, subject, values: dict) -> Indicator:
    """Add an indicator to a benefit, track, project or risk."""
    require(actor, edit_action(subject), subject)
    values = dict(values)
    trajectory = parse_trajectory(values.pop("trajectory", ""))
    _check(programme, values, None)
    indicator = Indicator(
        programme_id=programme.id,
        **{_SUBJECT_FIELDS[type(subject)]: subject},
        **{name: values[name] for name in INDICATOR_FIELDS if name in values},
    )
    indicator.trajectory = [TrajectoryPoint(period=p, value=v) for p, v in trajectory]
    db.session.add(indicator)
    db.session.flush()
    return indicator


def update_indicator(
    actor: User, indicator: Indicator, values: dict, expected_version: int | None = None
) -> list[str]:
    """Change an indicator's definition, plan, source or disclosure threshold."""
    require(actor, edit_action(indicator.subject), indicator.subject)
    values = dict(values)
    trajectory = None
    if "trajectory" in values:
        trajectory = parse_trajectory(values.pop("trajectory"))
    check_version(indicator, expected_version)
    _check(indicator.programme, values, indicator)
    changed = []
    with db.session.no_autoflush:
        for name in INDICATOR_FIELDS:
            if name in values and getattr(indicator, name) != values[name]:
                setattr(indicator, name, values[name])
                changed.append(name)
        current = [(p.period, p.value) for p in indicator.trajectory]
        if trajectory is not None and trajectory != current:
            kept = {p.period: p for p in indicator.trajectory}
            new_points = []
            for period, value in trajectory:
                point = kept.get(period) or TrajectoryPoint(period=period, value=value)
                point.value = value
                new_points.append(point)
            indicator.trajectory = new_points
            changed.append("trajectory")
    db.session.flush()
    return changed


def delete_indicator(actor: User, indicator: Indicator) -> None:
    """Remove an indicator with its trajectory and manual values."""
    require(actor, edit_action(indicator.subject), indicator.subject)
    hold_for_delete(indicator)
    for value in db.session.scalars(
        sa.select(ManualValue).where(ManualValue.indicator_id == indicator.id)
    ):
        db.session.delete(value)
    db.session.delete(indicator)
    db.session.flush()


def manual_values(indicator: Indicator) -> list[ManualValue]:
    return list(
        db.session.scalars(
            sa.select(ManualValue)
            .where(ManualValue.indicator_id == indicator.id)
            .order_by(ManualValue.period)
        )
    )


def record_value(
    actor: User,
    indicator: Indicator,
    *,
    period: Month,
    value: Decimal | None,
    status: ObservationStatus = ObservationStatus.OK,
    note: str = "",
) -> ManualValue:
    """Enter (or correct) a manual indicator's value for a period, with a source note."""
    require(actor, value_action(indicator), indicator.subject)
    if indicator.benefit is not None and indicator.benefit.is_retired:
        raise RuleViolation(_("Gevinsten er udgået; der registreres ikke nye målinger for den."))
    if not indicator.is_manual:
        raise RuleViolation(
            _("Indikatoren hentes fra en datakilde; dens værdier kan ikke tastes ind.")
        )
    status = ObservationStatus(status)
    if status.has_value and value is None:
        message = _("Angiv en værdi, eller vælg at den mangler.")
        raise RuleViolation(message, errors={"value": [message]})
    if not status.has_value:
        value = None
    entry = db.session.scalar(
        sa.select(ManualValue).where(
            ManualValue.indicator_id == indicator.id, ManualValue.period == period
        )
    )
    if entry is None:
        entry = ManualValue(indicator_id=indicator.id, period=period)
        db.session.add(entry)
    entry.value = value
    entry.status = status.value
    entry.note = (note or "").strip()
    entry.entered_by = actor.email
    db.session.flush()
    return entry
