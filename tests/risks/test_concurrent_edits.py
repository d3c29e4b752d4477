"""Two people editing the same risk: the second save is refused and nothing is lost."""

import re

import pytest
import sqlalchemy as sa

from portfolio.extensions import db
from portfolio.risks.models import Risk
from tests.conftest import sign_in


def _form_of(client, url) -> dict:
    html = client.get(url).get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', html))
    for name, body in re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>(.*?)</textarea>', html, re.S):
        fields[name] = body.strip()
    for name, options in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(
            r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', options
        )
        fields[name] = next((g for g in selected.groups() if g is not None), "") if selected else ""
    return fields


def _risk(code):
    db.session.expire_all()
    return db.session.scalar(sa.select(Risk).where(Risk.code == code))


def test_second_save_is_refused_and_first_kept(app, users):
    anne, bo = app.test_client(), app.test_client()
    sign_in(anne, users.make("secretariat", "anne@example.dk"))
    sign_in(bo, users.make("secretariat", "bo@example.dk"))
    url = "/programmes/ddns/risks/R2/edit"
    anne_form, bo_form = _form_of(anne, url), _form_of(bo, url)
    assert anne_form["version"] == bo_form["version"] == "1"

    anne_form["owner"] = "Anne Andersen"
    assert anne.post(url, data=anne_form).status_code == 302

    bo_form["description"] = "Kapaciteten hos leverandørerne er presset."
    refused = bo.post(url, data=bo_form)
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "Nogen har gemt en ændring" in html
    assert "Anne Andersen" in html and "anne@example.dk" in html  # what changed, and by whom

    risk = _risk("R2")
    assert risk.owner == "Anne Andersen" and "presset" not in risk.description

    # Bo reloads the form, makes his change again, and both changes stand.
    bo_again = _form_of(bo, url)
    bo_again["description"] = "Kapaciteten hos leverandørerne er presset."
    assert bo.post(url, data=bo_again).status_code == 302
    risk = _risk("R2")
    assert (risk.owner, risk.version) == ("Anne Andersen", 3)
    assert risk.description == "Kapaciteten hos leverandørerne er presset."


def test_stale_api_write_is_refused_with_the_changes(app, client, login_as):
    login_as("secretariat")
    first = client.patch(
        "/api/v1/programmes/ddns/risks/R3", json={"version": 1, "owner": "Cecilie"}
    )
    assert first.status_code == 200 and first.get_json()["version"] == 2
    stale = client.patch("/api/v1/programmes/ddns/risks/R3", json={"version": 1, "owner": "Dorthe"})
    assert stale.status_code == 409
    details = stale.get_json()["error"]["details"]
    assert details["current_version"] == 2
    assert [(c["field"], c["new"]) for c in details["changes"]] == [("owner", "Cecilie")]
    assert _risk("R3").owner == "Cecilie"


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("9" * 30, "Formularens version er ugyldig"),
        ("2147483648", "Formularens version er ugyldig"),
        ("abc", "Formularens version er ugyldig"),
        ("", "Formularen mangler sin version"),
    ],
)
def test_an_unknown_version_is_refused_as_a_form_error(app, client, login_as, version, message):
    login_as("admin")
    url = "/programmes/ddns/risks/R1/edit"
    fields = {**_form_of(client, url), "title": "Ny titel", "version": version}
    response = client.post(url, data=fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _risk("R1").title != "Ny titel"
