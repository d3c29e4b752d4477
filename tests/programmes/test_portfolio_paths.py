"""Issue 14's two ways in: a second programme set up entirely in the web UI, a third from a
programme file; both then stand on the portfolio overview (and in the API) with their
lights, money and dates, as the status and budget pages compute them."""

from __future__ import annotations

import datetime as dt

import yaml

from portfolio.budgets import services as budget_services
from portfolio.core.i18n import format_day, format_mio
from portfolio.extensions import db
from portfolio.programmes.models import Programme
from portfolio.programmes.services import get_programme
from portfolio.seed.programme_file import export_programme
from portfolio.status.services import load_status_data
from portfolio.status.snapshot import build_snapshot
from tests.programmes import test_setup_web as web
from tests.programmes.test_portfolio_overview import _row_html

TODAY = dt.date(2026, 11, 21)  # the harness's


def _assert_on_the_overview(client, slug: str) -> None:
    """The overview's row and the API's item carry the status page's lights and the budget
    page's money for the programme."""
    html = client.get("/").get_data(as_text=True)
    row = _row_html(html, slug)
    programme = db.session.scalar(db.select(Programme).where(Programme.slug == slug))
    snapshot = build_snapshot(load_status_data(programme), TODAY)
    assert snapshot["overall_rollup"]["label"] in row
    for key, light in snapshot["lights"].items():
        assert f"light--small light--{light['light']['colour']}" in row, key
    overview = budget_services.budget_overview(programme)
    assert overview is not None
    assert format_mio(overview.programme_cost.baseline_total, "da") in row
    assert format_mio(overview.estimate_total, "da") in row
    item = next(i for i in client.get("/api/v1/programmes").json["items"] if i["slug"] == slug)
    assert item["overall_light"] == snapshot["overall"]
    assert item["next_milestone"] is not None
    assert format_day(item["next_milestone"]["date"], "da") in row


def test_a_second_programme_set_up_in_the_web_stands_on_the_overview(client, login_as):
    web.test_a_secretariat_sets_up_a_second_programme_through_the_web(client, login_as)
    programme = get_programme("aeldredata")
    track = programme.tracks[0]
    web._post(
        client,
        "/programmes/aeldredata/projects/new",
        {
            "code": "1.1",
            "name": "Fælles datamodel for hjemmeplejen",
            "track_id": str(track.id),
            "owner": "Jonas Holm",
            "status": "planned",
            "percent_complete": "0",
            "start_month": "2027-01",
            "end_month": "2027-12",
            "description": "",
        },
    )
    web._post(
        client,
        "/programmes/aeldredata/projects/1.1/milestones/new",
        {
            "title": "Datamodellen godkendt",
            "kind": "milestone",
            "track_id": str(track.id),
            "project_id": str(get_programme("aeldredata").projects[0].id),
            "planned_on": "2027-06-30",
            "status": "planned",
            "description": "",
        },
    )
    web._post(
        client,
        "/programmes/aeldredata/benefits/new",
        {
            "name": "Bedre planlægning i hjemmeplejen",
            "description": "Kommunerne planlægger ud fra fælles data.",
            "owner": "Mette Jensen",
            "types": "non_economic",
        },
    )
    web._post(
        client,
        "/programmes/aeldredata/organisation/new",
        {"name": "Programstyregruppen", "kind": "programme_steering_group", "description": ""},
    )
    programme = get_programme("aeldredata")
    assert [p.code for p in programme.projects] == ["1.1"]
    assert str(programme.projects[0].start_month) == "2027-01"
    assert client.get("/programmes/aeldredata/benefits/GH1").status_code == 200
    _assert_on_the_overview(client, "aeldredata")
    html = client.get("/").get_data(as_text=True)
    assert "30. juni 2027" in _row_html(html, "aeldredata")


def test_a_third_programme_from_a_file_stands_on_the_overview(client, login_as, runner, tmp_path):
    login_as("admin")
    data = yaml.safe_load(export_programme(get_programme("ddns")))
    (copy,) = data["programmes"]
    copy.update(slug="ddns-kopi", name="Kopi af DDNS til afprøvning", short_name="DDNS-kopi")
    copy.pop("links", None)
    # The copy's closing has a date ahead: the overview shows it as the next milestone.
    copy.setdefault("milestones", []).append(
        {"title": "Programmet lukket", "planned_on": dt.date(2027, 1, 29)}
    )
    for project in copy.get("projects", []):
        project.pop("links", None)
    path = tmp_path / "kopi.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = runner.invoke(args=["import", "programme", str(path)])
    assert result.exit_code == 0, result.output
    _assert_on_the_overview(client, "ddns-kopi")
    # The approved budget as printed, the phase of the programme model.
    row = _row_html(client.get("/").get_data(as_text=True), "ddns-kopi")
    assert "58,1 mio. kr." in row and "Lukning af program" in row
    assert "29. januar 2027" in row
