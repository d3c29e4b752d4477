"""Every page renders for every role; edit pages only for those who may edit."""

import pytest

from portfolio.reports.pdf import pdf_available
from tests.access import ALLOWED
from tests.conftest import ROLES
from tests.routes import PUBLIC, all_routes


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(app, client, login_as, role):
    """Each page renders (200) for those allowed to see it and is refused (403) to others."""
    login_as(role)
    checked = 0
    for endpoint, url in all_routes(app, "GET"):
        if endpoint in PUBLIC:
            continue
        response = client.get(url)
        expected = 200 if role in ALLOWED[endpoint] else 403
        if endpoint == "reports.compare" and expected == 200:
            expected = 302  # without two reports to compare it sends you back to the list
        if endpoint == "workshops.close" and expected == 200:
            expected = 302  # the sample workshop is not held: nothing to confirm, back to it
        if endpoint == "setup.first_budget" and expected == 200:
            expected = 302  # DDNS has its first budget: on to a new version instead
        if endpoint == "reports.pdf" and expected == 200 and not pdf_available():
            expected = 503  # no PDF engine here: the page says so (tests/reports skip)
        assert response.status_code == expected, (role, url, response.status_code)
        checked += 1
    assert checked >= 25


def test_programme_page_shows_the_basis(client, login_as):
    login_as("viewer")
    html = client.get("/programmes/ddns").get_data(as_text=True)
    for fact in (
        "Samlet indsats for data i det nære sundhedsvæsen",
        "Lisbeth Nielsen, Direktør, Sundhedsdatastyrelsen",
        "Kvalitetsudvikling",
        "18. januar 2023",
        "Lukning af program",
        "Bølge 3 – flere data",
        "august 2025",
        "Mere sammenhængende patientforløb",
        "Life science-industrien",
        "Tilgængelighed af nøgleressourcer på tværs af organisationer",
        "Patientforeninger og patienter/borger",
        "Programsekretariat",
        "Projektgrundlag for bedre brug af data for det nære sundhedsvæsen",
        "Styregruppe for nationalt datagrundlag for speciallægepraksis",
        "kopifejl",
    ):
        assert fact in html, fact


def test_budget_table_shows_the_three_differences(client, login_as):
    login_as("viewer")
    html = client.get("/programmes/ddns").get_data(as_text=True)
    assert html.count('class="num differs"') == 3
    for printed, computed in (("12,4", "12,5"), ("15,0", "14,9"), ("11,3", "11,2")):
        assert f"trykt {printed}, beregnet {computed}" in html
    assert "58,1" in html


def test_overview_lists_visible_programmes_only(client, login_as):
    login_as("viewer")
    html = client.get("/").get_data(as_text=True)
    assert "Samlet indsats for data i det nære sundhedsvæsen" in html
    assert "Sundhedsdataprogrammet" not in html  # the viewer's role is in DDNS only


def test_admin_sees_both_programmes(client, login_as):
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    assert "Sundhedsdataprogrammet" in html
    assert "Lukning af program" in html


def test_kl_project_page_links_to_ddns_1_2(client, login_as):
    login_as("admin")
    html = client.get("/programmes/sundhedsdataprogrammet/projects/Initiativ 4").get_data(
        as_text=True
    )
    assert "Fælles dokumentation af rehabiliteringsindsatser" in html
    assert "Københavns Kommune" in html  # the municipal working group's members
    assert "/programmes/ddns/projects/1.2" in html
    assert "Type 2-diabetes" in html


def test_english_switch(client, login_as):
    login_as("viewer")
    client.post("/language", data={"lang": "en", "next": "/programmes/ddns"})
    html = client.get("/programmes/ddns").get_data(as_text=True)
    assert 'lang="en"' in html
    assert "18 January 2023" in html
