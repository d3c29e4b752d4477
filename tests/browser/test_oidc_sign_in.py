"""Signing in through a real OpenID Connect provider (oidc-provider on 127.0.0.1): its own
login and consent pages, back to the portfolio with the roles the user's groups map to;
and the refusals (replayed state, bad signature, wrong issuer, expired ID token)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portfolio.auth.models import OidcGroupRole, Role, User
from portfolio.extensions import db
from portfolio.programmes.models import Programme
from tests.browser.conftest import TODAY
from tests.conftest import make_app
from tests.live import LiveServer
from tests.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    Provider,
    TamperingProxy,
    free_port,
    install,
    missing,
    resign,
)

pytestmark = pytest.mark.browser
ID_TOKEN_TTL = 2


@pytest.fixture
def oidc(browser, tmp_path, _sqlite_template, _postgres_schema):
    reason = missing()
    if reason:
        pytest.skip(reason)
    install()
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    proxy = TamperingProxy(issuer)
    app = make_app(
        tmp_path,
        _sqlite_template,
        snapshot=_postgres_schema,
        WTF_CSRF_ENABLED=True,
        TODAY=TODAY,
        OIDC_ISSUER=issuer,
        OIDC_DISCOVERY_URL=proxy.discovery_url,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_SCOPES="openid email profile groups",
        OIDC_CREATE_USERS=True,
        OIDC_PROVIDER_NAME="Testudbyderen",
        OIDC_CLOCK_SKEW_SECONDS=0,
    )
    with app.app_context():
        ddns = db.session.scalar(sa.select(Programme))
        db.session.add_all(
            [
                OidcGroupRole(
                    claim_value="ddns-sekretariat", role=Role.SECRETARIAT, programme=ddns
                ),
                OidcGroupRole(claim_value="ddns-styregruppe", role=Role.VIEWER, programme=None),
            ]
        )
        db.session.commit()
        db.session.remove()
    server = LiveServer(app)
    provider = Provider(
        port=port,
        redirect_uris=[server.url("/login/oidc/callback")],
        post_logout=[server.url("/login")],
        id_token_ttl=ID_TOKEN_TTL,
    )
    server.start()
    context = browser.new_context(
        base_url=server.base_url, viewport={"width": 1366, "height": 900}, locale="da-DK"
    )
    context.set_default_timeout(15_000)
    # Only this machine: the provider's development pages ask for a web font elsewhere.
    context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    tab = context.new_page()
    try:
        yield {"page": tab, "app": app, "server": server, "proxy": proxy, "provider": provider}
    finally:
        context.close()
        server.stop()
        provider.stop()
        proxy.stop()


def _sign_in_at_provider(page, login: str) -> None:
    page.goto("/login")
    page.get_by_role("link", name="Log ind via Testudbyderen").click()
    page.wait_for_url(re.compile(r"/interaction/"))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    # The provider asks for consent on the first sign-in.
    page.get_by_role("button", name="Continue").click()


def _error(page) -> str:
    return page.locator("#login-error").inner_text()


def test_signs_in_through_the_provider_with_the_roles_its_groups_map_to(oidc):
    page, app = oidc["page"], oidc["app"]
    _sign_in_at_provider(page, "anna")
    page.wait_for_url(lambda url: url.startswith(oidc["server"].base_url) and "/login" not in url)
    assert page.get_by_role("heading", level=1).count() >= 1
    page.goto("/account")
    assert "Programsekretariat" in page.content()
    with app.app_context():
        anna = db.session.scalar(sa.select(User).where(User.email == "anna@example.dk"))
        assert anna.oidc_issuer == oidc["provider"].issuer
        assert anna.oidc_subject == "anna"
        assert [(m.role, m.programme_id is not None) for m in anna.memberships] == [
            (Role.SECRETARIAT, True)
        ]
        db.session.remove()
    # Signing out ends Styrbord's session and the provider's (its end-session page).
    page.goto("/")
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(re.compile(r"/session/end"))
    page.get_by_role("button", name=re.compile("Yes")).click()
    page.wait_for_url(re.compile(r"/login$"))
    page.goto("/account")
    assert "/login" in page.url


def test_roles_follow_the_groups_on_each_sign_in(oidc):
    page, app = oidc["page"], oidc["app"]
    _sign_in_at_provider(page, "bo")
    page.wait_for_url(
        lambda url: "/login" not in url and "127.0.0.1" in url and "interaction" not in url
    )
    with app.app_context():
        bo = db.session.scalar(sa.select(User).where(User.email == "bo@example.dk"))
        assert [(m.role, m.programme_id) for m in bo.memberships] == [(Role.VIEWER, None)]
        db.session.remove()


def test_a_replayed_answer_is_refused(oidc):
    page = oidc["page"]
    callbacks: list[str] = []
    page.on(
        "request",
        lambda request: (
            callbacks.append(request.url) if "/login/oidc/callback" in request.url else None
        ),
    )
    _sign_in_at_provider(page, "anna")
    page.wait_for_url(lambda url: "/login" not in url and "interaction" not in url)
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url(re.compile(r"/session/end"))
    page.goto(callbacks[0])
    assert "hører ikke til et login, der er i gang" in _error(page)
    page.goto("/account")
    assert "/login" in page.url


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("signature", "ID-tokenets signatur er ugyldig"),
        ("issuer", "en anden udbyder end den, Styrbord er sat op til"),
        ("slow", "ID-tokenet er udløbet"),
    ],
)
def test_a_bad_id_token_is_refused_with_a_danish_message(oidc, mode, message):
    page, proxy = oidc["page"], oidc["proxy"]
    proxy.mode = mode
    proxy.delay = ID_TOKEN_TTL + 1.5
    key = oidc["provider"].key
    proxy.forge = lambda token: resign(token, key, iss="http://127.0.0.1:9/impostor")
    _sign_in_at_provider(page, "carl")
    page.wait_for_url(re.compile(r"/login/oidc/callback"))
    assert message in _error(page)
    assert proxy.seen_id_tokens, "the provider issued an ID token"
    page.goto("/account")
    assert "/login" in page.url
    with oidc["app"].app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "carl@example.dk")) is None
        db.session.remove()


def test_a_provider_whose_discovery_names_another_issuer_is_refused(oidc):
    page, app, provider = oidc["page"], oidc["app"], oidc["provider"]
    # The real provider calls itself 127.0.0.1; Styrbord is told to expect localhost.
    app.config["OIDC_ISSUER"] = provider.issuer.replace("127.0.0.1", "localhost")
    app.config["OIDC_DISCOVERY_URL"] = provider.issuer + "/.well-known/openid-configuration"
    page.goto("/login")
    page.get_by_role("link", name="Log ind via Testudbyderen").click()
    assert "en anden udbyder end den, Styrbord er sat op til" in _error(page)
    assert "/interaction/" not in page.url
