"""Login throttling stops guessing at one account without locking out an office (issue 11, 8).

Failed attempts are counted per account (whatever the address) and, much more generously,
per address. A ministry behind one NAT keeps signing in while one of its accounts is locked.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from portfolio.auth.services import login_throttle_key
from portfolio.extensions import db, limiter
from tests.conftest import PASSWORD, make_app
from tests.live import REDIS_URL, redis_or_skip

ROOT = Path(__file__).resolve().parents[2]
OFFICE = "10.20.30.40"  # one address: the ministry's NAT


@pytest.fixture
def throttled(tmp_path, _sqlite_template, _postgres_schema):
    """Make an app with throttling on (the shipped limits unless told otherwise)."""
    made = []

    def make(**config):
        app = make_app(
            tmp_path, _sqlite_template, snapshot=_postgres_schema, RATELIMIT_ENABLED=True, **config
        )
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
    # The limiter is one object per process (one app in production), and it remembers a
    # store that stopped answering across init_app: forget it, for the next test's app.
    limiter._storage_dead = False


def _post(app, email, password, address=OFFICE, **headers):
    client = app.test_client()  # a fresh browser for every attempt: nobody is signed in yet
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_a_locked_account_does_not_lock_out_its_office(throttled, users, caplog):
    app = throttled()
    with app.app_context():
        guessed, colleague = users.make("viewer"), users.make("secretariat")
        statuses = [_post(app, guessed.email, "forkert").status_code for _ in range(11)]
        assert statuses == [422] * 10 + [429]
        # Past the limit, the account waits even for its right password …
        locked = _post(app, guessed.email, PASSWORD)
        assert locked.status_code == 429
        refusals = [r.getMessage() for r in caplog.records if r.name == "portfolio.auth.views"]
        assert f"login refused: the account limit is reached (from {OFFICE})" in refusals
        assert not any(guessed.email in message for message in refusals)
        # … but everybody else behind the same address signs in as usual.
        assert _post(app, colleague.email, PASSWORD).status_code == 302


def test_the_account_limit_holds_from_every_address(throttled, users):
    app = throttled()
    with app.app_context():
        user = users.make("viewer")
        for n in range(10):
            assert _post(app, user.email, "forkert", address=f"192.0.2.{n + 1}").status_code == 422
        assert _post(app, user.email, PASSWORD, address="198.51.100.7").status_code == 429
        # The e-mail is one account however it is written.
        assert (
            _post(app, " Viewer@Example.DK ", PASSWORD, address="198.51.100.8").status_code == 429
        )


def test_only_failed_attempts_count(throttled, users):
    app = throttled()
    with app.app_context():
        user = users.make("viewer")
        for _ in range(12):  # more logins than the limit allows failures
            assert _post(app, user.email, PASSWORD).status_code == 302
        assert _post(app, user.email, "forkert").status_code == 422


def test_the_address_limit_stops_guessing_across_accounts(throttled, users):
    app = throttled(LOGIN_ADDRESS_RATE_LIMIT="5 per hour")
    with app.app_context():
        user = users.make("viewer")
        for n in range(5):
            assert _post(app, f"gæt{n}@example.dk", "forkert").status_code == 422
        refused = _post(app, user.email, PASSWORD)
        assert refused.status_code == 429
        assert "fra din adresse" in refused.get_data(as_text=True)
        assert _post(app, user.email, PASSWORD, address="203.0.113.9").status_code == 302


def test_the_shipped_address_limit_is_far_above_one_persons(app):
    from limits import parse_many

    per_address = parse_many(app.config["LOGIN_ADDRESS_RATE_LIMIT"])
    per_account = parse_many(app.config["LOGIN_ACCOUNT_RATE_LIMIT"])
    assert min(limit.amount for limit in per_address) >= 20 * max(
        limit.amount for limit in per_account
    )


def test_the_429_page_says_in_danish_when_to_try_again(throttled, users):
    app = throttled(LOGIN_ACCOUNT_RATE_LIMIT="2 per 15 minutes")
    with app.app_context():
        user = users.make("viewer")
        for _ in range(2):
            _post(app, user.email, "forkert")
        page = _post(app, user.email, PASSWORD)
        assert page.status_code == 429
        text = page.get_data(as_text=True)
        assert "For mange forsøg" in text
        assert "for mange forkerte adgangskoder til denne konto" in text
        assert "Prøv igen om 15 minutter (kl. " in text
        assert 14 * 60 <= int(page.headers["Retry-After"]) <= 15 * 60
        assert user.email not in text  # the page does not repeat what was typed

        english = app.test_client().post(
            "/login?lang=en",
            data={"email": user.email, "password": PASSWORD},
            environ_base={"REMOTE_ADDR": OFFICE},
        )
        assert english.status_code == 429
        assert "Try again in 15 minutes (at " in english.get_data(as_text=True)


def test_storage_comes_from_the_environment(monkeypatch):
    from portfolio.config import load_config

    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://cache.internal:6379/2")
    import importlib

    import portfolio.config as config_module

    reloaded = importlib.reload(config_module)
    try:
        assert reloaded.load_config({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})[
            "RATELIMIT_STORAGE_URI"
        ] == ("redis://cache.internal:6379/2")
    finally:
        monkeypatch.delenv("RATELIMIT_STORAGE_URI")
        importlib.reload(config_module)
    assert load_config({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})[
        "RATELIMIT_STORAGE_URI"
    ] == ("memory://")


# A second instance of the app: another process, as a second server would be.
_OTHER_INSTANCE = """
import json, sys
from portfolio import create_app
config = json.loads(sys.argv[1])
app = create_app(config)
client = app.test_client()
statuses = [
    client.post(
        "/login",
        data={"email": config["EMAIL"], "password": config["GUESS"]},
        environ_base={"REMOTE_ADDR": config["ADDRESS"]},
    ).status_code
    for _ in range(config["ATTEMPTS"])
]
print(json.dumps(statuses))
"""


def _other_instance(app, storage_uri: str, email: str, address: str, attempts: int, guess: str):
    config = {
        "TESTING": True,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage_uri,
        "EMAIL": email,
        "ADDRESS": address,
        "GUESS": guess,
        "ATTEMPTS": attempts,
    }
    done = subprocess.run(
        [sys.executable, "-c", _OTHER_INSTANCE, json.dumps(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_instances_share_the_count_through_redis(throttled, users):
    redis = redis_or_skip()
    # The server may be shared with other test runs: an account and addresses of our own.
    run = uuid.uuid4()
    here, there = (f"10.{run.bytes[0]}.{run.bytes[1]}.{n}" for n in (1, 2))
    app = throttled(RATELIMIT_STORAGE_URI=REDIS_URL)
    try:
        with app.app_context():
            user = users.make("viewer", email=f"delt-{run.hex}@example.dk")
            for _ in range(6):
                assert _post(app, user.email, "forkert", address=here).status_code == 422
            # The other instance sees the six failures made here: four more, then locked.
            statuses = _other_instance(app, REDIS_URL, user.email, there, 5, "forkert")
            assert statuses == [422, 422, 422, 422, 429]
            # And this one sees the other's: the account is locked here too.
            assert _post(app, user.email, PASSWORD, address=here).status_code == 429
    finally:
        account = login_throttle_key(f"delt-{run.hex}@example.dk")
        for pattern in (f"*{account}*", f"*{here}*", f"*{there}*"):
            for key in redis.scan_iter(pattern):
                redis.delete(key)


def test_memory_storage_counts_per_instance(throttled, users):
    """The control for the test above: without shared storage each instance counts alone."""
    app = throttled(RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        user = users.make("viewer")
        for _ in range(6):
            assert _post(app, user.email, "forkert").status_code == 422
        statuses = _other_instance(app, "memory://", user.email, "192.0.2.200", 5, "forkert")
        assert statuses == [422] * 5


def test_logins_go_on_when_the_shared_store_is_down(throttled, users):
    """Redis away: each worker counts in memory meanwhile, instead of every login failing."""
    app = throttled(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", SHOW_ERROR_PAGES=True)
    with app.app_context():
        user = users.make("viewer")
        assert _post(app, user.email, "forkert").status_code == 422
        assert _post(app, user.email, PASSWORD).status_code == 302
