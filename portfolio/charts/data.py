"""The charts' input: frozen dataclasses of plain values, and their stable serialisation.

The builders read nothing but these objects (no database, no clock, no request), so the same
object always gives the same picture and `stable_json` of it is a sound cache key. Amounts and
measurements are `Decimal` or `int`, never `float`: a float's binary rounding would make two
equal-looking inputs give different keys, and money is kept exact throughout Styrbord.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from dataclasses import dataclass
from decimal import Decimal

from portfolio.core.months import Month
from portfolio.core.periods import Frequency

# --------------------------------------------------------------------------- serialisation


def stable_json(obj) -> str:
    """Return a canonical JSON text for `obj`: equal data gives byte-identical text.

    Handles dataclasses (tagged with their class name, so two input types with the same
    fields never share a key), Month, Decimal, date, datetime, enums, tuples, lists, sets and
    dicts with string keys. Anything else raises TypeError rather than being guessed at.
    """
    return json.dumps(
        _plain(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _plain(obj):
    """Turn `obj` into JSON-native values, tagging the types JSON cannot tell apart."""
    # Enums first: StrEnum and IntEnum members are strs and ints too, and would lose their
    # type. Then bool before int, because bool is a subclass of int.
    if isinstance(obj, enum.Enum):
        return {"$enum": [type(obj).__qualname__, _plain(obj.value)]}
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        # repr() round-trips exactly, and NaN or infinity would not be valid JSON.
        if obj != obj or obj in (float("inf"), float("-inf")):
            raise TypeError(f"cannot serialise the non-finite float {obj!r}")
        return {"$float": repr(obj)}
    if isinstance(obj, Decimal):
        if not obj.is_finite():
            raise TypeError(f"cannot serialise the non-finite decimal {obj!r}")
        return {"$decimal": str(obj)}
    if isinstance(obj, Month):
        return {"$month": str(obj)}
    # datetime before date: a datetime is also a date.
    if isinstance(obj, dt.datetime):
        return {"$datetime": obj.isoformat()}
    if isinstance(obj, dt.date):
        return {"$date": obj.isoformat()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        return {"$type": type(obj).__qualname__, **fields}
    if isinstance(obj, list | tuple):
        return [_plain(item) for item in obj]
    if isinstance(obj, set | frozenset):
        items = [_plain(item) for item in obj]
        return {"$set": sorted(items, key=lambda item: json.dumps(item, sort_keys=True))}
    if isinstance(obj, dict):
        if not all(isinstance(key, str) for key in obj):
            raise TypeError("cannot serialise a dict whose keys are not all strings")
        return {"$dict": {key: _plain(value) for key, value in obj.items()}}
    raise TypeError(f"cannot serialise {type(obj).__name__} for a chart cache key")


# --------------------------------------------------------------------------- helpers


def _as_tuple(instance, *names: str) -> None:
    """Store list arguments as tuples, so the frozen object is hashable and truly frozen."""
    for name in names:
        value = getattr(instance, name)
        if not isinstance(value, tuple):
            object.__setattr__(instance, name, tuple(value))


def _check_number(value, what: str, *, optional: bool = True) -> None:
    """Refuse floats (and other non-numbers): charts take exact Decimal or int values."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(
            f"{what} must be a Decimal or an int, not {type(value).__name__}"
            " (write Decimal(str(x)) for a float)"
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what} must be a finite number, not {value}")


def _check_level(value, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3:
        raise ValueError(f"{what} must be 1 (Lav), 2 (Medium) or 3 (Stor), not {value!r}")


# --------------------------------------------------------------------------- timeline


class PeriodKind(enum.StrEnum):
    """A phase of the programme model or a wave (bølge); values match TimelineKind."""

    PHASE = "phase"
    WAVE = "wave"


@dataclass(frozen=True)
class TimelinePeriod:
    """A phase or wave, dated to the month (inclusive at both ends)."""

    name: str
    kind: PeriodKind
    start: Month
    end: Month

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"{self.name!r} ends ({self.end}) before it starts ({self.start})")

    def covers(self, month: Month) -> bool:
        return self.start <= month <= self.end


@dataclass(frozen=True)
class Milestone:
    """A dated milestone; `forecast` is the expected date when it differs from the plan."""

    label: str
    planned: dt.date
    forecast: dt.date | None = None
    is_reached: bool = False

    @property
    def has_slipped(self) -> bool:
        return self.forecast is not None and self.forecast != self.planned


@dataclass(frozen=True)
class TimelineProject:
    """A project row under its track; a project without dates is shown as "ikke dateret"."""

    code: str
    name: str
    start: Month | None = None
    end: Month | None = None
    milestones: tuple[Milestone, ...] = ()

    def __post_init__(self):
        _as_tuple(self, "milestones")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"project {self.code} ends before it starts")


@dataclass(frozen=True)
class TimelineTrack:
    """A track (spor) and its projects, in the order they are to be shown.

    A group of projects under no track (cross-cutting ones) has no number.
    """

    number: int | None
    name: str
    projects: tuple[TimelineProject, ...] = ()

    def __post_init__(self):
        _as_tuple(self, "projects")


@dataclass(frozen=True)
class TimelineData:
    """The programme's timeline as section 10 of a programme basis draws it.

    `today` is an input, not read from the clock, so the builder stays pure; the caller
    passes the current date (and the cache key changes with it, once a day).
    `start`/`end` widen or narrow the axis; by default it spans everything dated.
    """

    title: str
    today: dt.date
    periods: tuple[TimelinePeriod, ...]
    tracks: tuple[TimelineTrack, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    start: Month | None = None
    end: Month | None = None

    def __post_init__(self):
        _as_tuple(self, "periods", "tracks", "milestones")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("the timeline's end is before its start")


# --------------------------------------------------------------------------- roadmap


@dataclass(frozen=True)
class RoadmapProgramme:
    """One programme on the portfolio's roadmap: its phases and waves, and its current phase."""

    name: str
    periods: tuple[TimelinePeriod, ...] = ()
    current: str | None = None

    def __post_init__(self):
        _as_tuple(self, "periods")


@dataclass(frozen=True)
class RoadmapData:
    """The programmes of the portfolio overview on one time axis, in the page's order."""

    title: str
    today: dt.date
    programmes: tuple[RoadmapProgramme, ...] = ()

    def __post_init__(self):
        _as_tuple(self, "programmes")


# --------------------------------------------------------------------------- risks


@dataclass(frozen=True)
class RiskPoint:
    """A risk on the 3×3 scale: 1 = Lav, 2 = Medium, 3 = Stor (Level.number in the model).

    `previous_*` is the position at the last status report, if known; both or neither.
    """

    code: str
    probability: int
    consequence: int
    previous_probability: int | None = None
    previous_consequence: int | None = None

    def __post_init__(self):
        _check_level(self.probability, f"{self.code}: probability")
        _check_level(self.consequence, f"{self.code}: consequence")
        previous = (self.previous_probability, self.previous_consequence)
        if (previous[0] is None) != (previous[1] is None):
            raise ValueError(f"{self.code}: give both previous levels or neither")
        if previous[0] is not None:
            _check_level(previous[0], f"{self.code}: previous probability")
            _check_level(previous[1], f"{self.code}: previous consequence")

    @property
    def score(self) -> int:
        return self.probability * self.consequence

    @property
    def previous_score(self) -> int | None:
        if self.previous_probability is None or self.previous_consequence is None:
            return None
        return self.previous_probability * self.previous_consequence

    @property
    def has_moved(self) -> bool:
        return self.previous_score is not None and (
            (self.previous_probability, self.previous_consequence)
            != (self.probability, self.consequence)
        )


@dataclass(frozen=True)
class RiskMatrixData:
    """The risks to place in the matrix.

    A moved risk always gets a trend marker (↑ ↓ →) beside its code; `show_moves` also
    draws an arrow from its previous cell, which reads well only when few risks moved.
    """

    title: str
    risks: tuple[RiskPoint, ...]
    show_moves: bool = False

    def __post_init__(self):
        _as_tuple(self, "risks")
        codes = [risk.code for risk in self.risks]
        if len(codes) != len(set(codes)):
            raise ValueError("risk codes must be unique in a matrix")


# --------------------------------------------------------------------------- budget


@dataclass(frozen=True)
class BudgetYear:
    """One year's amounts in mio. kr.; None means no figure, which is not the same as 0."""

    year: int
    baseline: Decimal | int | None = None
    forecast: Decimal | int | None = None
    actual: Decimal | int | None = None
    #: The year's part of the estimate at completion, as the budget defines it
    #: (`portfolio.budgets.figures`); without it the chart takes the actual, else the forecast.
    estimate: Decimal | int | None = None

    def __post_init__(self):
        for name in ("baseline", "forecast", "actual", "estimate"):
            value = getattr(self, name)
            _check_number(value, f"{self.year} {name}")
            # As in budget_lines: an amount is never negative (a correction is a new figure).
            if value is not None and value < 0:
                raise ValueError(f"{self.year} {name} is negative: {value}")


@dataclass(frozen=True)
class BudgetPanel:
    """One panel of the budget chart: the programme in total, or one track."""

    label: str
    years: tuple[BudgetYear, ...]

    def __post_init__(self):
        _as_tuple(self, "years")
        found = [year.year for year in self.years]
        if found != sorted(set(found)):
            raise ValueError(f"{self.label}: years must be unique and in order")


@dataclass(frozen=True)
class BudgetYearsData:
    """Baseline, forecast and actual per year; several panels are drawn as small multiples.

    Filtering to a track is the caller's choice: pass only that track's panel.
    """

    title: str
    panels: tuple[BudgetPanel, ...]

    def __post_init__(self):
        _as_tuple(self, "panels")
        if not self.panels:
            raise ValueError("a budget chart needs at least one panel")


@dataclass(frozen=True)
class CumulativeSpendData:
    """Per-year amounts to cumulate: planned (baseline) against actual and forecast."""

    title: str
    years: tuple[BudgetYear, ...]

    def __post_init__(self):
        _as_tuple(self, "years")
        found = [year.year for year in self.years]
        if not found:
            raise ValueError("a spend curve needs at least one year")
        if found != sorted(set(found)):
            raise ValueError("years must be unique and in order")


# --------------------------------------------------------------------------- indicators


class ObservationStatus(enum.StrEnum):
    """Whether a period has a value; a suppressed or missing period has none, never 0."""

    VALUE = "value"
    SUPPRESSED = "suppressed"  # held back for confidentiality, e.g. fewer than 5 persons
    MISSING = "missing"


class Direction(enum.StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


@dataclass(frozen=True)
class IndicatorPoint:
    """A measurement for the period starting in `period` (a year is Month(year, 1)).

    `shown_as` is what the source prints instead of a suppressed value, e.g. "<5".
    """

    period: Month
    value: Decimal | int | None = None
    status: ObservationStatus = ObservationStatus.VALUE
    shown_as: str | None = None

    def __post_init__(self):
        _check_number(self.value, f"value for {self.period}")
        if self.status is ObservationStatus.VALUE and self.value is None:
            raise ValueError(f"{self.period}: a value is required unless it is suppressed/missing")
        if self.status is not ObservationStatus.VALUE and self.value is not None:
            # The source's stand-in for a hidden value must never reach the chart as a number.
            raise ValueError(f"{self.period}: a {self.status.value} period carries no value")


@dataclass(frozen=True)
class IndicatorMark:
    """A reference value at a period: the baseline, the target or a trajectory step."""

    period: Month
    value: Decimal | int

    def __post_init__(self):
        _check_number(self.value, f"reference value for {self.period}", optional=False)


@dataclass(frozen=True)
class IndicatorTrendData:
    """An indicator's measurements against its baseline, target and yearly trajectory."""

    title: str
    unit: str
    direction: Direction
    points: tuple[IndicatorPoint, ...]
    frequency: Frequency = Frequency.YEARLY
    baseline: IndicatorMark | None = None
    target: IndicatorMark | None = None
    trajectory: tuple[IndicatorMark, ...] = ()
    decimals: int = 1
    y_from_zero: bool = True

    def __post_init__(self):
        _as_tuple(self, "points", "trajectory")
        periods = [point.period for point in self.points]
        if periods != sorted(set(periods)):
            raise ValueError("indicator periods must be unique and in order")
        if not 0 <= self.decimals <= 4:
            raise ValueError("decimals must be between 0 and 4")


# --------------------------------------------------------------------------- benefit map


@dataclass(frozen=True)
class MapNode:
    """A box in the benefit map: a code ("Spor 1", "1.1", "GH1", "V1") and its text.

    `indent` 1 sets a project in under its track in the first column.
    """

    code: str
    text: str
    indent: int = 0


@dataclass(frozen=True)
class BenefitMapData:
    """Tracks and projects → benefits → vision goals, with the links between them."""

    title: str
    sources: tuple[MapNode, ...]
    benefits: tuple[MapNode, ...]
    goals: tuple[MapNode, ...]
    source_links: tuple[tuple[str, str], ...] = ()  # (track or project code, benefit code)
    goal_links: tuple[tuple[str, str], ...] = ()  # (benefit code, vision goal code)

    def __post_init__(self):
        _as_tuple(self, "sources", "benefits", "goals", "source_links", "goal_links")
        object.__setattr__(self, "source_links", tuple(tuple(x) for x in self.source_links))
        object.__setattr__(self, "goal_links", tuple(tuple(x) for x in self.goal_links))
        for column in (self.sources, self.benefits, self.goals):
            codes = [node.code for node in column]
            if len(codes) != len(set(codes)):
                raise ValueError(f"codes must be unique within a column: {codes}")
        _check_links(self.source_links, self.sources, self.benefits)
        _check_links(self.goal_links, self.benefits, self.goals)


def _check_links(links, left: tuple[MapNode, ...], right: tuple[MapNode, ...]) -> None:
    left_codes = {node.code for node in left}
    right_codes = {node.code for node in right}
    for link in links:
        if len(link) != 2:
            raise ValueError(f"a link is a pair of codes, not {link!r}")
        if link[0] not in left_codes or link[1] not in right_codes:
            raise ValueError(f"link {link[0]} → {link[1]} names a box that is not in the map")
