"""HTTP hardening: security headers, request ids, idle timeouts and proxies."""

from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline scripts or styles anywhere; charts are served as images from our own origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def security_headers(app: Flask) -> dict[str, str]:
    """The headers for this app: signing out may send the browser on to the OIDC provider.

    Chromium applies form-action to the redirects after a form is sent, so the provider's
    origin (where its end-session endpoint lives) is allowed beside our own.
    """
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return SECURITY_HEADERS
    parts = urlsplit(issuer)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        return SECURITY_HEADERS
    origin = f"{parts.scheme}://{parts.netloc}"
    policy = CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {origin}")
    return {**SECURITY_HEADERS, "Content-Security-Policy": policy}


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _asset_version(app: Flask) -> str:
    """A short hash of the static files, so their URLs change whenever they do."""
    digest = hashlib.sha256()
    root = Path(app.static_folder)
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def init_app(app: Flask) -> None:
    # Static files may be cached for a year: their URLs carry a version (see base.html).
    if app.config.get("SEND_FILE_MAX_AGE_DEFAULT") is None:
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 365 * 24 * 3600
    app.jinja_env.globals["asset_version"] = _asset_version(app)
    headers_for_app = security_headers(app)
    if app.config.get("BEHIND_PROXY"):
        # Trust one proxy (nginx) for the client address and the https scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    @app.before_request
    def assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(8)

    @app.after_request
    def add_headers(response):
        headers = response.headers
        # What a view set itself stays (werkzeug's setdefault would scan them all each time).
        present = {name.lower() for name, _value in headers}
        for name, value in headers_for_app.items():
            if name.lower() not in present:
                headers.add(name, value)
        if request.is_secure and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and "cache-control" not in present:
            # Pages show data behind a login; no shared cache may keep them.
            headers.add("Cache-Control", "no-store")
        headers["X-Request-ID"] = g.get("request_id", "")
        return response


def local_target(target: str | None, fallback: str) -> str:
    r"""Return `target` if it is a path on this site, else `fallback` (for ?next= and the like).

    Browsers read a backslash as a slash and drop tabs and newlines, so "/\\host" and
    "/\t/host" lead to another site and are refused as well as "//host" and full URLs.
    """
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return fallback
    return target
