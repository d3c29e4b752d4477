"""Values typed in by a person, with a note on where they come from."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import SourceConfigError
from portfolio.metrics.observations import ObservationStatus as S


def test_entries_become_observations_with_notes():
    adapter = get_adapter("manual")
    result = adapter.fetch(
        {
            "source_note": "Årsrapport 2024, side 12",
            "unit": "antal",
            "entries": [
                {"period": "2023", "value": "1.234,5".replace(".", ""), "note": "foreløbigt"},
                {"period": "2024", "value": 17},
                {"period": "2025"},
                {"period": "2022", "value": "0.30", "status": "estimated"},
            ],
        }
    )
    assert [(o.period, o.value, o.status) for o in result.observations] == [
        ("2023", Decimal("1234.5"), S.OK),
        ("2024", Decimal("17"), S.OK),
        ("2025", None, S.MISSING),
        ("2022", Decimal("0.30"), S.ESTIMATED),
    ]
    assert str(result.observations[3].value) == "0.30"
    assert result.unit == "antal"
    assert result.notes == ["Kilde: Årsrapport 2024, side 12", "2023: foreløbigt"]


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([{"period": "2023", "value": "mange"}], "'mange' er ikke et tal"),
        ([{"period": "2023", "value": "NaN"}], "ikke et tal"),
        ([{"period": "2023", "value": True}], "skal være et tal"),
        ([{"period": "2023", "value": 1}, {"period": "2023", "value": 2}], "to gange"),
        ([{"period": "2023", "value": 3, "status": "suppressed"}], "må ikke have et tal"),
        ([{"period": "", "value": 3}], "period"),
    ],
)
def test_invalid_entries(entries, message):
    with pytest.raises(SourceConfigError, match=message):
        get_adapter("manual").fetch({"source_note": "x", "entries": entries})


def test_a_source_note_is_required():
    check = get_adapter("manual").test_connection({"entries": []})
    assert not check.ok
    assert "source_note: skal udfyldes" in check.message
