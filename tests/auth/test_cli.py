"""`flask users …` and `flask setup` manage accounts from the shell."""

import sqlalchemy as sa

from portfolio.auth import services
from portfolio.auth.models import Role, User
from portfolio.extensions import db


def test_create_with_password_stdin_and_login(app, runner, client):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Anne@Example.dk",
            "--role",
            "secretariat",
            "--programme",
            "ddns",
            "--name",
            "Anne",
            "--password-stdin",
        ],
        input="et langt og hemmeligt kodeord\n",
    )
    assert result.exit_code == 0, result.output
    user = services.get_user_by_email("anne@example.dk")
    assert user.name == "Anne"
    assert user.password_hash != "et langt og hemmeligt kodeord"
    assert [(m.role, m.programme.slug) for m in user.memberships] == [(Role.SECRETARIAT, "ddns")]
    response = client.post(
        "/login", data={"email": "anne@example.dk", "password": "et langt og hemmeligt kodeord"}
    )
    assert response.status_code == 302


def test_short_password_refused(runner):
    result = runner.invoke(
        args=["users", "create", "b@example.dk", "--role", "viewer", "--password-stdin"],
        input="kort\n",
    )
    assert result.exit_code != 0
    assert "mindst 12 tegn" in result.output
    assert services.get_user_by_email("b@example.dk") is None


def test_track_lead_needs_track(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "c@example.dk",
            "--role",
            "track_lead",
            "--programme",
            "ddns",
            "--password-stdin",
        ],
        input="et langt og hemmeligt kodeord\n",
    )
    assert result.exit_code != 0
    assert services.get_user_by_email("c@example.dk") is None


def test_set_role_list_and_token(runner, client):
    runner.invoke(
        args=[
            "users",
            "create",
            "d@example.dk",
            "--role",
            "viewer",
            "--programme",
            "ddns",
            "--password-stdin",
        ],
        input="et langt og hemmeligt kodeord\n",
    )
    result = runner.invoke(
        args=[
            "users",
            "set-role",
            "d@example.dk",
            "track_lead",
            "--programme",
            "ddns",
            "--track",
            "2",
        ]
    )
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["users", "list"]).output
    assert "d@example.dk\ttrack_lead@ddns/spor 2" in listing
    token = runner.invoke(args=["users", "token", "d@example.dk"]).output.strip()
    assert len(token) > 30
    response = client.get("/api/v1/programmes/ddns", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    # A second token (for another program) does not end the first one.
    second = runner.invoke(args=["users", "token", "d@example.dk", "--name", "Power BI"])
    assert second.exit_code == 0, second.output
    for secret in (token, second.output.strip()):
        again = client.get("/api/v1/programmes/ddns", headers={"Authorization": f"Bearer {secret}"})
        assert again.status_code == 200


def test_editor_is_the_secretariat_role(runner):
    runner.invoke(
        args=[
            "users",
            "create",
            "e@example.dk",
            "--role",
            "editor",
            "--programme",
            "ddns",
            "--password-stdin",
        ],
        input="et langt og hemmeligt kodeord\n",
    )
    user = services.get_user_by_email("e@example.dk")
    assert [m.role for m in user.memberships] == [Role.SECRETARIAT]


def test_setup_creates_one_admin_and_prints_password_once(empty_app):
    empty_app.config["DEMO_METRICS"] = False  # the demo platform has tests of its own
    runner = empty_app.test_cli_runner()
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert "Seeded the DDNS data" in first.output
    password = next(line.split()[-1] for line in first.output.splitlines() if "password:" in line)
    admin = services.authenticate("admin@styrbord.local", password)
    assert admin is not None and admin.is_admin
    second = runner.invoke(args=["setup"])
    assert "password" not in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_each_first_administrator_gets_a_password_of_its_own(empty_app):
    # The unit `flask setup` calls; two installations must never share a password.
    first = services.create_first_admin()
    assert services.authenticate(services.FIRST_ADMIN_EMAIL, first).is_admin
    assert services.create_first_admin() is None  # an account exists: nothing is made
    db.session.rollback()  # as if on another, empty installation
    second = services.create_first_admin()
    assert second is not None and second != first
    assert services.authenticate(services.FIRST_ADMIN_EMAIL, first) is None


def test_set_password_prompts_twice_and_the_old_one_stops_working(app, runner, users):
    user = users.make("viewer")
    new = "et helt nyt og hemmeligt kodeord"
    result = runner.invoke(args=["users", "set-password", user.email], input=f"{new}\n{new}\n")
    assert result.exit_code == 0, result.output
    assert new not in result.output  # the prompt hides what is typed
    assert "Password set for viewer@example.dk" in result.output
    assert services.authenticate(user.email, new) is not None
    assert services.authenticate(user.email, "et langt og sikkert kodeord") is None


def test_set_password_generate_prints_a_password_that_works(app, runner, users):
    from tests.conftest import PASSWORD

    user = users.make("viewer")
    result = runner.invoke(args=["users", "set-password", user.email, "--generate"])
    assert result.exit_code == 0, result.output
    password = result.stdout.strip()
    assert services.authenticate(user.email, password) is not None
    assert services.authenticate(user.email, PASSWORD) is None


def test_set_password_refuses_a_weak_password_and_changes_nothing(app, runner, users):
    from tests.conftest import PASSWORD

    user = users.make("viewer")
    result = runner.invoke(
        args=["users", "set-password", user.email, "--password-stdin"], input="kort\n"
    )
    assert result.exit_code != 0
    assert "mindst 12 tegn" in result.output
    assert services.authenticate(user.email, PASSWORD) is not None


def test_set_password_for_an_unknown_user(runner):
    result = runner.invoke(
        args=["users", "set-password", "ingen@example.dk", "--password-stdin"],
        input="et langt og hemmeligt kodeord\n",
    )
    assert result.exit_code != 0
    assert "No user ingen@example.dk" in result.output
