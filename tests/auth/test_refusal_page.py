"""The 403 page names the missing right in the user's words and language."""

from portfolio.auth.permissions import RIGHT_NAMES, Action


def test_403_names_the_right_in_danish(client, login_as):
    login_as("viewer")
    response = client.get("/programmes/ddns/budget/forecast/edit")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Du har ikke rettighed til at redigere og indlæse prognose og forbrug." in html
    assert "budget.edit" not in html and "not allowed" not in html


def test_outsider_is_told_they_may_not_see_the_programme(client, login_as):
    login_as("outsider")
    html = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "Du har ikke rettighed til at se programmet." in html
    assert "programme.view" not in html


def test_403_in_english(client, login_as):
    login_as("viewer")
    client.post("/language", data={"lang": "en", "next": "/"})
    html = client.get("/programmes/ddns/budget/forecast/edit").get_data(as_text=True)
    assert "You do not have the right to edit and import forecast and actual spend." in html
    assert 'lang="en"' in html


def test_every_action_has_a_name():
    assert set(RIGHT_NAMES) == set(Action)
