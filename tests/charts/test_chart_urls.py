"""Chart addresses carry the version of what they draw, so a saved figure shows at once."""

import html as html_lib
import re

import pytest

from portfolio.extensions import db
from portfolio.programmes.services import get_track
from portfolio.risks.services import get_risk
from tests.budgets.test_budget_pages import _rows
from tests.indicators.factories import enter, make_indicator

IMG = re.compile(r'<img[^>]*\bsrc="([^"]+)"[^>]*\balt="([^"]*)"')


def _charts(page: str, path_part: str) -> list[tuple[str, str]]:
    """Return (src, alt) of each <img> whose address contains `path_part`."""
    return [
        (html_lib.unescape(src), html_lib.unescape(alt))
        for src, alt in IMG.findall(page)
        if path_part in src
    ]


def _desc(svg: bytes) -> str:
    return html_lib.unescape(re.search(rb"<desc>(.*?)</desc>", svg, re.S).group(1).decode())


def _save_actuals(client, ddns, amounts: dict[str, str]) -> None:
    rows = _rows(ddns)
    form = {f"cell-{rows[1].id}-{year}": value for year, value in amounts.items()}
    response = client.post("/programmes/ddns/budget/actual/edit", data=form)
    assert response.status_code == 302


def test_saving_actuals_gives_the_budget_charts_new_addresses_and_new_pictures(
    client, login_as, ddns
):
    login_as("secretariat")
    before = dict(_charts(client.get("/programmes/ddns/budget").get_data(as_text=True), "/charts/"))
    assert len(before) == 2
    for src in before:
        assert "?v=" in src
        response = client.get(src)
        assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"

    _save_actuals(client, ddns, {"2023": "2,9", "2024": "7,4"})

    page = client.get("/programmes/ddns/budget").get_data(as_text=True)
    after = _charts(page, "/charts/")
    assert len(after) == 2
    for src, alt in after:
        assert src not in before  # the browser cannot reuse the picture it kept
        svg = client.get(src).get_data()
        # The picture says what the page's alt text says: both come from the saved figures.
        assert _desc(svg) == alt
    years = next(alt for src, alt in after if "budget-years" in src)
    assert "7,4" in years
    assert "7,4" in client.get(next(s for s, _ in after if "budget-years" in s)).get_data(
        as_text=True
    )
    # An address from the page before the save shows the new picture, and is not kept.
    stale = client.get(next(s for s in before if "budget-years" in s))
    assert _desc(stale.get_data()) == years
    assert stale.headers["Cache-Control"] == "private, no-cache"


def test_an_unversioned_chart_is_revalidated_by_its_etag(client, login_as, ddns):
    login_as("secretariat")
    url = "/programmes/ddns/charts/cumulative-spend.svg"
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "private, no-cache"
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""

    _save_actuals(client, ddns, {"2023": "3,1"})

    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "3,1" in _desc(changed.get_data())


@pytest.fixture
def indicators(app, ddns):
    """An indicator on track 1 and one on risk R1, each with two yearly values."""
    app.config["TODAY"] = "2026-11-21"
    for subject, code in ((get_track(ddns, 1), "S1.9"), (get_risk(ddns, "R1"), "R1.9")):
        indicator = make_indicator(subject, code, unit="%")
        enter(indicator, (2024, "40"), (2025, "55"))
    db.session.commit()


@pytest.mark.parametrize(
    ("page", "part"),
    [
        ("/programmes/ddns/status", "/status/charts/"),
        ("/programmes/ddns/benefits/map", "/benefits/map.svg"),
        ("/programmes/ddns/tracks/1", "/indicators/S1.9/trend-small.svg"),
        ("/programmes/ddns/risks/R1", "/indicators/R1.9/trend-small.svg"),
    ],
)
def test_every_chart_on_a_page_is_linked_by_its_version(client, login_as, indicators, page, part):
    login_as("secretariat")
    html = client.get(page).get_data(as_text=True)
    charts = _charts(html, part)
    assert charts
    # The site's CSP forbids inline style: the thumbnail is sized by a class.
    assert " style=" not in html
    for src, _alt in charts:
        assert re.search(r"[?&]v=[0-9a-f]{20}$", src)
        response = client.get(src)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
        assert response.headers["ETag"].strip('"') == src.rsplit("v=", 1)[1]


def test_a_new_value_changes_the_trend_address_on_the_track_page(client, login_as, ddns):
    login_as("secretariat")
    indicator = make_indicator(get_track(ddns, 1), "S1.9", unit="%")
    enter(indicator, (2024, "40"))
    db.session.commit()
    ((before, _),) = _charts(client.get("/programmes/ddns/tracks/1").get_data(as_text=True), "S1.9")
    enter(indicator, (2025, "55"))
    db.session.commit()
    ((after, _),) = _charts(client.get("/programmes/ddns/tracks/1").get_data(as_text=True), "S1.9")
    assert after != before
    assert "55" in _desc(client.get(after).get_data())
