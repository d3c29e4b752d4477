"""Getting bytes from a URL or a local file, always within a fetch's deadline.

Every HTTP call runs under httpx's own timeouts (connect, read, write, pool: each set to the
time left) and, because a server that trickles its answer a byte at a time can keep each
read within those timeouts forever, in a worker thread that the caller stops waiting for
when the deadline passes. A fetch therefore never takes much longer than its timeout.

Where a source may read is `access.py`'s business: local files only in the allowed
folders, hosts only on public addresses (or allowed ones), checked at every redirect, and
the connection made to the address that was checked. An error's message says what went
wrong (a status code, a refused address), never what the server answered: that goes to
the error's `detail`, for the log.
"""

from __future__ import annotations

import functools
import ssl
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.core.credentials import mask_url_secrets
from portfolio.metrics.adapters import access
from portfolio.metrics.adapters.base import (
    Deadline,
    SourceAccessDenied,
    SourceConfigError,
    SourceConnectionError,
    SourceError,
    SourceHTTPError,
    SourceTimeout,
    short_text,
    timeout_message,
)

# Statistics tables are small; a much larger answer is a wrong URL or a misbehaving server.
MAX_BYTES = 50 * 1024 * 1024
# Of an error status's body, this much is kept for the log.
ERROR_BODY_BYTES = 4096
MAX_REDIRECTS = 5
USER_AGENT = "Styrbord metric adapter"


@dataclass(frozen=True)
class Payload:
    """Bytes read from a location, with what the server said about their version."""

    content: bytes
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None


def is_url(location: str) -> bool:
    """Tell whether a location is an http(s) URL rather than a file path.

    Never raises: a URL too broken to split ("http://[::1") still counts as one, so that
    `request` refuses it in Danish instead of it being looked up as a file.
    """
    try:
        scheme = urlsplit(location).scheme
    except ValueError:
        scheme = location.partition(":")[0].strip().lower()
    return scheme in ("http", "https")


def _check_splittable(url: str) -> None:
    """Refuse a URL that urllib cannot split (an unclosed "[", characters NFKC changes)."""
    try:
        urlsplit(url).port  # noqa: B018 - the port is read for its ValueError
    except ValueError:
        raise SourceConfigError(
            _("Adressen %(url)s er ugyldig.", url=short_text(mask_url_secrets(url), 200))
        ) from None


def read_location(location: str, deadline: Deadline, *, max_bytes: int = MAX_BYTES) -> Payload:
    """Read a URL (GET) or a local file path into memory."""
    if is_url(location):
        return request("GET", location, deadline, max_bytes=max_bytes)
    _check_splittable(location)
    scheme = urlsplit(location).scheme
    # A one-letter "scheme" is a Windows drive letter, not a protocol.
    if scheme and len(scheme) > 1:
        raise SourceConfigError(
            _("Adressen skal begynde med http:// eller https:// eller være en sti til en fil.")
        )
    return Payload(read_file(location, max_bytes=max_bytes))


def read_file(location: str, *, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a local file inside the allowed folders (METRICS_FILE_ROOTS, see access.py)."""
    shown = short_text(location, 200)
    try:
        path = access.checked_path(location, access.current_policy())
        content = access.read_checked_file(path, max_bytes)
    except access.FileRefused as refused:
        if refused.reason == "not_regular":
            raise SourceAccessDenied(
                _("%(path)s er ikke en almindelig fil og kan ikke læses.", path=shown)
            ) from None
        raise SourceAccessDenied(
            _(
                "Filen %(path)s ligger uden for de mapper, kilder må læse fra "
                "(METRICS_FILE_ROOTS).",
                path=shown,
            )
        ) from None
    except FileNotFoundError:
        raise SourceConfigError(_("Filen %(path)s findes ikke.", path=shown)) from None
    except OSError as error:
        raise SourceConfigError(
            _("Filen %(path)s kunne ikke læses.", path=shown), detail=repr(error)
        ) from None
    if content is None:
        raise SourceError(_too_large(max_bytes))
    return content


def _too_large(max_bytes: int) -> str:
    return _(
        "Svaret fra kilden er større end grænsen på %(megabytes)s MB.",
        megabytes=max_bytes // (1024 * 1024),
    )


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """Return one shared TLS context: building one (loading the CA bundle) costs ~50 ms of
    CPU, which a refresh of a thousand sources would otherwise pay a thousand times."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


class _TooLarge(Exception):
    pass


class _PastDeadline(Exception):
    pass


class _TooManyRedirects(Exception):
    pass


class _BadRedirect(Exception):
    """A redirect to something other than an http(s) URL."""


@dataclass
class _Hop:
    """Where a request went: `redirected` once the server sent it somewhere else."""

    url: str
    redirected: bool = False


def request(
    method: str,
    url: str,
    deadline: Deadline,
    *,
    json_body: Any = None,
    headers: dict[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
) -> Payload:
    """Make one HTTP request and return its body; raise a SourceError on any failure.

    The host must pass `access.permitted_addresses` (checked again at every redirect,
    which this follows itself, at most MAX_REDIRECTS times).
    """
    import httpx

    _check_splittable(url)
    outcome: dict[str, Any] = {}
    hop = _Hop(url)
    remaining = deadline.remaining()
    policy = access.current_policy()  # read here: the worker has no app context

    def work() -> None:
        # Only the transfer runs here; errors are turned into Danish messages by the
        # calling thread, which has the app context and the user's language.
        try:
            outcome["payload"] = _transfer(
                method, url, json_body, headers or {}, max_bytes, deadline, policy, hop
            )
        except BaseException as error:
            outcome["error"] = error

    worker = threading.Thread(target=work, name="metric-source-request", daemon=True)
    worker.start()
    worker.join(remaining)
    shown_url = mask_url_secrets(url)
    if worker.is_alive():
        # The worker ends by itself when httpx's own timeouts fire; nobody waits for it.
        raise SourceTimeout(timeout_message(deadline.seconds), detail=f"{method} {shown_url}")
    error = outcome.get("error")
    if error is None:
        payload, status_code = outcome["payload"]
        if status_code >= 400:
            raise _http_error(status_code, payload.content, mask_url_secrets(hop.url))
        return payload
    host = _host_text(url)
    detail = f"{method} {shown_url} (last hop {mask_url_secrets(hop.url)}): {error!r}"
    if isinstance(error, access.HostRefused):
        if hop.redirected:
            message = _(
                "Kilden viderestillede til en intern eller reserveret netværksadresse, "
                "som kilder ikke må læse."
            )
        else:
            message = _(
                "Adressen %(host)s peger på en intern eller reserveret netværksadresse, "
                "som kilder ikke må læse. Driften kan tillade en intern server med "
                "METRICS_ALLOWED_HOSTS.",
                host=host,
            )
        raise SourceAccessDenied(message, detail=detail)
    if isinstance(error, _BadRedirect):
        raise SourceAccessDenied(
            _(
                "Kilden viderestillede til en adresse, der ikke begynder med http:// eller https://."
            ),
            detail=detail,
        )
    if isinstance(error, _TooManyRedirects):
        raise SourceConnectionError(
            _(
                "Kilden viderestillede mere end %(count)s gange.",
                count=MAX_REDIRECTS,
            ),
            detail=detail,
        )
    if isinstance(error, access.HostUnresolved):
        raise SourceConnectionError(
            _("Kunne ikke finde kildens server (%(host)s).", host=host), detail=detail
        )
    if isinstance(error, httpx.TimeoutException | _PastDeadline):
        raise SourceTimeout(timeout_message(deadline.seconds), detail=detail)
    if isinstance(error, _TooLarge):
        raise SourceError(_too_large(max_bytes), detail=detail)
    if isinstance(error, httpx.InvalidURL | httpx.UnsupportedProtocol):
        raise SourceConfigError(
            _("Adressen %(url)s er ugyldig.", url=short_text(shown_url, 200)), detail=detail
        )
    if isinstance(error, httpx.TransportError):
        raise SourceConnectionError(
            _("Kunne ikke forbinde til kilden (%(host)s).", host=host), detail=detail
        )
    if isinstance(error, Exception):
        # Whatever else a strange URL or answer makes a library raise: a page shows a
        # Danish message, never a 500, and the log gets the cause.
        raise SourceConnectionError(
            _("Kilden kunne ikke læses (%(host)s).", host=host), detail=detail
        )
    raise error


def _host_text(url: str) -> str:
    """Return the host (and port) of the URL a user typed: never its user or password."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return short_text(f"{host}:{port}" if port else host, 200)


# What a redirect does to the method: 303 always becomes GET, and so do 301 and 302 after
# a POST (what browsers and httpx do); 307 and 308 repeat the request as it was.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def _transfer(
    method: str,
    url: str,
    json_body: Any,
    headers: dict[str, str],
    max_bytes: int,
    deadline: Deadline,
    policy: access.AccessPolicy,
    hop: _Hop,
) -> tuple[Payload, int]:
    import httpx

    current = httpx.URL(url)
    with httpx.Client(
        timeout=httpx.Timeout(max(deadline.remaining(), 0.001)),
        verify=_ssl_context(),
        follow_redirects=False,
        # Environment proxies would decide where the connection goes after the check.
        trust_env=False,
        headers={"User-Agent": USER_AGENT, **headers},
    ) as client:
        for redirects in range(MAX_REDIRECTS + 1):
            if current.scheme not in ("http", "https"):
                raise _BadRedirect(str(current))
            response = _send_pinned(client, method, current, json_body, deadline, policy)
            location = response.headers.get("location")
            if response.status_code not in REDIRECT_STATUSES or not location:
                return _read(response, max_bytes, deadline)
            response.close()
            if redirects == MAX_REDIRECTS:
                break
            try:
                following = current.join(location)
            except httpx.InvalidURL:
                raise _BadRedirect(location) from None
            if response.status_code == 303 or (
                response.status_code in (301, 302) and method == "POST"
            ):
                method, json_body = "GET", None
            if _origin(following) != _origin(current):
                # A password in the URL is for the host it was written for.
                following = following.copy_with(username=None, password=None)
            current = following
            hop.url, hop.redirected = str(current), True
    raise _TooManyRedirects()


def _origin(url) -> tuple[str, bytes, int | None]:
    return url.scheme, url.raw_host, url.port


def _send_pinned(client, method: str, url, json_body: Any, deadline: Deadline, policy):
    """Send a request to an address `access` checked, keeping the name for Host and TLS.

    Resolving once, checking every address and then connecting to one of them means a DNS
    answer that changes between the check and the connection (DNS rebinding) cannot move
    the connection to an internal address. The name still goes in the Host header and in
    TLS's server name, so virtual hosts and certificate checks work as before.
    """
    import httpx

    host = url.raw_host.decode("ascii")
    port = url.port or (443 if url.scheme == "https" else 80)
    addresses = access.permitted_addresses(host, port, policy)
    last_error: Exception | None = None
    for address in addresses:
        if deadline.expired():
            raise _PastDeadline()
        request = client.build_request(
            method,
            url.copy_with(host=address),
            json=json_body,
            headers={"Host": url.netloc.decode("ascii")},
            extensions={"sni_hostname": host},
            timeout=httpx.Timeout(max(deadline.remaining(), 0.001)),
        )
        try:
            return client.send(request, stream=True)
        except httpx.ConnectError as error:
            last_error = error  # try the name's next address, as a browser would
    assert last_error is not None
    raise last_error


def _read(response, max_bytes: int, deadline: Deadline) -> tuple[Payload, int]:
    # An error's body is only kept for the log: a little of it is enough.
    limit = max_bytes if response.status_code < 400 else min(max_bytes, ERROR_BODY_BYTES)
    try:
        chunks = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                if response.status_code >= 400:
                    break
                raise _TooLarge()
            if deadline.expired():
                raise _PastDeadline()
            chunks.append(chunk)
    finally:
        response.close()
    payload = Payload(
        content=b"".join(chunks)[:limit],
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        content_type=response.headers.get("content-type"),
    )
    return payload, response.status_code


# The reasons a user can act on; any other status is shown by its number alone.
_STATUS_HINTS = {
    400: _l("forespørgslen blev afvist"),
    401: _l("adgang kræver login"),
    403: _l("adgang nægtet"),
    404: _l("adressen findes ikke"),
    408: _l("kilden gav op at vente"),
    410: _l("adressen findes ikke længere"),
    413: _l("forespørgslen er for stor"),
    429: _l("for mange forespørgsler; prøv igen senere"),
    500: _l("fejl hos udbyderen"),
    502: _l("fejl hos udbyderen"),
    503: _l("kilden er midlertidigt utilgængelig"),
    504: _l("fejl hos udbyderen"),
}


def _http_error(status_code: int, content: bytes, url: str) -> SourceHTTPError:
    """Return the error for an HTTP error status: the status in the message, the body only
    in the detail (a server's error page can hold anything, including what it guards)."""
    hint = _STATUS_HINTS.get(status_code)
    if hint:
        message = _(
            "Kilden svarede med HTTP-fejl %(status)s (%(reason)s).",
            status=status_code,
            reason=str(hint),
        )
    else:
        message = _("Kilden svarede med HTTP-fejl %(status)s.", status=status_code)
    return SourceHTTPError(
        message,
        status_code,
        detail=f"{url}: HTTP {status_code}: {content[:500].decode('utf-8', 'replace')}",
    )
