"""Which phase a programme is in, month by month (DDNS's phases overlap at hand-overs)."""

import pytest

from portfolio.core.months import Month
from portfolio.programmes.services import current_phase


@pytest.mark.parametrize(
    ("month", "phase"),
    [
        (Month(2022, 10), None),
        (Month(2022, 11), "Identificering af program"),
        (Month(2023, 1), "Identificering af program"),
        (Month(2023, 2), "Præcisering af program"),
        (Month(2023, 4), "Præcisering af program"),
        (Month(2023, 5), "Ledelse af programbølger"),
        (Month(2026, 10), "Ledelse af programbølger"),
        (Month(2026, 11), "Lukning af program"),
        (Month(2027, 1), "Lukning af program"),
        (Month(2027, 2), None),
    ],
)
def test_current_phase(ddns, month, phase):
    found = current_phase(ddns.timeline, month)
    assert (found.name if found else None) == phase
