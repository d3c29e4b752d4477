"""One risk truth: the score that counts is the gross one until the mitigation is done.

The scenario from the steering group's test: R2 raised from Medium to Stor (6 → 9) with a
residual Medium × Medium and its only action still planned. The risk page, the register,
the status page's light, matrix and top risks, the report and the API must all say 9.
"""

import datetime as dt
import re

import pytest

from portfolio.extensions import db
from portfolio.reports.models import StatusReport
from portfolio.risks import services
from portfolio.risks.models import ActionStatus, Level

TODAY = dt.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = TODAY.isoformat()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def top_risks(html: str) -> list[str]:
    """The rows of the status page's "Største risici" table, as words."""
    table = html.split("Største risici", 1)[1].split("</table>", 1)[0]
    return [text(row).strip() for row in re.findall(r"<tr><td>R.*?</tr>", table, re.S)]


@pytest.fixture
def raised_r2(client, login_as, ddns, users):
    """A report with R2 at 6, then R2 raised to 9 with a planned action only."""
    secretariat = users.make("secretariat")
    login_as("secretariat")
    response = client.post(
        "/programmes/ddns/reports/",
        data={"title": "Programstyregruppemøde 1. oktober 2026", "meeting_on": "2026-10-01"},
    )
    assert response.status_code == 302
    r2 = services.get_risk(ddns, "R2")
    services.reassess_risk(
        secretariat,
        r2,
        assessed_on=TODAY,
        probability=Level.HIGH,
        consequence=Level.HIGH,
        residual_probability=Level.MEDIUM,
        residual_consequence=Level.MEDIUM,
        note="Nøgleressourcer forlader programmet.",
    )
    action = services.add_action(
        secretariat,
        r2,
        {"description": "Aftale om udlån af ressourcer", "status": ActionStatus.PLANNED},
    )
    db.session.commit()
    return r2, action, secretariat


def test_the_residual_score_counts_only_once_the_actions_are_done(app, raised_r2):
    r2, action, secretariat = raised_r2
    assert (r2.score, r2.residual_score) == (9, 4)
    assert not r2.residual_counts and r2.current_score == 9
    services.update_action(secretariat, action, {"status": ActionStatus.IN_PROGRESS})
    assert r2.current_score == 9
    services.update_action(secretariat, action, {"status": ActionStatus.DONE})
    assert r2.residual_counts and r2.current_score == 4
    assert (r2.current_probability, r2.current_consequence) == (Level.MEDIUM, Level.MEDIUM)


def test_the_risk_page_shows_the_gross_trend_and_which_score_counts(client, raised_r2):
    page = text(client.get("/programmes/ddns/risks/R2").text)
    assert "9 (3 × 3); efter afbødning 4 (Medium × Medium), tæller først, når" in page
    assert "↑ forværret" in page and "forbedret" not in page
    assert "Gældende score 9" in page
    register = client.get("/programmes/ddns/risks/").text
    row = next(r for r in re.findall(r"<tr>\s*<td>R2</td>.*?</tr>", register, re.S))
    assert "afventer handlinger" in text(row)
    # The register's score filter uses the score that counts: 9, not the hoped-for 4.
    severe = client.get("/programmes/ddns/risks/?min_score=9").text
    assert re.findall(r"<tr>\s*<td>(R\d)</td>", severe) == ["R2"]


def test_status_page_light_matrix_and_top_risks_agree(client, raised_r2):
    html = client.get("/programmes/ddns/status").text
    rows = top_risks(html)
    assert rows[0].startswith("R2 ") and rows[0].endswith("9 ↑ forværret"), rows
    assert "efter afbødning 4, når handlingerne er gennemført" in rows[0]
    assert "R2 har stor sandsynlighed og stor konsekvens." in html  # the risk light: red
    matrix_alt = re.search(r'<img class="chart" src="[^"]*risk-matrix[^"]*" alt="([^"]*)"', html)
    assert "stor sandsynlighed, stor konsekvens (score 9): R2" in matrix_alt.group(1)


def test_report_and_api_agree_with_the_page(client, login_as, raised_r2, ddns):
    response = client.post(
        "/programmes/ddns/reports/",
        data={"title": "Programstyregruppemøde 3. december 2026", "meeting_on": "2026-12-03"},
    )
    report = db.session.get(StatusReport, int(response.headers["Location"].rsplit("/", 1)[1]))
    frozen = {r["code"]: r for r in report.snapshot["risks"]}
    assert report.snapshot["top_risks"][0] == "R2"
    assert (frozen["R2"]["score"], frozen["R2"]["trend"]) == (9, "up")
    assert report.snapshot["lights"]["risks"]["light"]["colour"] == "red"
    assert top_risks(client.get(response.headers["Location"]).text)[0].endswith("9 ↑ forværret")
    api = {r["code"]: r for r in client.get("/api/v1/programmes/ddns/risks").get_json()["items"]}
    r2 = api["R2"]
    assert (r2["score"], r2["residual_score"], r2["current_score"]) == (9, 4, 9)
    assert r2["residual_counts"] is False


def test_once_the_action_is_done_the_residual_counts_everywhere(client, raised_r2):
    _r2, action, secretariat = raised_r2
    services.update_action(secretariat, action, {"status": ActionStatus.DONE})
    db.session.commit()
    html = client.get("/programmes/ddns/status").text
    rows = top_risks(html)
    # R3 and R4 (6) now rank above R2 (4 after its mitigation); the trend stays gross.
    assert [r.split()[0] for r in rows] == ["R3", "R4", "R2", "R1"]
    assert "efter gennemført afbødning (brutto 9)" in rows[2]
    assert "R3 har score 6." in html  # the risk light: yellow, from R3
    matrix_alt = re.search(r'<img class="chart" src="[^"]*risk-matrix[^"]*" alt="([^"]*)"', html)
    assert "medium sandsynlighed, medium konsekvens (score 4): R2" in matrix_alt.group(1)
    page = text(client.get("/programmes/ddns/risks/R2").text)
    assert "gælder: handlingerne er gennemført" in page and "Gældende score 4" in page
