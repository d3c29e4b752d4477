"""Every role reaches the frozen status reports from the status page."""

import pytest

from tests.conftest import ROLES


@pytest.mark.parametrize("role", [r for r in ROLES if r != "outsider"])
def test_status_page_links_to_reports_for_every_role(client, login_as, role):
    login_as(role)
    page = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert 'href="/programmes/ddns/reports/"' in page
    assert client.get("/programmes/ddns/reports/").status_code == 200
