"""The portfolio at a glance: every visible programme's lights, money and next dates.

One computation for the overview page, its roadmap chart, the portfolio workbook and the
API's programme list: the lights are the status page's own (`snapshot.shown_lights` on
`services.load_light_data`), the money the budget page's own (`BudgetOverview`: the
approved total is the sum of the approved years, the estimate the estimate at completion,
the variance the estimate minus the approved total).

Each programme's figures are plain values (`ProgrammeFigures`), kept in the worker's
memory under that programme's version (audit/versions.programme_versions), the day and
the language: an edit in one programme makes only its figures be computed again, not the
other hundred's. The queries do not grow with the number of programmes: the programmes
and their versions, one each; for the programmes whose figures are not cached, the light
data (eleven), the requested decisions and the timelines, one each.

Filters and sorting come from the query string and are hostile input: a value that is not
one of the choices is ignored, and the page says so in Danish.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.audit.versions import programme_versions
from portfolio.auth.models import User
from portfolio.budgets.figures import ZERO, BudgetOverview
from portfolio.charts.data import PeriodKind, RoadmapData, RoadmapProgramme, TimelinePeriod
from portfolio.core.i18n import locale_code
from portfolio.core.lights import Colour, Light, Rollup
from portfolio.core.lru import LRU
from portfolio.core.months import Month
from portfolio.core.pagecache import worker_cache
from portfolio.extensions import db
from portfolio.indicators.models import Progress
from portfolio.indicators.services import benefit_progress
from portfolio.programmes.models import Programme, ProgrammeStatus, TimelineItem, TimelineKind
from portfolio.programmes.services import current_phase, list_programmes
from portfolio.status.models import Decision, DecisionStatus, Milestone, MilestoneStatus
from portfolio.status.services import StatusData, load_light_data
from portfolio.status.snapshot import overall_of, shown_lights

TOP_RISKS = 10
TOP_BENEFITS = 10  # benefits not on track listed (the page says how many there are in all)
SORTS = ("name", "light", "budget", "variance", "milestone")
ORDERS = ("asc", "desc")
# The order a sort takes unless the query string says otherwise: the worst light, the
# largest budget and variance first; names and the next milestone from the first.
DEFAULT_ORDER = {
    "name": "asc",
    "light": "desc",
    "budget": "desc",
    "variance": "desc",
    "milestone": "asc",
}
FILTERS = ("status", "owner", "phase", "light")


@dataclass(frozen=True)
class Dated:
    """The next milestone or decision: its date and title (date None: not yet dated)."""

    on: dt.date | None
    title: str
    overdue: bool = False


@dataclass(frozen=True)
class Stage:
    """A phase or wave of a programme's timeline, as plain values."""

    id: int
    name: str
    kind: TimelineKind
    start_month: Month
    end_month: Month


@dataclass(frozen=True)
class YearTotal:
    year: str
    baseline: Decimal | None
    forecast: Decimal | None
    actual: Decimal | None
    estimate: Decimal | None


@dataclass(frozen=True)
class OpenRisk:
    code: str
    title: str
    score: int  # the current score: the one that counts
    inherent_score: int
    owner: str | None


@dataclass(frozen=True)
class BenefitNotOnTrack:
    code: str
    name: str
    owner: str | None
    progress: Progress


@dataclass(frozen=True)
class ProgrammeFigures:
    """What every view of the portfolio shows of one programme, as plain values.

    Computed from the programme's data alone (and the day and the language, which the
    lights' reasons are written in), so it can be kept until the programme's version
    changes and be shared by every user who may see the programme.
    """

    lights: dict[str, Light]  # by Dimension value, as the status page shows them
    overall: Rollup
    phase: Stage | None
    timeline: tuple[Stage, ...]
    has_budget: bool
    approved: Decimal | None  # the sum of the approved years (what the variance is against)
    estimate: Decimal | None  # the estimate at completion, as the budget page computes it
    variance: Decimal | None  # the estimate minus the approved budget (positive: an overrun)
    years: tuple[YearTotal, ...]  # the budget page's column totals, year by year
    next_milestone: Dated | None
    next_decision: Dated | None
    open_risks: tuple[OpenRisk, ...]  # the TOP_RISKS highest, highest first
    benefits_not_on_track: tuple[BenefitNotOnTrack, ...]  # measured as off track or at risk


@dataclass(frozen=True)
class ProgrammeRow:
    """One programme of the overview: the programme as loaded now, and its figures."""

    programme: Programme
    figures: ProgrammeFigures
    # What the figures were kept under: (programme id, version, day, language). Whatever
    # is drawn from the row alone may be kept under it too (the overview's HTML rows).
    key: tuple

    @property
    def overall(self) -> Rollup:
        return self.figures.overall

    @property
    def phase(self) -> Stage | None:
        return self.figures.phase

    @property
    def approved(self) -> Decimal | None:
        return self.figures.approved

    @property
    def estimate(self) -> Decimal | None:
        return self.figures.estimate

    @property
    def variance(self) -> Decimal | None:
        return self.figures.variance

    @property
    def next_milestone(self) -> Dated | None:
        return self.figures.next_milestone


@dataclass(frozen=True)
class RiskEntry:
    programme: Programme
    code: str
    title: str
    score: int
    inherent_score: int
    owner: str | None


@dataclass(frozen=True)
class BenefitEntry:
    programme: Programme
    code: str
    name: str
    owner: str | None
    progress: Progress


@dataclass(frozen=True)
class Choices:
    """What the user asked for, once checked: only known values are kept."""

    status: str | None = None
    owner: str | None = None
    phase: str | None = None
    light: str | None = None
    sort: str = "name"
    order: str = "asc"

    def filtered(self) -> bool:
        return any(getattr(self, name) for name in FILTERS)

    def query(self, **changes: str | None) -> dict[str, str]:
        """The query string of these choices with `changes` (for links and the download)."""
        values = {name: getattr(self, name) for name in (*FILTERS, "sort", "order")}
        values.update(changes)
        if values.get("sort") == "name" and values.get("order") == "asc":
            values.pop("sort")
            values.pop("order")
        return {k: v for k, v in values.items() if v}


@dataclass
class PortfolioOverview:
    rows: list[ProgrammeRow]  # the programmes chosen, in the order asked for
    all_rows: list[ProgrammeRow]  # every programme the user may see
    choices: Choices
    ignored: list[str] = field(default_factory=list)  # messages on values not understood
    years: list[YearTotal] = field(default_factory=list)
    top_risks: list[RiskEntry] = field(default_factory=list)
    benefits_off_track: list[BenefitEntry] = field(default_factory=list)  # all of them

    @property
    def benefits_listed(self) -> list[BenefitEntry]:
        """The first TOP_BENEFITS of the benefits not on track (off track first)."""
        return self.benefits_off_track[:TOP_BENEFITS]

    @property
    def options(self) -> dict[str, list[tuple[str, str]]]:
        """The choices each filter offers (value, label), from the programmes visible."""
        statuses = {r.programme.status for r in self.all_rows}
        owners = sorted({o for r in self.all_rows if (o := r.programme.owner_organisation)})
        phases = sorted({r.phase.name for r in self.all_rows if r.phase})
        return {
            "status": [(s.value, s.label) for s in ProgrammeStatus if s in statuses],
            "owner": [(o, o) for o in owners],
            "phase": [(p, p) for p in phases],
            "light": [(c.value, c.label) for c in (Colour.RED, Colour.YELLOW, Colour.GREEN)]
            + [(Colour.NONE.value, _("Ingen samlet vurdering"))],
        }

    def total(self, attribute: str) -> Decimal | None:
        """The chosen programmes' sum of `approved`, `estimate` or `variance`."""
        values = [v for r in self.rows if (v := getattr(r, attribute)) is not None]
        return sum(values, ZERO) if values else None


def _text(value: object, limit: int = 200) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value[:limit] if value else None


def read_choices(args: Mapping[str, str], rows: list[ProgrammeRow]) -> tuple[Choices, list[str]]:
    """Check the query string's filters and sorting against what can be chosen.

    A value that is not a choice is dropped, with a message that names the filter (never
    repeating the value: it is the user's input, and may be anything).
    """
    ignored: list[str] = []
    names = {
        "status": _("status"),
        "owner": _("ejerorganisation"),
        "phase": _("fase"),
        "light": _("lys"),
        "sort": _("sortering"),
        "order": _("rækkefølge"),
    }
    allowed = {
        "status": {s.value for s in ProgrammeStatus},
        "owner": {o for r in rows if (o := r.programme.owner_organisation)},
        "phase": {r.phase.name for r in rows if r.phase},
        "light": {c.value for c in Colour},
    }
    values: dict[str, str] = {}
    for name in FILTERS:
        value = _text(args.get(name))
        if value is None:
            continue
        if value in allowed[name]:
            values[name] = value
        else:
            ignored.append(_("Ukendt værdi for %(filter)s blev ignoreret.", filter=names[name]))
    sort = _text(args.get("sort")) or "name"
    if sort not in SORTS:
        ignored.append(_("Ukendt værdi for %(filter)s blev ignoreret.", filter=names["sort"]))
        sort = "name"
    order = _text(args.get("order")) or DEFAULT_ORDER[sort]
    if order not in ORDERS:
        ignored.append(_("Ukendt værdi for %(filter)s blev ignoreret.", filter=names["order"]))
        order = DEFAULT_ORDER[sort]
    return Choices(sort=sort, order=order, **values), ignored


def _matches(row: ProgrammeRow, choices: Choices) -> bool:
    programme = row.programme
    return (
        (choices.status is None or programme.status.value == choices.status)
        and (choices.owner is None or programme.owner_organisation == choices.owner)
        and (choices.phase is None or (row.phase is not None and row.phase.name == choices.phase))
        and (choices.light is None or row.overall.colour.value == choices.light)
    )


def _sorted(rows: list[ProgrammeRow], choices: Choices) -> list[ProgrammeRow]:
    """Sort by the choice; rows without the figure go last either way, then by name."""
    by_name = sorted(rows, key=lambda r: (r.programme.name.casefold(), r.programme.id))
    descending = choices.order == "desc"
    if choices.sort == "name":
        return list(reversed(by_name)) if descending else by_name

    def figure(row: ProgrammeRow) -> object:
        if choices.sort == "light":
            # Unassessed last in either order: it is no colour to rank.
            return row.overall.colour.rank if row.overall.colour is not Colour.NONE else None
        if choices.sort == "milestone":
            return row.next_milestone.on if row.next_milestone else None
        return getattr(row, {"budget": "approved", "variance": "variance"}[choices.sort])

    present = [r for r in by_name if figure(r) is not None]
    missing = [r for r in by_name if figure(r) is None]
    # Stable either way (reverse=True keeps equal items in order): ties stay A–Z.
    present.sort(key=figure, reverse=descending)  # type: ignore[arg-type]
    return present + missing


def _next_milestone(milestones: list[Milestone], today: dt.date) -> Dated | None:
    open_ones = [m for m in milestones if m.status is MilestoneStatus.PLANNED]
    if not open_ones:
        return None
    first = min(open_ones, key=lambda m: (m.expected_on, m.planned_on, m.id))
    return Dated(first.expected_on, first.title, overdue=first.expected_on < today)


def _decisions(ids: list[int], today: dt.date) -> dict[int, Dated]:
    """The next requested decision of each programme, in one query (undated ones last)."""
    found: dict[int, Dated] = {}
    for decision in db.session.scalars(
        sa.select(Decision)
        .where(Decision.programme_id.in_(ids), Decision.status == DecisionStatus.REQUESTED)
        .order_by(Decision.requested_for.asc().nulls_last(), Decision.id)
    ):
        if decision.programme_id not in found:
            on = decision.requested_for
            found[decision.programme_id] = Dated(
                on, decision.title, overdue=on is not None and on < today
            )
    return found


def _timelines(ids: list[int]) -> dict[int, list[TimelineItem]]:
    """Each programme's phases and waves, in one query."""
    timelines: dict[int, list[TimelineItem]] = {pid: [] for pid in ids}
    for item in db.session.scalars(
        sa.select(TimelineItem)
        .where(TimelineItem.programme_id.in_(ids))
        .order_by(TimelineItem.programme_id, TimelineItem.position)
    ):
        timelines[item.programme_id].append(item)
    return timelines


# Figures of this many programmes are kept per worker (each is a few kilobytes).
ROW_CACHE_SIZE = 2048


def programme_rows(programmes: list[Programme], today: dt.date) -> list[ProgrammeRow]:
    """Each programme's row, its figures computed only where its version changed."""
    if not programmes:
        return []
    cache = row_cache()
    versions = programme_versions([p.id for p in programmes])
    locale = locale_code()
    keys = {p.id: (p.id, versions[p.id], today, locale) for p in programmes}
    figures = {p.id: found for p in programmes if (found := cache.get(keys[p.id])) is not None}
    missing = [p for p in programmes if p.id not in figures]
    if missing:
        for programme_id, computed in compute_figures(missing, today).items():
            cache.put(keys[programme_id], computed)
            figures[programme_id] = computed
    return [ProgrammeRow(p, figures[p.id], keys[p.id]) for p in programmes]


def row_cache() -> LRU[ProgrammeFigures]:
    """The worker's programme figures, by (programme id, version, day, language)."""
    return worker_cache("overview-rows", ROW_CACHE_SIZE)


def compute_figures(programmes: list[Programme], today: dt.date) -> dict[int, ProgrammeFigures]:
    """Compute the figures of the programmes in a fixed number of queries (the module doc)."""
    ids = [p.id for p in programmes]
    if not ids:
        return {}
    data = load_light_data(programmes)
    decisions = _decisions(ids, today)
    timelines = _timelines(ids)
    month = Month.of(today)
    return {
        p.id: _figures(data[p.id], timelines[p.id], decisions.get(p.id), today, month)
        for p in programmes
    }


def _stage(item: TimelineItem) -> Stage:
    return Stage(item.id, item.name, item.kind, item.start_month, item.end_month)


def _figures(
    of: StatusData,
    timeline: list[TimelineItem],
    next_decision: Dated | None,
    today: dt.date,
    month: Month,
) -> ProgrammeFigures:
    shown = shown_lights(of, today)
    phase = current_phase(timeline, month)
    budget: BudgetOverview | None = of.budget  # type: ignore[assignment]
    return ProgrammeFigures(
        lights={k: Light.from_dict(v["light"]) for k, v in shown.items()},
        overall=overall_of(shown),
        phase=None if phase is None else _stage(phase),
        timeline=tuple(_stage(item) for item in timeline),
        has_budget=budget is not None,
        approved=None if budget is None else budget.programme_cost.baseline_total,
        estimate=None if budget is None else budget.estimate_total,
        variance=None if budget is None else budget.programme_cost.overrun,
        years=() if budget is None else _years(budget),
        next_milestone=_next_milestone(of.milestones, today),
        next_decision=next_decision,
        open_risks=_top_open_risks(of),
        benefits_not_on_track=tuple(
            BenefitNotOnTrack(benefit.code, benefit.name, benefit.owner, progress)
            for benefit in of.benefits
            if (progress := benefit_progress(of.benefit_readings(benefit)))
            in (Progress.OFF_TRACK, Progress.AT_RISK)
        ),
    )


def _top_open_risks(of: StatusData) -> tuple[OpenRisk, ...]:
    """The programme's TOP_RISKS highest open risks: no more of one programme can be among
    the portfolio's TOP_RISKS, so the overview ranks a few per programme, not all."""
    risks = [
        OpenRisk(risk.code, risk.title, risk.current_score, risk.score, risk.owner)
        for risk in of.risks
        if risk.is_open
    ]
    risks.sort(key=lambda r: (-r.score, -r.inherent_score, r.code))
    return tuple(risks[:TOP_RISKS])


def _years(budget: BudgetOverview) -> tuple[YearTotal, ...]:
    """The budget page's column totals of each year."""
    return tuple(
        YearTotal(
            year=year,
            baseline=budget.column("baseline", year),
            forecast=budget.column("forecast", year),
            actual=budget.column("actual", year),
            estimate=budget.estimate_column(year),
        )
        for year in budget.years
    )


def year_totals(rows: Iterable[ProgrammeRow]) -> list[YearTotal]:
    """The chosen programmes' approved budget, forecast, actual spend and estimate by year.

    Each programme's figure for a year is its budget page's column total; a year's total is
    their sum, None where no programme has a figure of that kind.
    """
    by_year: dict[str, list[YearTotal]] = {}
    for row in rows:
        for year in row.figures.years:
            by_year.setdefault(year.year, []).append(year)

    def total(values: Iterable[Decimal | None]) -> Decimal | None:
        present = [v for v in values if v is not None]
        return sum(present, ZERO) if present else None

    return [
        YearTotal(
            year=year,
            baseline=total(y.baseline for y in of),
            forecast=total(y.forecast for y in of),
            actual=total(y.actual for y in of),
            estimate=total(y.estimate for y in of),
        )
        for year, of in sorted(by_year.items())
    ]


def top_risks(rows: Iterable[ProgrammeRow]) -> list[RiskEntry]:
    """The open risks with the highest score that counts across the programmes (the
    status page's ranking: the current score, then the gross score)."""
    entries = [
        RiskEntry(r.programme, risk.code, risk.title, risk.score, risk.inherent_score, risk.owner)
        for r in rows
        for risk in r.figures.open_risks
    ]
    entries.sort(key=lambda e: (-e.score, -e.inherent_score, e.programme.name, e.code))
    return entries[:TOP_RISKS]


def benefits_off_track(rows: Iterable[ProgrammeRow]) -> list[BenefitEntry]:
    """The measured benefits not on track (off track first, then at risk)."""
    entries = [
        BenefitEntry(row.programme, b.code, b.name, b.owner, b.progress)
        for row in rows
        for b in row.figures.benefits_not_on_track
    ]
    rank = {Progress.OFF_TRACK: 0, Progress.AT_RISK: 1}
    entries.sort(key=lambda e: (rank[e.progress], e.programme.name, e.code))
    return entries


def portfolio_overview(user: User, args: Mapping[str, str], today: dt.date) -> PortfolioOverview:
    """Build the overview of the programmes the user may see, as the query string asks."""
    all_rows = programme_rows(list_programmes(user), today)
    choices, ignored = read_choices(args, all_rows)
    chosen = _sorted([r for r in all_rows if _matches(r, choices)], choices)
    return PortfolioOverview(
        rows=chosen,
        all_rows=all_rows,
        choices=choices,
        ignored=ignored,
        years=year_totals(chosen),
        top_risks=top_risks(chosen),
        benefits_off_track=benefits_off_track(chosen),
    )


def roadmap_data(rows: Iterable[ProgrammeRow], today: dt.date, title: str) -> RoadmapData:
    """The roadmap chart's input: the rows' phases and waves, in the rows' order."""
    kinds = {TimelineKind.PHASE: PeriodKind.PHASE, TimelineKind.WAVE: PeriodKind.WAVE}
    return RoadmapData(
        title=title,
        today=today,
        programmes=tuple(
            RoadmapProgramme(
                name=row.programme.short_name or row.programme.name,
                periods=tuple(
                    TimelinePeriod(t.name, kinds[t.kind], t.start_month, t.end_month)
                    for t in row.figures.timeline
                ),
                current=row.phase.name if row.phase else None,
            )
            for row in rows
        ),
    )
