"""The ID token checks and the group → role mapping, without a provider."""

from __future__ import annotations

import base64
import json
import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from portfolio.auth import oidc
from portfolio.auth.models import OidcGroupRole, Role

ISSUER = "https://login.example.dk/tenant/v2.0"
KEY = RSAKey.generate_key(2048, {"kid": "k1", "use": "sig", "alg": "RS256"})
OTHER = RSAKey.generate_key(2048, {"kid": "k1", "use": "sig", "alg": "RS256"})
UNKNOWN = RSAKey.generate_key(2048, {"kid": "k2", "use": "sig", "alg": "RS256"})


def _unsigned() -> str:
    """A token with alg "none": no signature at all."""

    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "styrbord", "sub": "s1", "iat": now, "exp": now + 300}
    return f"{part({'alg': 'none'})}.{part({**claims, 'nonce': 'n1'})}."


@pytest.fixture
def oidc_app(app):
    app.config.update(
        OIDC_ISSUER=ISSUER,
        OIDC_CLIENT_ID="styrbord",
        OIDC_TENANT_ID=None,
        OIDC_CLOCK_SKEW_SECONDS=0,
    )
    with app.test_request_context():
        yield app


def _token(key=KEY, kid="k1", **changes):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "styrbord", "sub": "s1", "iat": now, "exp": now + 300}
    claims.update({"nonce": "n1"}, **changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode({"alg": "RS256", "kid": kid}, claims, key)


def _check(token, nonce="n1"):
    return oidc.validate_id_token(token, nonce, KeySet([KEY]))


def test_a_good_token_passes(oidc_app):
    assert _check(_token())["sub"] == "s1"


@pytest.mark.parametrize(
    ("token", "nonce", "message"),
    [
        (lambda: _token(key=OTHER), "n1", "signatur er ugyldig"),
        (lambda: _token(key=UNKNOWN, kid="k2"), "n1", "signatur er ugyldig"),
        (_unsigned, "n1", "signatur er ugyldig"),
        (lambda: "not-a-token", "n1", "signatur er ugyldig"),
        (lambda: _token(iss="https://evil.example/v2.0"), "n1", "en anden udbyder"),
        (lambda: _token(aud="someone-else"), "n1", "ikke udstedt til Styrbord"),
        (lambda: _token(aud=["styrbord", "x"]), "n1", "ikke udstedt til Styrbord"),
        (lambda: _token(azp="x"), "n1", "ikke udstedt til Styrbord"),
        (lambda: _token(exp=int(time.time()) - 5), "n1", "udløbet"),
        (lambda: _token(), "another-nonce", "hører ikke til dette login-forsøg"),
        (lambda: _token(nonce=None), "n1", "hører ikke til dette login-forsøg"),
        (lambda: _token(sub=None), "n1", "mangler oplysninger"),
    ],
)
def test_bad_tokens_are_refused_in_danish(oidc_app, token, nonce, message):
    with pytest.raises(oidc.SignInRefused) as refused:
        _check(token(), nonce)
    assert message in refused.value.message


def test_several_audiences_pass_when_azp_names_us(oidc_app):
    assert _check(_token(aud=["styrbord", "x"], azp="styrbord"))["sub"] == "s1"


def test_the_tenant_is_checked_when_configured(oidc_app):
    oidc_app.config["OIDC_TENANT_ID"] = "t1"
    with pytest.raises(oidc.SignInRefused, match="anden organisation"):
        _check(_token(tid="t2"))
    assert _check(_token(tid="t1"))["tid"] == "t1"


def test_roles_are_set_from_the_mapping(oidc_app, users):
    from portfolio.extensions import db

    user = users.make("viewer")
    db.session.add(OidcGroupRole(claim_value="g-sek", role=Role.SECRETARIAT, programme_id=None))
    db.session.flush()
    oidc.sync_roles(user, {"groups": ["g-sek", 17], "roles": "x"})
    assert [(m.role, m.programme_id) for m in user.memberships] == [(Role.SECRETARIAT, None)]
    oidc_app.config["OIDC_ROLE_SYNC"] = "manual"
    oidc.sync_roles(user, {"groups": []})
    assert [m.role for m in user.memberships] == [Role.SECRETARIAT]
    db.session.rollback()
