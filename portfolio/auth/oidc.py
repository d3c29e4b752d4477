"""Sign-in through an OpenID Connect provider (Microsoft Entra ID's v2.0 endpoints and any
other certified one): the authorisation code flow with PKCE (S256), state and nonce.

The ID token is checked in full before anybody is signed in: its signature against the
provider's published keys (JWKS), issuer, audience (and azp), expiry, nonce and, for
Entra ID when configured, the tenant (tid). Users are matched by the issuer and a stable
subject claim, never by e-mail; roles follow the administrator's group → role mapping.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import sqlalchemy as sa
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from flask import Flask, current_app
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

from portfolio.auth.models import Membership, OidcGroupRole, Role, User
from portfolio.extensions import db

# Roles the mapping may grant: a track lead or benefit owner needs a track or benefit,
# which no group names, so those stay with the administrators.
MAPPABLE_ROLES = (Role.SECRETARIAT, Role.VIEWER)
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
DISCOVERY_SECONDS = 3600
HTTP_TIMEOUT = 10.0
UNUSABLE_PASSWORD = "!oidc"  # noqa: S105 - matches no password (no hash has this form)


class SignInRefused(Exception):
    """The sign-in is refused; the message (Danish) is shown on the login page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Pending:
    """What a started sign-in keeps in the session until the provider sends the user back."""

    state: str
    nonce: str
    verifier: str
    next: str

    def as_dict(self) -> dict[str, str]:
        return {
            "state": self.state,
            "nonce": self.nonce,
            "verifier": self.verifier,
            "next": self.next,
        }


def enabled(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def _unavailable() -> SignInRefused:
    return SignInRefused(
        _("Login via %(provider)s er ikke muligt lige nu: udbyderen svarer ikke. Prøv igen.")
        % {"provider": current_app.config["OIDC_PROVIDER_NAME"]}
    )


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=HTTP_TIMEOUT, follow_redirects=False)
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as error:
        current_app.logger.warning("OIDC: %s could not be read: %s", url, type(error).__name__)
        raise _unavailable() from error
    if not isinstance(data, dict):
        raise _unavailable()
    return data


_discovery_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def metadata() -> dict[str, Any]:
    """The provider's discovery document (cached an hour); its issuer must be ours."""
    config = current_app.config
    issuer = config["OIDC_ISSUER"]
    url = config.get("OIDC_DISCOVERY_URL") or (
        issuer.rstrip("/") + "/.well-known/openid-configuration"
    )
    cached = _discovery_cache.get(url)
    if cached and time.monotonic() - cached[0] < DISCOVERY_SECONDS:
        return cached[1]
    document = _get_json(url)
    if document.get("issuer") != issuer:
        # OpenID Connect Discovery 1.0 §4.3: the document must name the issuer we asked.
        current_app.logger.warning("OIDC: the discovery document names another issuer")
        raise SignInRefused(_wrong_issuer())
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(key), str):
            raise _unavailable()
    _discovery_cache[url] = (time.monotonic(), document)
    return document


def _wrong_issuer() -> str:
    return _("Login blev afvist: svaret kom fra en anden udbyder end den, Styrbord er sat op til.")


def begin(redirect_uri: str, next_url: str) -> tuple[str, Pending]:
    """Return the provider's authorisation address, and what to keep for the callback."""
    config = current_app.config
    pending = Pending(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        verifier=secrets.token_urlsafe(48),
        next=next_url,
    )
    query = {
        "response_type": "code",
        "client_id": config["OIDC_CLIENT_ID"],
        "redirect_uri": redirect_uri,
        "scope": config["OIDC_SCOPES"],
        "state": pending.state,
        "nonce": pending.nonce,
        "code_challenge": create_s256_code_challenge(pending.verifier),
        "code_challenge_method": "S256",
    }
    endpoint = metadata()["authorization_endpoint"]
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(query)}", pending


def exchange(code: str, redirect_uri: str, pending: Pending) -> tuple[dict[str, Any], str]:
    """Trade the code for tokens; return the checked ID token's claims and the token."""
    config = current_app.config
    try:
        response = httpx.post(
            metadata()["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": pending.verifier,
            },
            auth=(config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"] or ""),
            headers={"Accept": "application/json"},
            timeout=HTTP_TIMEOUT,
        )
        body = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise _unavailable() from error
    if response.status_code != 200 or not isinstance(body, dict):
        current_app.logger.warning("OIDC: the token endpoint answered %s", response.status_code)
        raise SignInRefused(
            _("Login blev afvist: udbyderen ville ikke udstede et ID-token. Prøv igen.")
        )
    id_token = body.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefused(_("Login blev afvist: udbyderen sendte intet ID-token."))
    return validate_id_token(id_token, pending.nonce), id_token


def _keys() -> KeySet:
    document = _get_json(metadata()["jwks_uri"])
    try:
        return KeySet.import_key_set(document)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise _unavailable() from error


def validate_id_token(id_token: str, nonce: str, keys: KeySet | None = None) -> dict[str, Any]:
    """Check the ID token's signature and claims; raise SignInRefused with why not."""
    config = current_app.config
    keys = keys if keys is not None else _keys()
    try:
        token = jwt.decode(id_token, keys, algorithms=list(SIGNING_ALGORITHMS))
    except (BadSignatureError, ValueError) as error:
        current_app.logger.warning("OIDC: ID token signature refused (%s)", type(error).__name__)
        raise SignInRefused(_("Login blev afvist: ID-tokenets signatur er ugyldig.")) from error
    except JoseError as error:
        current_app.logger.warning("OIDC: ID token refused (%s)", type(error).__name__)
        raise SignInRefused(_("Login blev afvist: ID-tokenets signatur er ugyldig.")) from error
    claims = dict(token.claims)
    client_id = config["OIDC_CLIENT_ID"]
    registry = jwt.JWTClaimsRegistry(
        leeway=int(config["OIDC_CLOCK_SKEW_SECONDS"]),
        iss={"essential": True, "value": config["OIDC_ISSUER"]},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as error:
        raise SignInRefused(
            _("Login blev afvist: ID-tokenet er udløbet. Prøv igen (og tjek serverens ur).")
        ) from error
    except (InvalidClaimError, MissingClaimError) as error:
        raise SignInRefused(_claim_message(error.claim)) from error
    except JoseError as error:  # issued in the future, not yet valid
        raise SignInRefused(
            _("Login blev afvist: ID-tokenet er endnu ikke gyldigt (tjek serverens ur).")
        ) from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    # OpenID Connect Core §3.1.3.7: with several audiences, azp must name us; if given, always.
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != client_id:
        raise SignInRefused(_claim_message("aud"))
    tenant = config.get("OIDC_TENANT_ID")
    if tenant and claims.get("tid") != tenant:
        raise SignInRefused(
            _("Login blev afvist: kontoen hører til en anden organisation (tenant) hos udbyderen.")
        )
    subject = claims.get(config["OIDC_SUBJECT_CLAIM"])
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SignInRefused(_("Login blev afvist: ID-tokenet navngiver ikke brugeren."))
    return claims


def _claim_message(claim: str) -> str:
    if claim == "iss":
        return _wrong_issuer()
    if claim in {"aud", "azp"}:
        return _("Login blev afvist: ID-tokenet er ikke udstedt til Styrbord.")
    if claim == "nonce":
        return _("Login blev afvist: ID-tokenet hører ikke til dette login-forsøg. Prøv igen.")
    if claim == "exp":
        return _("Login blev afvist: ID-tokenet er udløbet. Prøv igen (og tjek serverens ur).")
    return _("Login blev afvist: ID-tokenet mangler oplysninger, som Styrbord kræver.")


def group_values(claims: dict[str, Any]) -> set[str]:
    """The values of the configured group and role claims (non-strings are ignored)."""
    values: set[str] = set()
    for name in current_app.config["OIDC_GROUPS_CLAIM"].split():
        found = claims.get(name)
        if isinstance(found, str):
            found = [found]
        if isinstance(found, list):
            values.update(v for v in found if isinstance(v, str))
    return values


def _groups_overflow(claims: dict[str, Any]) -> bool:
    """Entra ID leaves out the groups claim when a user is in too many groups."""
    names = claims.get("_claim_names")
    wanted = set(current_app.config["OIDC_GROUPS_CLAIM"].split())
    return isinstance(names, dict) and bool(wanted & set(names))


def find_or_create_user(claims: dict[str, Any]) -> tuple[User, bool]:
    """Return the user the claims name (by issuer and subject), creating them if allowed."""
    config = current_app.config
    issuer = config["OIDC_ISSUER"]
    subject = claims[config["OIDC_SUBJECT_CLAIM"]]
    user = db.session.scalar(
        sa.select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    )
    if user is not None:
        if not user.is_active_account:
            raise SignInRefused(_("Din konto i Styrbord er lukket. Kontakt en administrator."))
        return user, False
    if not config["OIDC_CREATE_USERS"]:
        raise SignInRefused(
            _("Du har ingen konto i Styrbord endnu. Bed en administrator om at oprette dig.")
        )
    email = claims.get("email") or claims.get("preferred_username")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        raise SignInRefused(_("Login blev afvist: udbyderen sendte ingen gyldig e-mailadresse."))
    email = email.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        # Never joined to an existing account by e-mail: addresses get handed on.
        raise SignInRefused(
            _(
                "Der findes allerede en Styrbord-konto med din e-mailadresse. Bed en"
                " administrator om at knytte den til dit login."
            )
        )
    name = claims.get("name")
    user = User(
        email=email,
        name=name[:200] if isinstance(name, str) else "",
        password_hash=UNUSABLE_PASSWORD,
        is_admin=False,
        is_active_account=True,
        session_epoch=0,
        oidc_issuer=issuer,
        oidc_subject=subject,
    )
    db.session.add(user)
    return user, True


def desired_roles(groups: set[str]) -> set[tuple[Role, int | None]]:
    if not groups:
        return set()
    rows = db.session.scalars(sa.select(OidcGroupRole).where(OidcGroupRole.claim_value.in_(groups)))
    return {(row.role, row.programme_id) for row in rows}


def sync_roles(user: User, claims: dict[str, Any]) -> None:
    """Make the user's mappable roles those their groups map to (unless kept manual)."""
    if current_app.config["OIDC_ROLE_SYNC"] == "manual":
        return
    if _groups_overflow(claims):
        raise SignInRefused(
            _(
                "Login blev afvist: du er medlem af for mange grupper til, at udbyderen sender"
                " dem. Bed en administrator om at bruge app-roller i stedet."
            )
        )
    wanted = desired_roles(group_values(claims))
    held: set[tuple[Role, int | None]] = set()
    for membership in list(user.memberships):
        if membership.role not in MAPPABLE_ROLES:
            continue
        key = (membership.role, membership.programme_id)
        if key in wanted and key not in held:
            held.add(key)
        else:
            user.memberships.remove(membership)
    for role, programme_id in sorted(wanted - held, key=lambda k: (k[0].value, k[1] or 0)):
        user.memberships.append(Membership(role=role, programme_id=programme_id))


def end_session_url(id_token: str | None, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session address, when it offers one."""
    try:
        endpoint = metadata().get("end_session_endpoint")
    except SignInRefused:
        return None
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        return None
    query = {
        "client_id": current_app.config["OIDC_CLIENT_ID"],
        "post_logout_redirect_uri": post_logout_redirect_uri,
    }
    if id_token:
        query["id_token_hint"] = id_token
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(query)}"
