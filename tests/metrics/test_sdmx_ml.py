"""SDMX-ML 2.1: the ECB's, Eurostat's and INSEE's messages in every layout, and hostile XML."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest

from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import Deadline, SourceError, SourceParseError, SourceTimeout
from portfolio.metrics.adapters.sdmx_ml import parse_sdmx_ml
from portfolio.metrics.observations import ObservationStatus as S
from tests.metrics.conftest import Route
from tests.metrics.sdmx_helpers import SDMX, sdmx_files  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("sdmx_files")

ECB_DIMENSIONS = ["FREQ", "CURRENCY", "CURRENCY_DENOM", "EXR_TYPE", "EXR_VAR"]


def raw_observations(path):
    """The (currency, period, value) triples as the file writes them, read with a regex."""
    text = path.read_text(encoding="utf-8")
    if "generic:" in text:
        return None
    return re.findall(r'TIME_PERIOD="([^"]+)" OBS_VALUE="([^"]+)"', text)


def by_cell(observations):
    return {(o.dimensions["CURRENCY"], o.period): o for o in observations}


def fetch(name, **options):
    return get_adapter("sdmx_ml").fetch({"location": str(SDMX / name), **options})


class TestEcbExchangeRates:
    def test_generic_time_series(self):
        result = fetch("ecb_exr_ng_ts_generic.xml")
        cells = by_cell(result.observations)
        assert len(result.observations) == 12
        assert result.status_counts() == {S.OK: 12}
        chf = cells[("CHF", "2010-08")]
        assert (chf.value, chf.status, chf.raw_status) == (Decimal("1.3413"), S.OK, "A")
        assert str(cells[("GBP", "2010-08")].value) == "0.82363"
        assert cells[("JPY", "2010-10")].value == Decimal("113.67")
        # The generic format says what is a dimension: series attributes are none.
        assert list(chf.dimensions) == ECB_DIMENSIONS
        assert {o.period for o in result.observations} == {"2010-08", "2010-09", "2010-10"}

    def test_structure_specific_reads_like_generic_once_unit_measure_is_an_attribute(self):
        generic = fetch("ecb_exr_ng_ts_generic.xml").observations
        specific = fetch("ecb_exr_ng_ts_structure_specific.xml").observations
        # Without the schema UNIT_MEASURE (a dimension at the OECD) is taken as one here.
        assert specific[0].dimensions["UNIT_MEASURE"] == "CHF"
        told = fetch(
            "ecb_exr_ng_ts_structure_specific.xml", attribute_columns="UNIT_MEASURE"
        ).observations
        assert told == generic
        pairs = [(o.period, str(o.value)) for o in told]
        assert pairs == raw_observations(SDMX / "ecb_exr_ng_ts_structure_specific.xml")

    @pytest.mark.parametrize(
        "name",
        [
            "ecb_exr_ng_xs_generic.xml",
            "ecb_exr_ng_xs_structure_specific.xml",
            "ecb_exr_ng_flat_generic.xml",
            "ecb_exr_ng_flat_structure_specific.xml",
            "ecb_exr_rg_ts_groups_structure_specific.xml",
        ],
    )
    def test_cross_sections_flat_messages_and_groups_hold_the_same_cells(self, name):
        expected = {
            key: (o.value, o.status)
            for key, o in by_cell(fetch("ecb_exr_ng_ts_generic.xml").observations).items()
        }
        observations = fetch(name, attribute_columns="UNIT_MEASURE").observations
        assert {key: (o.value, o.status) for key, o in by_cell(observations).items()} == expected
        assert all(set(o.dimensions) == set(ECB_DIMENSIONS) for o in observations)


def test_eurostat_structure_specific():
    (first, *_rest, last) = fetch("estat_nama_10_gdp_structure_specific.xml").observations
    assert first.dimensions == {"geo": "LU", "na_item": "B1GQ", "unit": "CP_MEUR", "freq": "A"}
    assert (first.period, first.value, first.status, first.raw_status) == (
        "2012",
        Decimal("46526.2"),
        S.OK,
        None,
    )
    assert (last.period, last.value) == ("2015", Decimal("54142.3"))


def test_insee_generic_message():
    result = fetch("insee_ipi_2010_a21_generic.xml")
    text = (SDMX / "insee_ipi_2010_a21_generic.xml").read_text(encoding="utf-8")
    assert len(result.observations) == text.count("<generic:Obs>") == 3230
    assert result.status_counts() == {S.OK: 3230}
    values = re.findall(r'<generic:ObsValue value="([^"]+)"', text)
    assert [str(o.value) for o in result.observations] == values


STATUS_MESSAGE = b"""<?xml version="1.0" encoding="UTF-8"?>
<message:StructureSpecificData
  xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
  xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific">
<message:Header><message:ID>X</message:ID>
<message:Structure structureID="S" dimensionAtObservation="TIME_PERIOD"/></message:Header>
<message:DataSet ss:structureRef="S">
<Series FREQ="A" geo="DK" TITLE="Denmark">
<Obs TIME_PERIOD="2020" OBS_VALUE="1.50" OBS_STATUS="P"/>
<Obs TIME_PERIOD="2021" OBS_STATUS="M"/>
<Obs TIME_PERIOD="2022" OBS_VALUE="7" OBS_STATUS="A" OBS_CONF="C"/>
<Obs TIME_PERIOD="2023" OBS_VALUE="NaN"/>
<Obs TIME_PERIOD="2024" OBS_VALUE="2" OBS_FLAG="bp"/>
<Obs TIME_PERIOD="2025" OBS_VALUE="0"/>
</Series>
</message:DataSet>
</message:StructureSpecificData>
"""


def test_statuses_confidentiality_and_missing_cells():
    observations = parse_sdmx_ml(STATUS_MESSAGE).observations
    assert [(o.period, o.value, o.status, o.raw_status) for o in observations] == [
        ("2020", Decimal("1.50"), S.PROVISIONAL, "P"),
        ("2021", None, S.MISSING, "M"),
        ("2022", None, S.SUPPRESSED, "C"),  # confidential: the 7 is never shown
        ("2023", None, S.MISSING, None),
        ("2024", Decimal("2"), S.BREAK, "bp"),
        ("2025", Decimal("0"), S.OK, None),  # a real zero stays a zero
    ]
    assert observations[0].dimensions == {"FREQ": "A", "geo": "DK"}


def test_a_deleted_data_set_is_skipped_with_a_note():
    message = STATUS_MESSAGE.replace(
        b'ss:structureRef="S"', b'ss:structureRef="S" ss:action="Delete"'
    )
    parsed = parse_sdmx_ml(message)
    assert parsed.observations == []
    assert any("sletning" in note for note in parsed.notes)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            b'<GenericData a="&lol2;"/>',
            "DOCTYPE",
        ),
        (
            b'<?xml version="1.0"?>\n<!-- x -->\n<!DOCTYPE a [<!ENTITY x SYSTEM '
            b'"file:///etc/passwd">]><GenericData><DataSet>&x;</DataSet></GenericData>',
            "DOCTYPE",
        ),
        (
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a SYSTEM "http://example.org/a.dtd">'
            "<GenericData/>".encode("utf-16"),
            "DOCTYPE",
        ),
        (b"<html><body>Not found</body></html>", "ikke en SDMX-ML-datameddelelse"),
        (b"<GenericData><DataSet><Series>", "ikke gyldig XML"),
        (b"", "ikke gyldig XML"),
    ],
    ids=["billion-laughs", "external-entity", "utf16-external-dtd", "html", "truncated", "empty"],
)
def test_hostile_and_broken_documents_are_refused(content, message):
    with pytest.raises(SourceParseError, match=message) as caught:
        parse_sdmx_ml(content)
    assert "passwd" not in caught.value.message and "lol" not in caught.value.message


def test_an_sdmx_error_message_names_its_code_only():
    content = (
        b'<message:Error xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"'
        b' xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">'
        b'<message:ErrorMessage code="100"><common:Text>No results found for secret-key'
        b"</common:Text></message:ErrorMessage></message:Error>"
    )
    with pytest.raises(SourceParseError, match=r"kode 100") as caught:
        parse_sdmx_ml(content)
    assert "secret" not in caught.value.message


def test_a_value_that_is_no_number_is_refused_without_repeating_it():
    content = STATUS_MESSAGE.replace(b'OBS_VALUE="1.50"', b'OBS_VALUE="hemmelig"')
    with pytest.raises(SourceParseError, match="ikke et tal") as caught:
        parse_sdmx_ml(content)
    assert "hemmelig" not in caught.value.message


def test_no_period_asks_for_time_dimension():
    with pytest.raises(SourceParseError, match="time_dimension"):
        parse_sdmx_ml(STATUS_MESSAGE, time_dimension="TIME")


def test_over_http_and_the_size_limit(http_server):
    body = (SDMX / "insee_ipi_2010_a21_generic.xml").read_bytes()
    http_server.routes["/insee.xml"] = Route(body=body, content_type="application/xml")
    url = f"{http_server.url}/insee.xml"
    assert len(get_adapter("sdmx_ml").fetch({"location": url}).observations) == 3230
    padding = b"<!--" + b"x" * (1024 * 1024) + b"-->"
    http_server.routes["/big.xml"] = Route(body=STATUS_MESSAGE.replace(b"</Series>", padding))
    with pytest.raises(SourceError, match="større end grænsen på 1 MB"):
        get_adapter("sdmx_ml").fetch({"location": f"{http_server.url}/big.xml", "max_megabytes": 1})


def test_a_huge_message_stops_at_the_deadline(tmp_path):
    series = "".join(f'<Obs TIME_PERIOD="{n}" OBS_VALUE="{n}"/>' for n in range(20_000))
    content = (
        STATUS_MESSAGE.split(b"<Series")[0]
        + (
            f'<Series FREQ="A">{series}</Series></message:DataSet></message:StructureSpecificData>'
        ).encode()
    )
    deadline = Deadline(0.001)
    time.sleep(0.01)
    with pytest.raises(SourceTimeout):
        parse_sdmx_ml(content, deadline=deadline)


GENERIC_MESSAGE = b"""<?xml version="1.0" encoding="UTF-8"?>
<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
  xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic">
<message:Header><message:ID>X</message:ID>
<message:Structure structureID="S" dimensionAtObservation="TIME_PERIOD"/></message:Header>
<message:DataSet structureRef="S">
<generic:Series>
<generic:SeriesKey><generic:Value id="REF_AREA" value="DK"/><generic:Value id="TITLE_X" value="t"/>
</generic:SeriesKey>
<generic:Attributes><generic:Value id="UNIT_MEASURE" value="PERS"/></generic:Attributes>
<generic:Obs><generic:ObsDimension value="2021"/>
<generic:Attributes><generic:Value id="OBS_STATUS" value="M"/></generic:Attributes></generic:Obs>
<generic:Obs><generic:ObsDimension value="2022"/><generic:ObsValue value="3"/>
<generic:Attributes><generic:Value id="CONF_STATUS" value="C"/></generic:Attributes></generic:Obs>
<generic:Obs><generic:ObsDimension value="2023"/><generic:ObsValue value="1.10"/></generic:Obs>
</generic:Series>
</message:DataSet>
</message:GenericData>
"""


def test_generic_missing_and_confidential_cells_and_exact_dimensions():
    observations = parse_sdmx_ml(GENERIC_MESSAGE).observations
    assert [(o.period, o.value, o.status, o.raw_status) for o in observations] == [
        ("2021", None, S.MISSING, "M"),
        ("2022", None, S.SUPPRESSED, "C"),
        ("2023", Decimal("1.10"), S.OK, None),
    ]
    # The series key decides: an unknown id in it is a dimension, an attribute never is.
    assert observations[0].dimensions == {"REF_AREA": "DK", "TITLE_X": "t"}
    assert str(observations[2].value) == "1.10"
