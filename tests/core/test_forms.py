"""Every form refuses text with NUL characters: a clear Danish error, nothing saved.

PostgreSQL cannot store NUL in text and raises on it, so before these checks such a
submission was a server error there (SQLite silently stored it).
"""

from portfolio.auth.models import User
from portfolio.extensions import db
from tests.risks.test_concurrent_edits import _form_of, _risk

MESSAGE = "Teksten indeholder et ugyldigt tegn (NUL)."


def test_nul_in_an_edit_form_is_a_form_error(client, login_as):
    login_as("admin")
    url = "/programmes/ddns/risks/R1/edit"
    response = client.post(url, data={**_form_of(client, url), "title": "Ny\x00titel"})
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)
    assert "titel" not in _risk("R1").title


def test_nul_in_the_login_form_is_a_form_error(client, users):
    users.make("viewer")
    response = client.post("/login", data={"email": "viewer@example.dk\x00", "password": "x"})
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)


def test_nul_in_the_audit_search_is_a_form_error(client, login_as):
    login_as("admin")
    response = client.get("/admin/audit", query_string={"actor": "a\x00b"})
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)


def test_nul_in_a_new_user_is_refused(client, login_as):
    login_as("admin")
    response = client.post(
        "/admin/users/new",
        data={"email": "ny@example.dk", "name": "N\x00", "password": "et langt og sikkert kodeord"},
    )
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "ny@example.dk")) is None
