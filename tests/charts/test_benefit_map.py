"""The benefit map (gevinstdiagram): tracks and projects → benefits → vision goals."""

import itertools

from portfolio.charts.benefit_map import (
    BENEFIT,
    GOAL,
    MIN_HEIGHT,
    SOURCE,
    WIDTH,
    build_benefit_map,
    describe_benefit_map,
    layout_benefit_map,
    link_ends,
)
from portfolio.charts.data import BenefitMapData, MapNode
from tests.charts import samples, svg


def _boxes_in(layout, column):
    return sorted((b for b in layout.boxes.values() if b.column == column), key=lambda b: b.y)


def assert_tidy(layout):
    """Every box on the page, columns left to right, no two boxes in a column overlapping."""
    for box in layout.boxes.values():
        assert box.x >= 0 and box.x + box.width <= WIDTH
        assert box.y > 0 and box.y + box.height <= layout.height
    for column in (SOURCE, BENEFIT, GOAL):
        for upper, lower in itertools.pairwise(_boxes_in(layout, column)):
            assert upper.y + upper.height < lower.y
    sources, benefits, goals = (_boxes_in(layout, c) for c in (SOURCE, BENEFIT, GOAL))
    assert max(b.x + b.width for b in sources) < min(b.x for b in benefits)
    assert max(b.x + b.width for b in benefits) < min(b.x for b in goals)


def test_ddns_fits_a4_landscape():
    layout = layout_benefit_map(samples.ddns_benefit_map())
    assert (WIDTH, layout.height) == (11.69, MIN_HEIGHT)
    assert_tidy(layout)
    assert len(layout.boxes) == 11 + 6 + 4


def test_projects_are_set_in_under_their_track():
    layout = layout_benefit_map(samples.ddns_benefit_map())
    track, project = layout.boxes[(SOURCE, "Spor 1")], layout.boxes[(SOURCE, "1.1")]
    assert project.x > track.x and project.y > track.y


def test_every_link_gets_two_ends_on_the_facing_sides():
    data = samples.ddns_benefit_map()
    layout = layout_benefit_map(data)
    points = link_ends(layout)
    assert len(layout.links) == len(data.source_links) + len(data.goal_links)
    for index, (start, end) in enumerate(layout.links):
        out, into = points[(index, "out")], points[(index, "in")]
        assert out[0] == layout.boxes[start].x + layout.boxes[start].width
        assert into[0] == layout.boxes[end].x
        assert layout.boxes[end].y <= into[1] <= layout.boxes[end].y + layout.boxes[end].height


def test_links_into_one_box_fan_out_in_the_order_of_their_sources():
    layout = layout_benefit_map(samples.ddns_benefit_map())
    points = link_ends(layout)
    into_gh2 = [
        (layout.boxes[start].y, points[(index, "in")][1])
        for index, (start, end) in enumerate(layout.links)
        if end == (BENEFIT, "GH2")
    ]
    assert len(into_gh2) == 5
    ends = [y for _source_y, y in sorted(into_gh2)]
    assert ends == sorted(ends) and len(set(ends)) == 5


def test_the_chart_shows_codes_names_and_column_headings():
    labels = svg.labels(build_benefit_map(samples.ddns_benefit_map()))
    assert {"Spor og projekter", "Gevinster", "Vision", "Gevinstdiagram: DDNS"} <= set(labels)
    for code, name in samples.BENEFITS:
        assert code in labels and name in labels
    for goal in samples.VISION_GOALS:
        assert goal in labels
    # Long names are wrapped, not cut: the words are all there.
    assert "Udbygning af nationale kommunale data med forebyggelses- og genoptræningsdata" in labels


def test_english_headings():
    labels = svg.labels(build_benefit_map(samples.ddns_benefit_map(), locale="en"))
    assert {"Tracks and projects", "Benefits", "Vision", "Benefit map: DDNS"} <= set(labels)


def test_a_long_first_column_makes_the_page_taller_but_keeps_it_tidy():
    sources = tuple(
        MapNode(f"{n // 5 + 1}.{n % 5}", "Et projekt med et temmelig langt navn " * 2, n % 5 and 1)
        for n in range(40)
    )
    data = BenefitMapData(
        "Stort program",
        sources,
        (MapNode("GH1", "Gevinst"),),
        (MapNode("V1", "Mål"),),
        tuple((node.code, "GH1") for node in sources),
        (("GH1", "V1"),),
    )
    layout = layout_benefit_map(data)
    assert layout.height > MIN_HEIGHT
    assert_tidy(layout)
    svg.parse(build_benefit_map(data))


def test_the_text_alternative_follows_the_links():
    text = describe_benefit_map(samples.ddns_benefit_map())
    assert text.startswith("Gevinstdiagram: DDNS. GH1 Mere sammenhængende patientforløb")
    assert "GH1 Mere sammenhængende patientforløb skabes af Spor 1, 2.1, 3.1" in text
    assert "og understøtter Sammenhæng og gennemsigtighed." in text


def test_a_programme_without_benefits_gets_an_empty_map_that_says_so():
    data = BenefitMapData(
        "Nyt program",
        (MapNode("Spor 1", "Det eneste spor"),),
        (),
        (MapNode("V1", "Et mål"),),
        (),
        (),
    )
    layout = layout_benefit_map(data)
    assert {box.column for box in layout.boxes.values()} == {SOURCE, GOAL}
    chart = build_benefit_map(data)
    labels = svg.labels(chart)
    assert "Programmet har endnu ingen gevinster." in labels
    assert {"Det eneste spor", "Et mål", "Gevinster"} <= set(labels)
    assert svg.title_and_desc(chart)[1].endswith("Programmet har endnu ingen gevinster.")
    english = svg.labels(build_benefit_map(data, locale="en"))
    assert "The programme has no benefits yet." in english


def test_a_map_with_no_boxes_at_all_is_still_drawn():
    data = BenefitMapData("Tomt", (), (), (), (), ())
    labels = svg.labels(build_benefit_map(data))
    assert {
        "Ingen spor eller projekter.",
        "Programmet har endnu ingen gevinster.",
        "Visionen har ingen mål.",
    } <= set(labels)
