"""Programme pages are drawn once per data version and served from the cache after that."""

import re

import pytest

from portfolio.auth import services as auth_services
from portfolio.auth.models import Role
from portfolio.core.pagecache import fragments
from portfolio.extensions import db
from portfolio.programmes.services import get_programme
from tests.conftest import count_queries, sign_in

PAGES = [
    "/programmes/ddns",
    "/programmes/ddns/status",
    "/programmes/ddns/budget",
    "/programmes/ddns/risks/",
    "/programmes/ddns/benefits",
]


def _without_tokens(html: str) -> str:
    # A CSRF token is signed with the time, so two requests never carry the same one.
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", html)


@pytest.mark.parametrize("url", PAGES)
def test_a_repeated_page_costs_few_queries_and_shows_the_same(client, login_as, url):
    login_as("secretariat")
    first = client.get(url)
    with count_queries() as repeat:
        second = client.get(url)
    assert _without_tokens(second.text) == _without_tokens(first.text)
    # One query: the signed-in user's, which reads the page's data version too.
    assert repeat() == 1, repeat()


@pytest.mark.parametrize("url", PAGES)
def test_an_edit_is_seen_at_once(client, login_as, url):
    login_as("secretariat")
    client.get(url)
    get_programme("ddns").short_name = "NYTKORTNAVN"  # in every page's breadcrumbs
    db.session.commit()
    assert "NYTKORTNAVN" in client.get(url).text


@pytest.mark.parametrize("url", PAGES)
def test_a_cached_page_is_refused_to_whoever_may_not_see_it(app, client, login_as, url):
    login_as("admin")
    assert client.get(url).status_code == 200  # now cached
    outsider = auth_services.create_user("outsider@example.dk", "et langt og godt kodeord 7")
    auth_services.grant_role(
        outsider, Role.SECRETARIAT, programme=get_programme("sundhedsdataprogrammet")
    )
    db.session.commit()
    other = app.test_client()
    sign_in(other, outsider)
    assert other.get(url).status_code in (403, 404)


@pytest.mark.parametrize("url", PAGES)
def test_each_language_has_its_own_cached_page(client, login_as, url):
    login_as("viewer")
    danish = client.get(url).text
    client.post("/language", data={"lang": "en", "next": url})
    english = client.get(url).text
    assert 'lang="da"' in danish
    assert 'lang="en"' in english
    assert _without_tokens(english) != _without_tokens(danish)


def test_an_edit_to_a_risk_is_seen_on_the_cached_status_page(client, login_as, ddns):
    from portfolio.risks.services import get_risk

    login_as("secretariat")
    client.get("/programmes/ddns/status")
    get_risk(ddns, "R1").title = "En ny og meget tydelig titel"
    db.session.commit()
    assert "En ny og meget tydelig titel" in client.get("/programmes/ddns/status").text


def test_the_portfolio_overview_is_cached_per_set_of_rights_and_sees_edits_at_once(
    app, client, login_as
):
    login_as("admin")
    first = client.get("/")
    with count_queries() as repeat:
        again = client.get("/")
    assert _without_tokens(again.text) == _without_tokens(first.text)
    assert repeat() == 1, repeat()
    assert "Sundhedsdataprogrammet" in first.text
    # Someone who may see DDNS only is never served the admin's list, cached or not.
    viewer = auth_services.create_user("kun-ddns@example.dk", "et langt og godt kodeord 7")
    auth_services.grant_role(viewer, Role.VIEWER, programme=get_programme("ddns"))
    db.session.commit()
    other = app.test_client()
    sign_in(other, viewer)
    listed = other.get("/").text
    assert "Samlet indsats for data" in listed and "Sundhedsdataprogrammet" not in listed
    get_programme("ddns").name = "Et nyt navn til DDNS"
    db.session.commit()
    assert "Et nyt navn til DDNS" in client.get("/").text
    assert "Et nyt navn til DDNS" in other.get("/").text


OTHER = "sundhedsdataprogrammet"
# The second programme of the seed has no budget.
OTHER_PAGES = [url.replace("/ddns", f"/{OTHER}") for url in PAGES if not url.endswith("budget")]


def _hits_and_misses(app) -> tuple[int, int]:
    with app.app_context():
        return fragments().hits, fragments().misses


def test_an_edit_in_one_programme_leaves_the_other_programmes_pages_cached(
    app, client, login_as, ddns
):
    from portfolio.risks.services import get_risk

    login_as("admin")
    # Not its programme page: that one names DDNS's project its project is linked with.
    other_pages = [url for url in OTHER_PAGES if url != f"/programmes/{OTHER}"]
    before = {url: client.get(url).text for url in other_pages}
    client.get("/programmes/ddns/status")
    get_risk(ddns, "R1").title = "En ny og meget tydelig titel"
    db.session.commit()
    hits, misses = _hits_and_misses(app)
    for url in other_pages:
        again = client.get(url)
        assert again.status_code == 200
        assert _without_tokens(again.text) == _without_tokens(before[url])
    assert _hits_and_misses(app) == (hits + len(other_pages), misses)
    # The edited programme's page is drawn anew, with the edit.
    assert "En ny og meget tydelig titel" in client.get("/programmes/ddns/status").text
    assert _hits_and_misses(app)[1] == misses + 1


def test_a_programme_page_sees_an_edit_to_a_programme_its_projects_are_linked_with(
    client, login_as, ddns
):
    login_as("admin")
    assert "DDNS" in client.get(f"/programmes/{OTHER}").text  # its project feeds DDNS 1.2
    ddns.short_name = "NYTKORTNAVN"
    db.session.commit()
    assert "NYTKORTNAVN" in client.get(f"/programmes/{OTHER}").text


def test_an_edit_to_shared_data_is_seen_on_every_programmes_pages(app, client, login_as, ddns):
    login_as("admin")
    for url in PAGES + OTHER_PAGES:
        client.get(url)
    ddns.portfolio.name = "En ny portefølje"  # shown on each programme's page
    db.session.commit()
    for url in (f"/programmes/{OTHER}", "/programmes/ddns"):
        assert "En ny portefølje" in client.get(url).text
    # A user's name or rights are shared data too: every page is drawn anew after them.
    hits, misses = _hits_and_misses(app)
    auth_services.get_user_by_email("admin@example.dk").name = "Et andet navn"
    db.session.commit()
    for url in PAGES + OTHER_PAGES:
        assert client.get(url).status_code == 200
    assert _hits_and_misses(app) == (hits, misses + len(PAGES + OTHER_PAGES))
