"""Changes made from the command line name the command and the operating-system user."""

import os
import pwd

import pytest
import sqlalchemy as sa

from portfolio.audit.context import acting_as, current_actor
from portfolio.audit.models import AuditEntry
from portfolio.extensions import db
from portfolio.programmes.services import get_programme, update_programme
from tests.conftest import PASSWORD

OS_USER = pwd.getpwuid(os.geteuid()).pw_name


@pytest.fixture(autouse=True)
def _not_under_sudo(monkeypatch):
    monkeypatch.delenv("SUDO_USER", raising=False)


@pytest.fixture
def demo_register(app, tmp_path):
    app.config["DEMO_REGISTER_PATH"] = str(tmp_path / "demo-register.sqlite")


def _actors_since(first_id: int) -> dict[str, set[str]]:
    """Return, per audited table, the actors of the audit rows written after `first_id`."""
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(AuditEntry.entity, AuditEntry.actor).where(AuditEntry.id > first_id)
    ).all()
    found: dict[str, set[str]] = {}
    for entity, actor in rows:
        found.setdefault(entity, set()).add(actor)
    return found


def _last_id() -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEntry.id), 0)))


# Each writing command, with what it is run with and a table it must have changed.
COMMANDS = {
    "users create": (
        ["users", "create", "ny@example.dk", "--role", "viewer", "--programme", "ddns",
         "--password-stdin"],
        f"{PASSWORD}\n",
        "memberships",
    ),
    "users set-role": (["users", "set-role", "viewer@example.dk", "admin"], None, "users"),
    "users token": (["users", "token", "viewer@example.dk"], None, "api_tokens"),
    "seed demo-metrics": (["seed", "demo-metrics"], None, "metric_sources"),
}  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_every_change_a_command_makes_names_it_and_the_os_user(
    app, runner, users, demo_register, command
):
    args, given, changed = COMMANDS[command]
    users.make("viewer")
    first_id = _last_id()
    result = runner.invoke(args=args, input=given)
    assert result.exit_code == 0, result.output
    actors = _actors_since(first_id)
    assert changed in actors
    expected = f"cli: flask {command} (os user {OS_USER})"
    assert {actor for found in actors.values() for actor in found} == {expected}


def test_a_refresh_names_the_refresh(app, runner, demo_register):
    """A refresh's audited change: a paused source that answers again is resumed."""
    from portfolio.metrics.models import Metric
    from portfolio.seed.demo_metrics import seed_demo_metrics

    seed_demo_metrics()
    metric = db.session.scalars(sa.select(Metric).order_by(Metric.key)).first()
    metric.source.paused_at = sa.func.now()
    db.session.commit()
    first_id = _last_id()
    result = runner.invoke(args=["metrics", "refresh", "--metric", metric.key])
    assert result.exit_code == 0, result.output
    assert _actors_since(first_id) == {
        "metric_sources": {f"cli: flask metrics refresh (os user {OS_USER})"}
    }


def test_the_label_keeps_no_arguments(app, runner):
    first_id = _last_id()
    result = runner.invoke(
        args=["users", "create", "hemmelig@example.dk", "--role", "admin", "--password-stdin"],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    actors = _actors_since(first_id)
    assert actors["users"] == {f"cli: flask users create (os user {OS_USER})"}


def test_sudo_names_who_called_it(app, runner, monkeypatch):
    monkeypatch.setenv("SUDO_USER", "anne")
    first_id = _last_id()
    runner.invoke(args=["users", "create", "b@example.dk", "--role", "admin", "--password-stdin"],
                  input=f"{PASSWORD}\n")  # fmt: skip
    assert _actors_since(first_id)["users"] == {
        f"cli: flask users create (os user {OS_USER} via sudo from anne)"
    }


def test_a_named_actor_and_code_outside_a_command_are_unchanged(app, users):
    secretariat = users.make("secretariat")
    assert current_actor().label == "system"
    first_id = _last_id()
    with acting_as(secretariat):
        update_programme(secretariat, get_programme("ddns"), {"vision": "Ny vision."})
    db.session.commit()
    assert _actors_since(first_id) == {"programmes": {secretariat.email}}
