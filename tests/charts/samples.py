"""Chart inputs for the tests, built from DDNS' programme basis (portfolio/seed/ddns.yaml).

Facts from the basis are kept as printed: phases, waves, tracks, projects, risks, the
approved budget per track, benefits GH1–GH6 and the vision goals. What the basis does not
give (project dates, milestones, forecasts, actual spend, indicator values, the links of the
benefit map) is invented here to exercise the charts, and marked as such.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from portfolio.charts.data import (
    BenefitMapData,
    BudgetPanel,
    BudgetYear,
    BudgetYearsData,
    CumulativeSpendData,
    Direction,
    IndicatorMark,
    IndicatorPoint,
    IndicatorTrendData,
    MapNode,
    Milestone,
    ObservationStatus,
    PeriodKind,
    RiskMatrixData,
    RiskPoint,
    RoadmapData,
    RoadmapProgramme,
    TimelineData,
    TimelinePeriod,
    TimelineProject,
    TimelineTrack,
)
from portfolio.core.months import Month
from portfolio.core.periods import Frequency

TODAY = dt.date(2025, 11, 21)

PERIODS = (
    TimelinePeriod("Identificering af program", PeriodKind.PHASE, Month(2022, 11), Month(2023, 1)),
    TimelinePeriod("Præcisering af program", PeriodKind.PHASE, Month(2023, 2), Month(2023, 4)),
    TimelinePeriod("Ledelse af programbølger", PeriodKind.PHASE, Month(2023, 2), Month(2026, 11)),
    TimelinePeriod(
        "Bølge 1 – indberetning og anvendelse", PeriodKind.WAVE, Month(2023, 2), Month(2026, 11)
    ),
    TimelinePeriod("Bølge 2 – datakvalitet", PeriodKind.WAVE, Month(2024, 4), Month(2026, 11)),
    TimelinePeriod("Bølge 3 – flere data", PeriodKind.WAVE, Month(2025, 8), Month(2026, 11)),
    TimelinePeriod("Lukning af program", PeriodKind.PHASE, Month(2026, 11), Month(2027, 1)),
)

TRACK_NAMES = {
    1: "Nationalt datagrundlag for kommuner",
    2: "Nationalt datagrundlag for almen praksis",
    3: "Nationalt datagrundlag for speciallægepraksis",
    4: "Bedre brug af data fra det nære sundhedsvæsen",
}

PROJECTS = {
    1: (
        ("1.1", "Etablering af nationalt register med kommunale sundheds- og socialdata"),
        ("1.2", "Udbygning af nationale kommunale data med forebyggelses- og genoptræningsdata"),
        ("1.3", "Datakvalitetsindsats – kommunale data"),
    ),
    2: (
        ("2.1", "Etablering af nationalt register med data fra almen praksis"),
        ("2.2", "Datakvalitetsindsats – data fra almen praksis"),
    ),
    3: (
        ("3.1", "Etablering af nationalt register med data fra praktiserende speciallæger"),
        ("3.2", "Datakvalitetsindsats – praktiserende speciallæger"),
    ),
    4: (),
}


def ddns_timeline(today: dt.date = TODAY) -> TimelineData:
    """The timeline as the basis has it: the projects carry no dates."""
    tracks = tuple(
        TimelineTrack(
            number, name, tuple(TimelineProject(code, text) for code, text in PROJECTS[number])
        )
        for number, name in TRACK_NAMES.items()
    )
    return TimelineData("DDNS", today, PERIODS, tracks)


# Invented dates and milestones, to exercise bars, slips and partial dating.
_DATES = {
    "1.1": (Month(2023, 2), Month(2024, 6)),
    "1.2": (Month(2024, 1), Month(2025, 12)),
    "2.1": (Month(2023, 6), Month(2026, 3)),
    "3.1": (Month(2024, 9), None),
}
_MILESTONES = {
    "1.1": (Milestone("Drift", dt.date(2024, 6, 1), is_reached=True),),
    "2.1": (Milestone("Hjemmel", dt.date(2024, 7, 1), forecast=dt.date(2025, 2, 15)),),
}


def dated_timeline(today: dt.date = TODAY) -> TimelineData:
    """The DDNS timeline with invented project dates and milestones."""
    tracks = []
    for number, name in TRACK_NAMES.items():
        projects = []
        for code, text in PROJECTS[number]:
            start, end = _DATES.get(code, (None, None))
            projects.append(TimelineProject(code, text, start, end, _MILESTONES.get(code, ())))
        tracks.append(TimelineTrack(number, name, tuple(projects)))
    milestones = (
        Milestone("Programgrundlag godkendt", dt.date(2023, 1, 18), is_reached=True),
        Milestone("Bekendtgørelse for almen praksis", dt.date(2024, 3, 1), dt.date(2024, 9, 1)),
        Milestone("Første udstilling af nye data", dt.date(2026, 3, 1), dt.date(2026, 6, 15)),
    )
    return TimelineData("DDNS", today, PERIODS, tuple(tracks), milestones)


def ddns_risks(with_history: bool = False) -> RiskMatrixData:
    """R1–R4 as the basis rates them (1 Lav, 2 Medium, 3 Stor); history is invented."""
    if not with_history:
        risks = (
            RiskPoint("R1", probability=3, consequence=1),
            RiskPoint("R2", probability=2, consequence=3),
            RiskPoint("R3", probability=2, consequence=3),
            RiskPoint("R4", probability=2, consequence=3),
        )
    else:
        risks = (
            RiskPoint("R1", 3, 1, previous_probability=3, previous_consequence=2),
            RiskPoint("R2", 2, 3, previous_probability=1, previous_consequence=3),
            RiskPoint("R3", 2, 3, previous_probability=2, previous_consequence=3),
            RiskPoint("R4", 2, 3, previous_probability=3, previous_consequence=2),
            RiskPoint("R5", 1, 2),
        )
    return RiskMatrixData("DDNS", risks)


# The approved budget, mio. kr. per track and year, as printed in the basis.
BASELINE = {
    "Spor 1: Nationalt datagrundlag for kommuner": ("2.9", "2.5", "4.3", "3.7"),
    "Spor 2: Nationalt datagrundlag for almen praksis": ("1.5", "3.4", "3.4", "4.2"),
    "Spor 3: Nationalt datagrundlag for speciallægepraksis": ("0.5", "0.9", "4.7", "4.2"),
    "Spor 4: Bedre brug af data fra det nære sundhedsvæsen": ("2.7", "3.1", "4.4", "4.7"),
}
PRINTED_YEAR_TOTALS = ("8.3", "11.3", "19.3", "19.3")  # the basis' "I alt" row
YEARS = (2023, 2024, 2025, 2026)

# Invented: actual spend for 2023–2024, forecasts for 2025–2026.
_ACTUAL = {1: ("2.6", "2.8"), 2: ("1.1", "2.9"), 3: ("0.2", None), 4: ("2.7", "3.3")}
_FORECAST = {1: ("4.6", "3.9"), 2: ("3.6", "4.4"), 3: ("4.1", "4.8"), 4: ("4.4", "4.7")}


def track_panels() -> tuple[BudgetPanel, ...]:
    panels = []
    for number, (label, amounts) in enumerate(BASELINE.items(), start=1):
        years = []
        for index, year in enumerate(YEARS):
            actual = _ACTUAL[number][index] if index < 2 else None
            forecast = _FORECAST[number][index - 2] if index >= 2 else None
            years.append(
                BudgetYear(
                    year,
                    baseline=D(amounts[index]),
                    forecast=D(forecast) if forecast else None,
                    actual=D(actual) if actual else None,
                )
            )
        panels.append(BudgetPanel(label, tuple(years)))
    return tuple(panels)


def ddns_budget(per_track: bool = False) -> BudgetYearsData:
    if per_track:
        return BudgetYearsData("DDNS", track_panels())
    return BudgetYearsData("DDNS", (BudgetPanel("Programmet i alt", programme_years()),))


def programme_years() -> tuple[BudgetYear, ...]:
    """The printed yearly totals with invented actual spend and forecasts."""
    return (
        BudgetYear(2023, baseline=D("8.3"), actual=D("7.1")),
        BudgetYear(2024, baseline=D("11.3"), forecast=D("10.8"), actual=D("10.2")),
        BudgetYear(2025, baseline=D("19.3"), forecast=D("19.9")),
        BudgetYear(2026, baseline=D("19.3"), forecast=D("21.4")),
    )


def ddns_cumulative() -> CumulativeSpendData:
    return CumulativeSpendData("DDNS", programme_years())


def readmissions_indicator() -> IndicatorTrendData:
    """An invented indicator with a suppressed year, a missing year and a skipped year."""
    return IndicatorTrendData(
        title="Andel kommuner med daglig indberetning",
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        frequency=Frequency.YEARLY,
        points=(
            IndicatorPoint(Month(2019, 1), D("41.5")),
            IndicatorPoint(Month(2020, 1), D("48.0")),
            IndicatorPoint(Month(2021, 1), status=ObservationStatus.SUPPRESSED, shown_as="<5"),
            IndicatorPoint(Month(2022, 1), D("63.2")),
            IndicatorPoint(Month(2023, 1), status=ObservationStatus.MISSING),
            IndicatorPoint(Month(2024, 1), D("71.0")),
            # 2025 is absent altogether: the chart must call it missing, not bridge it.
            IndicatorPoint(Month(2026, 1), D("84.4")),
        ),
        baseline=IndicatorMark(Month(2022, 1), D("63.2")),
        target=IndicatorMark(Month(2026, 1), D("90")),
        trajectory=(
            IndicatorMark(Month(2022, 1), D("63.2")),
            IndicatorMark(Month(2023, 1), D("68")),
            IndicatorMark(Month(2024, 1), D("75")),
            IndicatorMark(Month(2025, 1), D("82")),
            IndicatorMark(Month(2026, 1), D("90")),
        ),
    )


BENEFITS = (
    ("GH1", "Mere sammenhængende patientforløb"),
    ("GH2", "Kvalitetsudvikling"),
    ("GH3", "Planlægning og styring"),
    ("GH4", "Forebyggelse"),
    ("GH5", "Gennemsigtighed"),
    ("GH6", "Udvikling, læring og forskning"),
)
VISION_GOALS = (
    "Planlægning og styring",
    "Forebyggelse",
    "Sammenhæng og gennemsigtighed",
    "Udvikling, læring og forskning",
)


def ddns_benefit_map() -> BenefitMapData:
    """Boxes from the basis; the links are invented (the basis draws none)."""
    sources = []
    for number, name in TRACK_NAMES.items():
        sources.append(MapNode(f"Spor {number}", name))
        sources += [MapNode(code, text, indent=1) for code, text in PROJECTS[number]]
    return BenefitMapData(
        title="DDNS",
        sources=tuple(sources),
        benefits=tuple(MapNode(code, name) for code, name in BENEFITS),
        goals=tuple(MapNode(f"V{i}", text) for i, text in enumerate(VISION_GOALS, start=1)),
        source_links=(
            ("Spor 1", "GH1"),
            ("1.1", "GH3"),
            ("1.2", "GH4"),
            ("1.3", "GH2"),
            ("Spor 2", "GH2"),
            ("2.1", "GH1"),
            ("2.2", "GH2"),
            ("Spor 3", "GH2"),
            ("3.1", "GH1"),
            ("3.2", "GH2"),
            ("Spor 4", "GH5"),
            ("Spor 4", "GH6"),
            ("Spor 4", "GH3"),
        ),
        goal_links=(
            ("GH1", "V3"),
            ("GH2", "V4"),
            ("GH3", "V1"),
            ("GH4", "V2"),
            ("GH5", "V3"),
            ("GH6", "V4"),
        ),
    )


def portfolio_roadmap() -> RoadmapData:
    """DDNS beside two invented programmes (one without phases or waves)."""
    return RoadmapData(
        title="",
        today=TODAY,
        programmes=(
            RoadmapProgramme("DDNS", PERIODS, current="Ledelse af programbølger"),
            RoadmapProgramme(
                "Opfundet program",
                (
                    TimelinePeriod("Analyse", PeriodKind.PHASE, Month(2024, 1), Month(2024, 12)),
                    TimelinePeriod(
                        "Gennemførelse", PeriodKind.PHASE, Month(2025, 1), Month(2027, 6)
                    ),
                ),
                current="Gennemførelse",
            ),
            RoadmapProgramme("Program uden plan"),
        ),
    )


# One input per chart kind, for the tests that run over every kind.
SAMPLES = {
    "timeline": dated_timeline,
    "roadmap": portfolio_roadmap,
    "risk_matrix": lambda: ddns_risks(with_history=True),
    "budget_years": lambda: ddns_budget(per_track=True),
    "cumulative_spend": ddns_cumulative,
    "indicator_trend": readmissions_indicator,
    "indicator_thumbnail": readmissions_indicator,
    "indicator_trend_narrow": readmissions_indicator,
    "benefit_map": ddns_benefit_map,
}
