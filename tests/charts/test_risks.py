"""The 3×3 risk matrix."""

import dataclasses

from portfolio.charts.data import RiskMatrixData, RiskPoint
from portfolio.charts.risks import (
    HEIGHT,
    MATRIX_AREA,
    WIDTH,
    build_risk_matrix,
    describe_risk_matrix,
    place_risks,
    trend_of,
)
from tests.charts import samples, svg


def cell_of(drawn: bytes, text: str) -> tuple[int, int]:
    """Return the (probability, consequence) cell in which `text` is drawn."""
    [found] = [p for p in svg.placed(drawn) if p.text == text]
    return cell_at(drawn, found)


def cell_at(drawn: bytes, found: svg.Placed) -> tuple[int, int]:
    """Map a text's anchor from SVG points back to the matrix' (probability, consequence)."""
    width, height = svg.size(drawn)
    assert (width, height) == (WIDTH * 72, HEIGHT * 72)
    left, bottom, area_width, area_height = MATRIX_AREA
    consequence = 0.5 + (found.x / width - left) / area_width * 3
    probability = 0.5 + ((1 - found.y / height) - bottom) / area_height * 3
    return round(probability), round(consequence)


def test_the_basis_risks_sit_in_their_cells():
    cells = place_risks(samples.ddns_risks())
    assert cells[(3, 1)] == ["R1"]  # Stor sandsynlighed, Lav konsekvens
    assert cells[(2, 3)] == ["R2", "R3", "R4"]  # Medium sandsynlighed, Stor konsekvens
    assert sum(len(codes) for codes in cells.values()) == 4


def test_the_drawn_codes_land_in_those_cells():
    drawn = build_risk_matrix(samples.ddns_risks())
    assert cell_of(drawn, "R1") == (3, 1)
    for code in ("R2", "R3", "R4"):
        assert cell_of(drawn, code) == (2, 3)


def test_every_cell_prints_its_score():
    drawn = build_risk_matrix(samples.ddns_risks())
    found = sorted((cell_at(drawn, p), p.text) for p in svg.placed(drawn) if p.text.isdigit())
    expected = sorted(((p, c), str(p * c)) for p in (1, 2, 3) for c in (1, 2, 3))
    assert found == expected


def test_axes_and_levels_are_labelled():
    labels = svg.labels(build_risk_matrix(samples.ddns_risks()))
    assert {"Sandsynlighed", "Konsekvens", "Lav", "Medium", "Stor", "Risikomatrix: DDNS"} <= set(
        labels
    )
    english = svg.labels(build_risk_matrix(samples.ddns_risks(), locale="en"))
    assert {"Probability", "Consequence", "Low", "Medium", "High"} <= set(english)
    assert "Stor" not in english


def test_trend_markers_compare_scores():
    risks = {r.code: r for r in samples.ddns_risks(with_history=True).risks}
    assert trend_of(risks["R1"]) == "↓"  # 3×2 → 3×1
    assert trend_of(risks["R2"]) == "↑"  # 1×3 → 2×3
    assert trend_of(risks["R3"]) == ""  # did not move
    assert trend_of(risks["R4"]) == "→"  # 3×2 → 2×3, same score 6
    assert trend_of(risks["R5"]) == ""  # no history
    drawn = build_risk_matrix(samples.ddns_risks(with_history=True))
    assert cell_of(drawn, "R4 →") == (2, 3)
    assert cell_of(drawn, "R1 ↓") == (3, 1)
    assert any("↑ højere score end sidst" in label for label in svg.labels(drawn))


def test_arrows_from_the_previous_cell_only_when_asked():
    data = samples.ddns_risks(with_history=True)
    plain = svg.labels(build_risk_matrix(data))
    assert not any("Pil:" in label for label in plain)
    moved = build_risk_matrix(dataclasses.replace(data, show_moves=True))
    labels = svg.labels(moved)
    assert any("Pil: fra forrige placering" in label for label in labels)
    # The old positions are named: R1 and R4 left the cell Stor × Medium.
    assert cell_of(moved, "R1") == (3, 2)
    assert cell_of(moved, "R4") == (3, 2)


def test_many_codes_in_one_cell_wrap_and_stay_inside_it():
    codes = [f"R{n}" for n in range(1, 12)]
    data = RiskMatrixData("Mange", tuple(RiskPoint(code, 2, 2) for code in codes))
    drawn = build_risk_matrix(data)
    positions = [(p.x, p.y) for p in svg.placed(drawn) if p.text in codes]
    assert len(positions) == len(set(positions)) == 11
    assert len({y for _x, y in positions}) == 3  # three lines of up to four
    for code in codes:
        assert cell_of(drawn, code) == (2, 2)


def test_an_empty_matrix_says_so():
    labels = svg.labels(build_risk_matrix(RiskMatrixData("DDNS", ())))
    assert "Ingen risici" in labels


def test_the_text_alternative_lists_the_worst_cell_first():
    text = describe_risk_matrix(samples.ddns_risks())
    assert text == (
        "Risikomatrix for DDNS med 4 risici. "
        "medium sandsynlighed, stor konsekvens (score 6): R2, R3, R4; "
        "stor sandsynlighed, lav konsekvens (score 3): R1."
    )
