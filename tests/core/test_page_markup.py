"""Markup every page shares: unique ids, a favicon, and wide tables in a scroll box."""

import re
from collections import Counter

PAGES = (
    "/programmes/ddns/status",
    "/programmes/ddns/budget",
    "/programmes/ddns/risks/R1",
    "/programmes/ddns/workshops/",
    "/admin/users",
)


def _ids(html: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', html))


def test_no_page_gives_an_id_twice(client, login_as):
    login_as("admin")
    login_as("secretariat")  # the status page's override and benefits forms
    for path in PAGES:
        html = client.get(path).get_data(as_text=True)
        twice = sorted(id_ for id_, n in _ids(html).items() if n > 1)
        assert twice == [], f"{path} uses these ids twice: {twice}"


def test_hidden_fields_post_their_value_without_an_id(client, login_as):
    login_as("secretariat")
    html = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert html.count('name="csrf_token"') >= 2
    assert 'id="csrf_token"' not in html
    assert (
        'id="benefits-colour"' in html
        and '<label class="field__label" for="benefits-colour"' in html
    )


def test_every_page_links_a_favicon_that_answers(client, login_as):
    html = client.get("/login").get_data(as_text=True)
    link = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', html)
    assert link is not None
    for path in (link.group(1), "/favicon.ico"):
        with client.get(path) as response:  # a static file: close it
            assert response.status_code == 200, path
            assert response.mimetype == "image/svg+xml"
            assert response.data.startswith(b"<svg")


def test_wide_tables_scroll_in_a_named_focusable_box(client, login_as):
    login_as("secretariat")
    html = client.get("/programmes/ddns/budget").get_data(as_text=True)
    boxes = re.findall(
        r'<div class="scroll-box" role="region" tabindex="0" aria-label="([^"]+)">', html
    )
    assert "Prognose, forbrug og afvigelse" in boxes
    assert html.count("<table") == html.count('<div class="scroll-box"')
