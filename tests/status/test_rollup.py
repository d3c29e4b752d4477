"""The overall and track lights never claim more than their lights know.

A light without an assessment never rolls up as green: with most lights unassessed there is
no overall assessment, otherwise the overall light says how many lights it lacks. The status
page, the frozen report (page and PDF), the API and the portfolio overview agree.
"""

import datetime as dt
import re
import shutil
import subprocess

import jsonschema
import pytest

from portfolio.core.lights import Colour, Light
from portfolio.extensions import db
from portfolio.programmes.services import get_track
from portfolio.reports.pdf import pdf_available
from portfolio.risks import services as risk_services
from portfolio.status import services
from portfolio.status.models import MilestoneStatus

TODAY = dt.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = TODAY.isoformat()


def text(html: str) -> str:
    """The page's words, without tags and runs of white space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def headline(html: str) -> str:
    """The words of the overview's "Samlet" item."""
    found = re.search(r'<div class="status-summary__item" id="samlet">(.*?)<details', html, re.S)
    assert found, "no overall light on the page"
    return text(found.group(1)).strip()


def track_card(html: str, number: int) -> str:
    found = re.search(
        rf'<article class="card track-card" id="spor-{number}">(.*?)</article>', html, re.S
    )
    assert found, f"no card for track {number}"
    return text(found.group(1))


@pytest.fixture
def spec_checker(client):
    """Check an API answer against the OpenAPI document's schema for its path."""
    spec = client.get("/api/v1/openapi.json").get_json()

    def check(path, body):
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        schema = {**schema["schema"], "components": spec["components"]}
        jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)

    return check


def light(colour: Colour) -> Light:
    return Light(colour, "", "")


@pytest.mark.parametrize(
    ("colours", "expected", "label"),
    [
        ([Colour.GREEN] + [Colour.NONE] * 4, Colour.NONE, "Ingen samlet vurdering – 4 af 5"),
        (
            [Colour.GREEN, Colour.YELLOW, Colour.GREEN, Colour.NONE, Colour.NONE],
            Colour.YELLOW,
            "Gul – 2 af 5 lys uden vurdering",
        ),
        ([Colour.GREEN] * 5, Colour.GREEN, "Grøn"),
        ([Colour.NONE] * 3, Colour.NONE, "Ingen samlet vurdering – 3 af 3"),
        ([Colour.RED, Colour.NONE, Colour.NONE], Colour.NONE, "Ingen samlet vurdering – 2 af 3"),
    ],
)
def test_unknown_lights_never_roll_up_as_green(app, colours, expected, label):
    from portfolio.core.lights import roll_up

    rollup = roll_up(light(c) for c in colours)
    assert rollup.colour is expected
    assert rollup.label.startswith(label)


def test_a_programme_with_nothing_assessed_has_no_overall_light(client, login_as):
    """Sundhedsdataprogrammet: no milestones, budget, risks, benefits or deliverables."""
    login_as("admin")
    html = client.get("/programmes/sundhedsdataprogrammet/status").text
    assert headline(html) == "Samlet ○ Ingen samlet vurdering – 5 af 5 lys uden vurdering"
    # No risk registered is not a green risk picture.
    assert "Der er ingen risici registreret, så risikobilledet er ikke vurderet." in html
    assert "Grøn" not in text(html.split('id="lys-risks"')[1].split("</article>")[0])
    # The rule is stated beside the light.
    assert "Et lys uden vurdering tæller aldrig som grønt" in html


def test_the_overall_light_counts_its_unassessed_lights(client, login_as, ddns, users):
    """DDNS in the test data: schedule green, risks yellow; cost and scope unassessed."""
    secretariat = users.make("secretariat")
    login_as("viewer")
    page = client.get("/programmes/ddns/status").text
    assert headline(page) == "Samlet ○ Ingen samlet vurdering – 3 af 5 lys uden vurdering"

    services.assess_benefits(secretariat, ddns, Colour.GREEN, "Gevinsterne følger planen.", TODAY)
    db.session.commit()
    page = client.get("/programmes/ddns/status").text
    assert headline(page) == "Samlet ▲ Gul – 2 af 5 lys uden vurdering"


def test_a_track_light_ignores_no_unassessed_light(client, login_as, ddns, users):
    secretariat = users.make("secretariat")
    track = get_track(ddns, 1)
    services.create_milestone(
        secretariat,
        ddns,
        {
            "title": "Gateway i drift",
            "planned_on": dt.date(2027, 3, 1),
            "status": MilestoneStatus.PLANNED,
            "track_id": track.id,
        },
    )
    db.session.commit()
    login_as("viewer")
    card = track_card(client.get("/programmes/ddns/status").text, 1)
    # Schedule green, but cost and risks have no assessment: no green track light.
    assert "Ingen samlet vurdering – 2 af 3 lys uden vurdering" in card
    assert "Tidsplan: grøn · Økonomi: ingen vurdering · Risici: ingen vurdering" in card

    r2 = risk_services.get_risk(ddns, "R2")
    risk_services.update_risk(secretariat, r2, {"track_id": track.id})
    db.session.commit()
    card = track_card(client.get("/programmes/ddns/status").text, 1)
    assert "▲ Gul – 1 af 3 lys uden vurdering" in card


def test_report_api_and_overview_show_the_same_overall_light(client, login_as, spec_checker):
    login_as("secretariat")
    response = client.post(
        "/programmes/ddns/reports/",
        data={"title": "Programstyregruppemøde 3. december 2026", "meeting_on": "2026-12-03"},
    )
    report_url = response.headers["Location"]
    expected = "Ingen samlet vurdering – 3 af 5 lys uden vurdering"
    assert expected in headline(client.get(report_url).text)
    assert expected in text(client.get("/programmes/ddns/reports/").text)

    body = client.get("/api/v1/programmes/ddns/status").get_json()
    spec_checker("/programmes/{slug}/status", body)
    assert body["overall"]["colour"] == "none"
    assert (body["overall"]["unknown"], body["overall"]["total"]) == (3, 5)
    assert body["overall"]["label"] == expected
    assert body["tracks"][0]["overall"]["colour"] == "none"

    login_as("admin")
    overview = text(client.get("/").text)
    assert expected in overview
    assert "Ingen samlet vurdering – 5 af 5 lys uden vurdering" in overview  # the second
    assert "Et lys uden vurdering tæller aldrig som grønt" in overview

    if not pdf_available() or shutil.which("pdftotext") is None:
        pytest.skip("no PDF engine or pdftotext here to read the PDF")
    pdf = client.get(report_url + ".pdf").data
    words = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Ingen samlet vurdering – 3 af 5 lys uden" in " ".join(words.split())


def test_a_report_frozen_before_the_roll_up_keeps_its_colour(client, login_as, ddns, monkeypatch):
    """Reports of snapshot format 1 have no roll-up: they show the colour they were made with."""
    from portfolio.reports import services as report_services
    from portfolio.status.snapshot import build_snapshot

    def format_1(data, today):
        snapshot = build_snapshot(data, today)
        snapshot["format"], snapshot["overall"] = 1, "yellow"
        del snapshot["overall_rollup"], snapshot["based_on_demo_data"]
        for track in snapshot["tracks"]:
            del track["rollup"]
        for risk in snapshot["risks"]:
            for key in ("residual_counts", "current_probability", "current_consequence"):
                del risk[key]
        return snapshot

    monkeypatch.setattr(report_services, "build_snapshot", format_1)
    login_as("secretariat")
    response = client.post(
        "/programmes/ddns/reports/",
        data={"title": "Programstyregruppemøde 1. oktober 2026", "meeting_on": "2026-10-01"},
    )
    report = client.get(response.headers["Location"])
    assert report.status_code == 200
    found = re.search(r'id="samlet">(.*?)</div>', report.text, re.S)
    assert text(found.group(1)).split() == ["Samlet", "▲", "Gul"]
    assert "secretariat@example.dk Gul" in text(client.get("/programmes/ddns/reports/").text)
    # The live page still compares with it (its gross scores are there as inherent_score).
    assert client.get("/programmes/ddns/status").status_code == 200
