"""Administrators create users; the form refuses what is not an e-mail address."""

from portfolio.auth import services as auth_services


def test_new_user_with_an_invalid_email_is_refused_in_danish(client, login_as):
    login_as("admin")
    response = client.post(
        "/admin/users/new",
        data={"email": "ikke en adresse", "name": "Ny", "password": "et langt og sikkert kodeord"},
    )
    assert response.status_code == 422
    assert "Angiv en gyldig e-mailadresse." in response.get_data(as_text=True)
    assert auth_services.get_user_by_email("ikke en adresse") is None


def test_new_user_is_created(client, login_as):
    login_as("admin")
    response = client.post(
        "/admin/users/new",
        data={"email": "ny@example.dk", "name": "Ny", "password": "et langt og sikkert kodeord"},
    )
    assert response.status_code == 302
    assert auth_services.get_user_by_email("ny@example.dk").name == "Ny"
