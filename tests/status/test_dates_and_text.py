"""Issue 11, findings 4 and 5 and the zero-width title: dates a person may type, and text
that every chart can draw.

A milestone planned 0001-01-01 took down the status and milestone pages (500), 9999-12-31
the timeline chart; a title holding U+000B (Word's manual line break) made the timeline SVG
invalid XML, and a status report made afterwards froze the broken chart.
"""

import datetime as dt

import lxml.etree
import pytest
import sqlalchemy as sa

from portfolio.extensions import db
from portfolio.status.models import Milestone


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = "2026-11-21"


def _new_milestone(client, ddns, **fields):
    data = {
        "title": "Overdragelse til drift",
        "kind": "milestone",
        "track_id": ddns.tracks[0].id,
        "project_id": "",
        "planned_on": "2026-06-30",
        "forecast_on": "",
        "done_on": "",
        "status": "planned",
        "description": "",
        **fields,
    }
    return client.post("/programmes/ddns/milestones/new", data=data)


def _stored(title):
    return db.session.scalar(sa.select(Milestone).where(Milestone.title == title))


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
def test_a_date_outside_1900_to_2200_is_refused(client, login_as, ddns, day):
    login_as("track_lead")
    response = _new_milestone(client, ddns, planned_on=day, title="Langt ude")
    assert response.status_code == 422
    assert "Datoen skal ligge mellem 1900-01-01 og 2200-12-31." in response.get_data(as_text=True)
    assert _stored("Langt ude") is None


@pytest.mark.parametrize("day", ["1900-01-01", "2200-12-31"])
def test_the_first_and_last_plausible_days_are_taken(client, login_as, ddns, day):
    login_as("track_lead")
    assert _new_milestone(client, ddns, planned_on=day, title="Kanten").status_code == 302
    assert _stored("Kanten").planned_on == dt.date.fromisoformat(day)
    assert client.get("/programmes/ddns/status").status_code == 200
    assert client.get("/programmes/ddns/status/charts/timeline.svg").status_code == 200


def test_an_impossible_day_says_ugyldig_dato(client, login_as, ddns):
    login_as("track_lead")
    response = _new_milestone(client, ddns, planned_on="2026-02-30", title="Umulig")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ugyldig dato" in html
    assert "Feltet skal udfyldes." not in html
    assert _stored("Umulig") is None


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_stored_extreme_dates_do_not_take_down_the_pages(client, login_as, ddns, day):
    """Rows written before the range check (or by hand) still give every page."""
    db.session.add(
        Milestone(
            programme_id=ddns.id,
            title="Gammel fejl",
            planned_on=day,
            forecast_on=day,
            track_id=ddns.tracks[0].id,
        )
    )
    db.session.commit()
    login_as("viewer")
    for url in (
        "/programmes/ddns/status",
        "/programmes/ddns/milestones/",
        "/programmes/ddns/status/charts/timeline.svg",
    ):
        assert client.get(url).status_code == 200, url
    assert "Gammel fejl" in client.get("/programmes/ddns/milestones/").get_data(as_text=True)


def test_a_title_of_zero_width_spaces_is_refused(client, login_as, ddns):
    login_as("track_lead")
    response = _new_milestone(client, ddns, title="\u200b\u200b\u2060\ufeff")
    assert response.status_code == 422
    assert "Feltet skal udfyldes." in response.get_data(as_text=True)
    stored = sa.select(sa.func.count()).where(Milestone.title.like("%\u200b%"))
    assert db.session.scalar(stored) == 0


def test_control_characters_in_a_title_are_removed_and_the_chart_stays_xml(client, login_as, ddns):
    login_as("secretariat")
    title = "Første\x0bandet\x01\x1b[31m\x7f del"
    assert _new_milestone(client, ddns, title=title).status_code == 302
    assert _stored("Første\nandet[31m del") is not None
    svg = client.get("/programmes/ddns/status/charts/timeline.svg").get_data()
    lxml.etree.fromstring(svg)  # raises on a character XML forbids
    assert b"andet[31m del" in svg


def test_a_stored_title_with_control_characters_still_gives_xml_charts_and_reports(
    client, login_as, ddns
):
    """Rows stored before the cleaning: the chart drops what XML forbids, and a report
    made afterwards freezes a chart that opens."""
    db.session.add(
        Milestone(
            programme_id=ddns.id,
            title="Gammel\x0btitel\x02",
            planned_on=dt.date(2026, 6, 30),
            track_id=ddns.tracks[0].id,
        )
    )
    db.session.commit()
    login_as("secretariat")
    svg = client.get("/programmes/ddns/status/charts/timeline.svg").get_data()
    assert b"\x0b" not in svg and b"\x02" not in svg
    lxml.etree.fromstring(svg)
    response = client.post(
        "/programmes/ddns/reports/", data={"title": "Status", "meeting_on": "2026-12-03"}
    )
    assert response.status_code == 302
    frozen = client.get(response.headers["Location"] + "/charts/timeline.svg")
    assert frozen.status_code == 200
    lxml.etree.fromstring(frozen.get_data())
