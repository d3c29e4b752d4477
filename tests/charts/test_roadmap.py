"""The portfolio roadmap: programmes' phases and waves on one axis, with today's line."""

import datetime as dt

from portfolio.charts.data import PeriodKind, RoadmapData, RoadmapProgramme, TimelinePeriod
from portfolio.charts.roadmap import build_roadmap, describe_roadmap, pack
from portfolio.core.months import Month


def _period(name, start, end, kind=PeriodKind.PHASE):
    return TimelinePeriod(name, kind, Month.parse(start), Month.parse(end))


DATA = RoadmapData(
    title="",
    today=dt.date(2026, 11, 21),
    programmes=(
        RoadmapProgramme(
            "DDNS",
            (
                _period("Ledelse", "2023-02", "2026-11"),
                _period("Lukning", "2026-11", "2027-01"),
                _period("Bølge 1", "2023-02", "2026-10", PeriodKind.WAVE),
            ),
            current="Lukning",
        ),
        RoadmapProgramme("Uden plan"),
    ),
)


def test_overlapping_periods_get_lanes_of_their_own_and_others_share_one():
    first, second, third = (
        _period("A", "2023-01", "2023-06"),
        _period("B", "2023-06", "2023-12"),  # overlaps A's last month
        _period("C", "2023-07", "2023-09"),  # fits after A
    )
    assert pack([first, second, third]) == [(first, third), (second,)]


def test_the_chart_has_a_title_a_description_and_every_programme():
    svg = build_roadmap(DATA).decode()
    assert "<title>Porteføljens køreplan</title>" in svg
    assert "<desc>Køreplan for porteføljen" in svg
    for text in ("DDNS", "Uden plan", "ingen faser eller bølger", "I dag"):
        assert text in svg
    assert build_roadmap(DATA) == build_roadmap(DATA)  # the same data, the same picture


def test_the_text_alternative_names_the_current_phases_in_either_language():
    assert "Aktuelle faser: DDNS: Lukning." in describe_roadmap(DATA, "da")
    english = describe_roadmap(DATA, "en")
    assert "2 programmes with 2 phases and 1 waves" in english
    assert "Current phases: DDNS: Lukning." in english
