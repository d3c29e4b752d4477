"""What every chart promises: well-formed, deterministic, accessible SVG in Danish or English."""

import threading

import matplotlib
import pytest

from portfolio.charts import common
from portfolio.charts.cache import KINDS
from portfolio.core.i18n import format_amount, format_mio, format_number
from tests.charts import samples, svg

ALL_KINDS = sorted(samples.SAMPLES)


def build(kind: str, locale: str = "da", fmt: str = "svg") -> bytes:
    return KINDS[kind].build(samples.SAMPLES[kind](), locale=locale, fmt=fmt)


def test_every_kind_has_a_sample():
    assert set(samples.SAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_the_same_input_gives_the_same_bytes(kind):
    first = build(kind)
    assert first == build(kind)
    svg.parse(first)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_the_svg_names_and_describes_itself_and_carries_no_date(kind):
    drawn = build(kind)
    title, desc = svg.title_and_desc(drawn)
    assert title and len(desc) > 40
    root = svg.parse(drawn)
    # The title comes first, where assistive technology looks for it.
    assert root[0].tag == f"{svg.NS}title"
    assert root.attrib["role"] == "img"
    assert b"<dc:date>" not in drawn


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_english_gives_english_fixed_words(kind):
    danish, english = build(kind, "da"), build(kind, "en")
    assert danish != english
    # The description is written from fixed words (an indicator's title is the caller's).
    assert svg.title_and_desc(english)[1] != svg.title_and_desc(danish)[1]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_text_stays_text_in_dejavu_sans(kind):
    drawn = build(kind)
    assert svg.labels(drawn), "texts drawn as outlines cannot be read aloud or searched"
    assert b"font-family: 'DejaVu Sans', sans-serif" in drawn


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_the_svg_stays_small_enough_to_cache_and_inline(kind):
    # A dense hatch (dots) once made the budget chart 300 kB; each chart is far below this.
    assert len(build(kind)) < 100_000


def test_png_is_offered_for_print_and_is_deterministic():
    first = build("risk_matrix", fmt="png")
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert first == build("risk_matrix", fmt="png")


def test_unknown_locale_and_format_are_refused():
    with pytest.raises(ValueError, match="da, en"):
        build("risk_matrix", locale="de")
    with pytest.raises(ValueError, match="format"):
        build("risk_matrix", fmt="pdf")


def test_rendering_leaves_matplotlibs_global_settings_alone():
    before = dict(matplotlib.rcParams)
    build("timeline")
    assert dict(matplotlib.rcParams) == before


def test_charts_drawn_in_parallel_threads_are_identical():
    expected = build("budget_years")
    results: list[bytes] = []

    def work():
        results.append(build("budget_years"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def test_numbers_are_written_the_danish_way():
    assert format_number(1234.5, 1, "da") == "1.234,5"
    assert format_amount(2.9, "da") == "2,9"
    assert format_mio(19.3, "da") == "19,3 mio. kr."
    assert format_mio(19.3, "en") == "DKK 19.3m"
    assert common.signed_mio(-2.3, "da") == "−2,3 mio. kr."
    assert common.axis_formatter("da")(2.5, 0) == "2,5"
    assert common.axis_formatter("da")(-5.0, 0) == "−5"


def test_add_svg_title_escapes_text():
    out = common.add_svg_title(b'<svg x="1"><g/></svg>', "R&D <risiko>", 'siger "nej"')
    root = svg.parse(out.replace(b"<svg ", b'<svg xmlns="http://www.w3.org/2000/svg" ', 1))
    assert root.attrib["aria-label"] == "R&D <risiko>"
    assert svg.title_and_desc(
        out.replace(b"<svg ", b'<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    ) == ("R&D <risiko>", 'siger "nej"')
