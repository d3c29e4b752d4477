"""The portfolio at a glance: lights, money and next dates per programme, filtered and sorted."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import sqlalchemy as sa
from openpyxl import load_workbook

from portfolio.auth import services as auth_services
from portfolio.auth.models import Role
from portfolio.budgets import services as budget_services
from portfolio.budgets.models import BudgetKind
from portfolio.core.i18n import format_mio
from portfolio.core.pagecache import fragments
from portfolio.extensions import db
from portfolio.programmes.models import Programme
from portfolio.seed.synthetic import generate
from portfolio.status.portfolio import row_cache
from portfolio.status.services import load_status_data
from portfolio.status.snapshot import build_snapshot
from tests.conftest import PASSWORD, count_queries, sign_in

TODAY = "2026-11-21"


def _body_rows(html: str) -> list[str]:
    """The slugs of the overview table's rows, in order (none without a table)."""
    if 'id="portefolje"' not in html:
        return []
    table = html.split('id="portefolje"')[1].split("</tbody>")[0]
    return re.findall(r'<th scope="row"><a href="/programmes/([a-z0-9-]+)">', table)


def _row_html(html: str, slug: str) -> str:
    table = html.split('id="portefolje"')[1].split("</tbody>")[0]
    return table.split(f'href="/programmes/{slug}"')[1].split("</tr>")[0]


def _forecast(ddns, users, amount: str) -> None:
    rows = budget_services.budget_rows(ddns.id)
    values = {(rows[0].id, "2026"): Decimal(amount)}
    budget_services.set_amounts(users.make("secretariat"), ddns, BudgetKind.FORECAST, values)
    db.session.commit()


def test_the_overview_shows_the_status_pages_lights_and_the_budget_pages_money(
    app, client, login_as, ddns, users
):
    """One quantity, one value: the page, the API and the workbook show what the status
    and budget pages compute."""
    app.config["TODAY"] = TODAY
    _forecast(ddns, users, "9.5")
    login_as("admin")
    html = client.get("/").text
    ddns = db.session.get(Programme, ddns.id)
    snapshot = build_snapshot(load_status_data(ddns), dt.date(2026, 11, 21))
    overview = budget_services.budget_overview(ddns)
    row = _row_html(html, "ddns")
    assert snapshot["overall_rollup"]["label"] in row
    for key in ("schedule", "cost", "risks", "benefits", "scope"):
        colour = snapshot["lights"][key]["light"]["colour"]
        assert f"light--small light--{colour}" in row, key
    cost = overview.programme_cost
    assert cost.overrun > 0  # the forecast made an overrun
    for figure in (cost.baseline_total, overview.estimate_total, cost.overrun):
        assert format_mio(figure, "da") in row

    api = client.get("/api/v1/programmes").json["items"]
    item = next(i for i in api if i["slug"] == "ddns")
    assert item["overall_light"] == snapshot["overall"]
    assert item["lights"] == {k: v["light"]["colour"] for k, v in snapshot["lights"].items()}
    assert Decimal(item["budget"]["approved"]) == cost.baseline_total
    assert Decimal(item["budget"]["estimate_at_completion"]) == overview.estimate_total
    assert Decimal(item["budget"]["variance"]) == cost.overrun

    # The workbook's per-year totals are the page's.
    content = client.get("/portfolio/budgets.xlsx").data
    sheet = load_workbook(io.BytesIO(content), data_only=True)["Pr. år"]
    years = {r[0]: r for r in sheet.iter_rows(min_row=5, values_only=True) if r and r[0]}
    section = html.split('id="aar"')[1].split("</section>")[0]
    for year in overview.years:
        baseline = overview.column("baseline", year)
        assert round(Decimal(str(years[year][1])), 3) == baseline
        assert f'<th scope="row">{year}</th><td class="num">{format_mio(baseline, "da")}' in (
            section
        )
    assert round(Decimal(str(years["2026"][2])), 3) == overview.column("forecast", "2026")
    assert round(Decimal(str(years["2026"][4])), 3) == overview.estimate_column("2026")


def test_filters_and_sorting_come_from_the_query_string(app, client, login_as, ddns, users):
    app.config["TODAY"] = TODAY
    login_as("admin")
    programmes = {p.slug: p for p in db.session.scalars(sa.select(Programme))}
    everything = _body_rows(client.get("/").text)
    assert sorted(everything) == sorted(programmes)

    for status in {p.status.value for p in programmes.values()}:
        shown = _body_rows(client.get(f"/?status={status}").text)
        assert sorted(shown) == sorted(s for s, p in programmes.items() if p.status.value == status)
    owner = ddns.owner_organisation
    shown = _body_rows(client.get("/", query_string={"owner": owner}).text)
    assert sorted(shown) == sorted(
        s for s, p in programmes.items() if p.owner_organisation == owner
    )
    api = {i["slug"]: i["overall_light"] for i in client.get("/api/v1/programmes").json["items"]}
    for colour in ("red", "yellow", "green", "none"):
        shown = _body_rows(client.get(f"/?light={colour}").text)
        assert sorted(shown) == sorted(s for s, c in api.items() if c == colour), colour

    by_name_desc = _body_rows(client.get("/?sort=name&order=desc").text)
    assert by_name_desc == sorted(
        programmes, key=lambda s: programmes[s].name.casefold(), reverse=True
    )
    html = client.get("/?sort=budget&order=desc").text
    assert 'aria-sort="descending"' in html
    assert "(sorteret faldende)" in html
    # DDNS has an approved budget, the other programme none: it comes first either way.
    assert _body_rows(html)[0] == "ddns"
    assert _body_rows(client.get("/?sort=budget&order=asc").text)[0] == "ddns"


def test_hostile_query_values_are_ignored_with_a_danish_message(client, login_as):
    login_as("admin")
    response = client.get(
        "/",
        query_string={
            "status": "<script>alert(1)</script>",
            "light": "purple",
            "sort": "id; DROP TABLE programmes",
            "order": "sideways",
            "owner": "\x00" * 5000,
            "page": "-1",
        },
    )
    assert response.status_code == 200
    html = response.text
    assert "Ukendt værdi for status blev ignoreret." in html
    assert "Ukendt værdi for sortering blev ignoreret." in html
    assert "<script>alert(1)</script>" not in html and "DROP TABLE" not in html
    assert len(_body_rows(html)) == 2  # nothing filtered away
    assert client.get("/portfolio/roadmap.svg?sort=%00&light=x").status_code == 200


def test_a_filter_that_matches_nothing_says_so(client, login_as, ddns):
    login_as("admin")
    statuses = {p.status.value for p in db.session.scalars(sa.select(Programme))}
    assert "planned" not in statuses  # a known value neither programme has
    html = client.get("/?status=planned").text
    assert "Ingen programmer matcher de valgte filtre." in html


def test_only_visible_programmes_their_risks_and_benefits_are_shown(client, login_as, ddns):
    login_as("viewer")  # a viewer of DDNS only
    html = client.get("/").text
    assert _body_rows(html) == ["ddns"]
    risks = html.split('id="risici"')[1].split("</section>")[0]
    linked = re.findall(r'href="/programmes/([a-z0-9-]+)/', risks)
    assert linked and set(linked) == {"ddns"}
    api = client.get("/api/v1/programmes").json["items"]
    assert [i["slug"] for i in api] == ["ddns"]


def test_the_roadmap_chart_is_accessible_and_follows_the_page(client, login_as, ddns):
    login_as("admin")
    html = client.get("/").text
    src = re.search(r'<img class="chart" src="(/portfolio/roadmap\.svg[^"]*)" alt="([^"]+)"', html)
    assert src is not None
    assert "Køreplan for" in src.group(2)
    svg = client.get(src.group(1).replace("&amp;", "&"))
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    text = svg.get_data(as_text=True)
    assert "<title>Porteføljens køreplan" in text and "<desc>" in text
    # The text alternative lists every phase and wave of the programmes shown.
    table = html.split("<summary>Køreplanen som tabel</summary>")[1]
    for item in ddns.timeline:
        assert item.name in table


def _draw_count(app, client, url="/") -> int:
    client.get(url)  # warm per-process caches
    with app.app_context():
        fragments().clear()  # count what drawing the page costs, not a cache hit
        row_cache().clear()  # the programmes' figures too
    with count_queries() as n:
        assert client.get(url).status_code == 200
    return n()


def test_the_overviews_queries_do_not_grow_with_the_number_of_programmes(app, client):
    """Two programmes or twenty: the same number of queries to draw the overview."""
    app.config["TODAY"] = TODAY
    generate(18)
    db.session.commit()
    slugs = ("syn-001", "syn-002")
    two = auth_services.create_user("two@example.dk", PASSWORD)
    for slug in slugs:
        programme = db.session.scalar(sa.select(Programme).where(Programme.slug == slug))
        auth_services.grant_role(two, Role.VIEWER, programme=programme)
    everyone = auth_services.create_user("all@example.dk", PASSWORD)
    auth_services.grant_role(everyone, Role.VIEWER)
    db.session.commit()

    sign_in(client, two)
    assert sorted(_body_rows(client.get("/").text)) == list(slugs)
    small = _draw_count(app, client)
    sign_in(client, everyone)
    assert len(_body_rows(client.get("/").text)) == 20
    large = _draw_count(app, client)
    assert small == large, (small, large)
    assert small <= 16, small
    # A filtered, sorted view costs the same.
    assert _draw_count(app, client, "/?sort=variance&order=desc&light=red") == large
