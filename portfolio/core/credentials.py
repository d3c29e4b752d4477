"""Credentials written into URLs: finding, masking and restoring them.

A URL may carry a password (`https://reader:pw@host/…`) or a key in its query string
(`…?api_key=…`, `…&token=…`). Such a URL is a secret as a whole: it is stored where secrets
are kept, and wherever it is shown (a list, a form, the audit trail, a log line) the
password and the key values are replaced by `MASK`. Typing a URL back with the mask in it
keeps the stored values, but only for the same scheme, host and port, so that nobody can
send a stored password to a server of their own choosing.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

MASK = "••••"

# Query parameter names that carry credentials (compared lower-case, anywhere in the name):
# password, passwd, pwd, secret, token, api_key/apikey, access_key, auth, signature, sig,
# credential, session.
_SECRET_NAME = re.compile(r"pass|pwd|secret|token|key|auth|sig|credential|session")
# A password in the authority of a URL anywhere in a text: scheme://user:password@host.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s/?#@:]*):([^\s/?#]*)@")
# A secret-looking query parameter anywhere in a text: ?token=… or &api_key=….
_QUERY_SECRET = re.compile(r"([?&;]([^=&#\s]*)=)([^&#\s]*)")


def is_secret_parameter(name: str) -> bool:
    """Tell whether a query parameter's name says it holds a credential."""
    return bool(_SECRET_NAME.search(unquote(name).lower()))


def _mask_query(match: re.Match) -> str:
    prefix, name, value = match.group(1), match.group(2), match.group(3)
    if value and is_secret_parameter(name):
        return prefix + MASK
    return match.group(0)


def mask_url_secrets(text: str | None) -> str | None:
    """Return a URL (or a text holding URLs) with passwords and key values replaced by MASK."""
    if not text or ("@" not in text and "=" not in text):
        return text
    text = _USERINFO.sub(lambda m: f"{m.group(1)}:{MASK}@", text)
    if "://" in text:
        text = _QUERY_SECRET.sub(_mask_query, text)
    return text


def has_url_secrets(url: str | None) -> bool:
    """Tell whether a URL carries a password or a secret-looking query parameter."""
    return bool(url) and mask_url_secrets(url) != url


def _origin(parts) -> tuple[str, str, int | None]:
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _query_values(query: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for part in query.split("&"):
        name, sep, value = part.partition("=")
        if sep and name not in values:
            values[name] = value
    return values


def restore_url_secrets(typed: str, stored: str | None) -> str:
    """Put the stored password and key values back where `typed` shows MASK.

    Raises ValueError when the mask cannot be filled in: nothing is stored, or the typed
    URL points at another scheme, host or port than the stored one (a stored password is
    never sent anywhere else), or names another user.
    """
    if MASK not in typed:
        return typed
    if not stored:
        raise ValueError("no stored URL to take the masked values from")
    new, old = urlsplit(typed), urlsplit(stored)
    if _origin(new) != _origin(old):
        raise ValueError("the masked URL points elsewhere than the stored one")
    netloc = new.netloc
    if new.password == MASK:
        if new.username != old.username or old.password is None:
            raise ValueError("the masked password belongs to another user")
        host = netloc.rpartition("@")[2]
        netloc = f"{old.netloc.rpartition('@')[0]}@{host}"
    stored_query = _query_values(old.query)
    parts = []
    for part in new.query.split("&") if new.query else []:
        name, _sep, value = part.partition("=")
        if value == MASK:
            if name not in stored_query:
                raise ValueError(f"no stored value for the parameter {name}")
            part = f"{name}={stored_query[name]}"
        parts.append(part)
    restored = urlunsplit((new.scheme, netloc, new.path, "&".join(parts), new.fragment))
    if MASK in restored:
        raise ValueError("the mask stands where no stored value can fill it")
    return restored
