"""After signing in, ?next= is followed only to a page of this site."""

import pytest

from tests.conftest import PASSWORD


def _login(client, next_url):
    return client.post(
        "/login", data={"email": "viewer@example.dk", "password": PASSWORD, "next": next_url}
    )


def test_next_on_this_site_is_followed(client, users):
    users.make("viewer")
    response = _login(client, "/programmes/ddns/risks")
    assert response.status_code == 302
    assert response.headers["Location"] == "/programmes/ddns/risks"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "evil.example",
    ],
)
def test_next_to_another_site_goes_to_the_overview(client, users, target):
    users.make("viewer")
    response = _login(client, target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
