"""The portfolio overview shows a long portfolio a page at a time."""

import re

from portfolio.extensions import db
from portfolio.programmes.services import OVERVIEW_PAGE_SIZE
from portfolio.seed.synthetic import generate


def _rows(html: str) -> list[str]:
    return re.findall(r'<a href="/programmes/([a-z0-9-]+)">', html.split("<tbody>")[1])


def test_a_long_portfolio_is_shown_a_page_at_a_time(client, login_as):
    login_as("admin")
    generate(OVERVIEW_PAGE_SIZE + 5)  # with DDNS and the KL initiative: 57 programmes
    db.session.commit()

    first = client.get("/").text
    second = client.get("/?page=2").text
    assert len(_rows(first)) == OVERVIEW_PAGE_SIZE
    assert len(_rows(second)) == 7
    assert not set(_rows(first)) & set(_rows(second))
    assert "Side 1 af 2 (1–50 af 57)" in first
    assert 'href="/?page=2" rel="next"' in first
    assert 'href="/?page=1" rel="prev"' in second

    # A page past the end shows the last one; nonsense shows the first.
    assert _rows(client.get("/?page=99999999999999999999").text) == _rows(second)
    assert _rows(client.get("/?page=abc").text) == _rows(first)


def test_a_short_portfolio_has_no_page_links(client, login_as):
    login_as("admin")
    html = client.get("/").text
    assert len(_rows(html)) == 2
    assert 'class="pagination"' not in html
