"""The programme timeline (section 10 of the programme basis as a Gantt chart)."""

import datetime as dt
import math

from portfolio.charts import common
from portfolio.charts.data import Milestone, PeriodKind, TimelineData, TimelinePeriod
from portfolio.charts.timeline import (
    RowKind,
    axis_range,
    bar_extent,
    build_timeline,
    current_phases,
    layout_rows,
)
from portfolio.core.months import Month
from tests.charts import samples, svg


def test_rows_follow_the_basis_phases_then_waves_then_tracks_with_projects():
    rows = layout_rows(samples.ddns_timeline())
    assert [(r.kind, r.label) for r in rows[:9]] == [
        (RowKind.HEADER, "Faser"),
        (RowKind.PHASE, "Identificering af program"),
        (RowKind.PHASE, "Præcisering af program"),
        (RowKind.PHASE, "Ledelse af programbølger"),
        (RowKind.PHASE, "Lukning af program"),
        (RowKind.HEADER, "Bølger"),
        (RowKind.WAVE, "Bølge 1 – indberetning og anvendelse"),
        (RowKind.WAVE, "Bølge 2 – datakvalitet"),
        (RowKind.WAVE, "Bølge 3 – flere data"),
    ]
    assert [(r.kind, r.label) for r in rows[9:11]] == [
        (RowKind.TRACK, "Spor 1: Nationalt datagrundlag for kommuner"),
        (
            RowKind.PROJECT,
            "1.1 Etablering af nationalt register med kommunale sundheds- og socialdata",
        ),
    ]
    assert rows[-1].kind is RowKind.TRACK and rows[-1].label.startswith("Spor 4:")


def test_projects_without_dates_are_rows_that_say_so():
    projects = [r for r in layout_rows(samples.ddns_timeline()) if r.kind is RowKind.PROJECT]
    assert len(projects) == 7
    assert all(not r.has_bar and r.note == "ikke dateret" for r in projects)
    labels = svg.labels(build_timeline(samples.ddns_timeline()))
    assert labels.count("ikke dateret") == 7


def test_a_project_dated_only_by_its_start_says_what_is_missing():
    rows = {r.label[:3]: r for r in layout_rows(samples.dated_timeline())}
    assert rows["3.1"].note == "start sep. 2024, slut ikke dateret"
    assert rows["1.1"].has_bar and rows["1.1"].note is None
    english = {r.label[:3]: r for r in layout_rows(samples.dated_timeline(), "en")}
    assert english["3.1"].note == "starts Sep 2024, end not dated"
    assert english["1.3"].note == "not dated"


def test_bars_span_whole_months():
    first, last = axis_range(samples.ddns_timeline())
    assert (first, last) == (Month(2022, 11), Month(2027, 1))
    # "Lukning af program" Nov 2026–Jan 2027: from 1 Nov 2026 to 31 Jan 2027, the axis' end.
    assert bar_extent(first, Month(2026, 11), Month(2027, 1)) == (48, 3)
    assert sum(bar_extent(first, Month(2026, 11), Month(2027, 1))) == first.months_until(last) + 1
    # A one-month period is one month wide, not zero.
    assert bar_extent(first, Month(2023, 4), Month(2023, 4)) == (5, 1)


def test_today_is_placed_within_its_month():
    first = Month(2022, 11)
    assert math.isclose(common.day_position(first, dt.date(2025, 11, 21)), 36 + 20 / 30)
    assert common.day_position(first, dt.date(2022, 11, 1)) == 0


def test_the_current_phase_follows_today():
    def names(day):
        return [p.name for p in current_phases(samples.ddns_timeline(day))]

    assert names(dt.date(2025, 11, 21)) == ["Ledelse af programbølger"]
    assert names(dt.date(2023, 3, 15)) == ["Præcisering af program"]
    assert names(dt.date(2026, 11, 10)) == ["Lukning af program"]
    assert names(dt.date(2027, 6, 1)) == []
    rows = layout_rows(samples.ddns_timeline(dt.date(2025, 11, 21)))
    assert [r.label for r in rows if r.is_current] == ["Ledelse af programbølger"]


def test_the_chart_names_today_and_the_current_phase():
    labels = svg.labels(build_timeline(samples.ddns_timeline()))
    assert "I dag 21. nov. 2025" in labels
    assert "Lukning af program" in labels
    assert "Aktuel fase: Ledelse af programbølger   ·   I dag: 21. november 2025" in labels
    assert "feb. 2023 – nov. 2026  ◀ aktuel" in labels
    assert "Tidsplan: DDNS" in labels
    for year in ("2023", "2024", "2025", "2026"):
        assert year in labels


def test_the_chart_speaks_english_when_asked():
    labels = svg.labels(build_timeline(samples.ddns_timeline(), locale="en"))
    assert "Today 21 Nov 2025" in labels
    assert "Current phase: Ledelse af programbølger   ·   Today: 21 November 2025" in labels
    assert labels.count("not dated") == 7
    assert {"Phases", "Waves", "Phase", "Wave"} <= set(labels)
    assert "I dag" not in " ".join(labels)


def test_phases_and_waves_are_told_apart_by_pattern_in_the_legend():
    drawn = build_timeline(samples.ddns_timeline())
    labels = svg.labels(drawn)
    assert {"Fase", "Bølge", "I dag"} <= set(labels)
    assert b"<pattern" in drawn  # the waves' hatching


def test_milestones_show_their_slip():
    drawn = build_timeline(samples.dated_timeline())
    labels = svg.labels(drawn)
    assert "1. mar. 2024 → 1. sep. 2024" in labels
    assert "18. jan. 2023 ✓" in labels
    assert "Bekendtgørelse for almen praksis" in labels
    assert {"Milepæl (plan)", "Prognose (forskudt)"} <= set(labels)
    assert "Hjemmel" in labels and "Drift ✓" in labels


def test_no_slip_legend_when_nothing_slipped():
    data = TimelineData(
        "X",
        dt.date(2024, 1, 10),
        (TimelinePeriod("Fase", PeriodKind.PHASE, Month(2024, 1), Month(2024, 6)),),
        milestones=(Milestone("Start", dt.date(2024, 2, 1), forecast=dt.date(2024, 2, 1)),),
    )
    labels = svg.labels(build_timeline(data))
    assert "Milepæl (plan)" in labels
    assert "Prognose (forskudt)" not in labels


def test_today_off_the_chart_is_said_not_drawn():
    labels = svg.labels(build_timeline(samples.ddns_timeline(dt.date(2030, 5, 1))))
    assert "I dag (1. maj 2030) ligger uden for tidslinjen" in labels
    assert not any(label.startswith("I dag 1. maj") for label in labels)
    assert "Aktuel fase: ingen fase i gang   ·   I dag: 1. maj 2030" in labels


def test_the_axis_can_be_set_by_the_caller():
    data = samples.dated_timeline()
    narrowed = TimelineData(
        data.title,
        data.today,
        data.periods,
        data.tracks,
        data.milestones,
        start=Month(2024, 1),
        end=Month(2025, 12),
    )
    assert axis_range(narrowed) == (Month(2024, 1), Month(2025, 12))
    labels = svg.labels(build_timeline(narrowed))
    assert "2024" in labels and "2023" not in labels
    # A milestone wholly off the axis is left out rather than labelled among the rows.
    assert "18. jan. 2023 ✓" not in labels
    assert "1. mar. 2024 → 1. sep. 2024" in labels


def test_an_empty_timeline_still_draws():
    data = TimelineData("Tom", dt.date(2025, 1, 1), ())
    svg.parse(build_timeline(data))
