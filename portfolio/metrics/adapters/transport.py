"""Getting bytes from a URL or a local file, always within a fetch's deadline.

Every HTTP call runs under httpx's own timeouts (connect, read, write, pool: each set to the
time left) and, because a server that trickles its answer a byte at a time can keep each
read within those timeouts forever, in a worker thread that the caller stops waiting for
when the deadline passes. A fetch therefore never takes much longer than its timeout.
"""

from __future__ import annotations

import functools
import json
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from flask_babel import gettext as _

from portfolio.metrics.adapters.base import (
    Deadline,
    SourceConfigError,
    SourceConnectionError,
    SourceError,
    SourceHTTPError,
    SourceTimeout,
    timeout_message,
)

# Statistics tables are small; a much larger answer is a wrong URL or a misbehaving server.
MAX_BYTES = 50 * 1024 * 1024
USER_AGENT = "Styrbord metric adapter"


@dataclass(frozen=True)
class Payload:
    """Bytes read from a location, with what the server said about their version."""

    content: bytes
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None


def is_url(location: str) -> bool:
    """Tell whether a location is an http(s) URL rather than a file path."""
    return urlsplit(location).scheme in ("http", "https")


def read_location(location: str, deadline: Deadline, *, max_bytes: int = MAX_BYTES) -> Payload:
    """Read a URL (GET) or a local file path into memory."""
    if is_url(location):
        return request("GET", location, deadline, max_bytes=max_bytes)
    scheme = urlsplit(location).scheme
    # A one-letter "scheme" is a Windows drive letter, not a protocol.
    if scheme and len(scheme) > 1:
        raise SourceConfigError(
            _("Adressen skal begynde med http:// eller https:// eller være en sti til en fil.")
        )
    return Payload(read_file(location, max_bytes=max_bytes))


def read_file(location: str, *, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a local file, refusing paths outside METRICS_FILE_ROOTS when that is set."""
    path = Path(location).expanduser().resolve()
    roots = current_app.config.get("METRICS_FILE_ROOTS") if has_app_context() else None
    # The web UI must not become a way to read the server's own files.
    if roots and not any(path.is_relative_to(Path(root).resolve()) for root in roots):
        raise SourceConfigError(
            _("Filen %(path)s ligger uden for de tilladte mapper.", path=location)
        )
    if not path.is_file():
        raise SourceConfigError(_("Filen %(path)s findes ikke.", path=location))
    if path.stat().st_size > max_bytes:
        raise SourceError(_too_large(max_bytes))
    return path.read_bytes()


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


def request(
    method: str,
    url: str,
    deadline: Deadline,
    *,
    json_body: Any = None,
    headers: dict[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
) -> Payload:
    """Make one HTTP request and return its body; raise a SourceError on any failure."""
    import httpx

    outcome: dict[str, Any] = {}
    remaining = deadline.remaining()

    def work() -> None:
        # Only the transfer runs here; errors are turned into Danish messages by the
        # calling thread, which has the app context and the user's language.
        try:
            outcome["payload"] = _transfer(
                method, url, remaining, json_body, headers or {}, max_bytes, deadline
            )
        except BaseException as error:
            outcome["error"] = error

    worker = threading.Thread(target=work, name="metric-source-request", daemon=True)
    worker.start()
    worker.join(remaining)
    if worker.is_alive():
        # The worker ends by itself when httpx's own timeouts fire; nobody waits for it.
        raise SourceTimeout(timeout_message(deadline.seconds), detail=f"{method} {url}")
    error = outcome.get("error")
    if error is None:
        payload, status_code = outcome["payload"]
        if status_code >= 400:
            raise _http_error(status_code, payload.content, url)
        return payload
    host = urlsplit(url).netloc
    if isinstance(error, httpx.TimeoutException | _PastDeadline):
        raise SourceTimeout(timeout_message(deadline.seconds), detail=repr(error))
    if isinstance(error, _TooLarge):
        raise SourceError(_too_large(max_bytes), detail=f"{method} {url}")
    if isinstance(error, httpx.InvalidURL | httpx.UnsupportedProtocol):
        raise SourceConfigError(_("Adressen %(url)s er ugyldig.", url=url), detail=repr(error))
    if isinstance(error, httpx.TransportError | httpx.TooManyRedirects):
        raise SourceConnectionError(
            _("Kunne ikke forbinde til kilden (%(host)s).", host=host), detail=repr(error)
        )
    raise error


def _transfer(
    method: str,
    url: str,
    timeout: float,
    json_body: Any,
    headers: dict[str, str],
    max_bytes: int,
    deadline: Deadline,
) -> tuple[Payload, int]:
    import httpx

    with (
        httpx.Client(
            timeout=httpx.Timeout(timeout),
            verify=_ssl_context(),
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT, **headers},
        ) as client,
        client.stream(method, url, json=json_body) as response,
    ):
        chunks = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise _TooLarge()
            if deadline.expired():
                raise _PastDeadline()
            chunks.append(chunk)
        payload = Payload(
            content=b"".join(chunks),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            content_type=response.headers.get("content-type"),
        )
        return payload, response.status_code


def _http_error(status_code: int, content: bytes, url: str) -> SourceHTTPError:
    provider_message = _provider_message(content)
    if provider_message:
        message = _(
            "Kilden svarede med HTTP-fejl %(status)s: %(reason)s",
            status=status_code,
            reason=provider_message,
        )
    else:
        message = _("Kilden svarede med HTTP-fejl %(status)s.", status=status_code)
    return SourceHTTPError(
        message, status_code, detail=f"{url}: {content[:500].decode('utf-8', 'replace')}"
    )


def _provider_message(content: bytes) -> str | None:
    """Return the error text a JSON API put in its error body (StatBank does), if any."""
    try:
        body = json.loads(content)
    except ValueError:
        return None
    if isinstance(body, dict):
        for key in ("message", "error", "detail"):
            if isinstance(body.get(key), str) and body[key].strip():
                return body[key].strip()[:300]
    return None
