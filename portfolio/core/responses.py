"""Responses several blueprints send the same way."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, request

# A chart asked for by the version it shows (`?v=`) is that picture for good.
VERSIONED = "private, max-age=31536000, immutable"
# Any other request gets the current picture, and the browser asks again next time
# (a 304 while the ETag still matches), so a saved number shows at once.
REVALIDATE = "private, no-cache"


def svg_response(svg: bytes | str) -> Response:
    """Send a drawn chart; it carries its own style sheet and, shown as an image, runs nothing."""
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def content_version(content: bytes) -> str:
    """Name a stored picture by a hash of its bytes (for one that is kept, not drawn)."""
    return hashlib.sha256(content).hexdigest()[:20]


def versioned_svg(version: str, draw: Callable[[], bytes | str]) -> Response:
    """Send the chart that `version` names (a hash of what it draws), cached as it deserves.

    The page links a chart as `?v=<version>`; when the request names the version the data
    gives now, the browser may keep the answer for good (the address changes with the
    data). Without `v`, or with the `v` of older data, the current picture is sent with an
    ETag and `no-cache`: the browser revalidates each time and gets a 304 while nothing
    changed. `draw` is called only when the picture is sent.
    """
    unchanged = version in request.if_none_match
    response = Response(status=304) if unchanged else svg_response(draw())
    response.set_etag(version)
    named = request.args.get("v") == version
    response.headers["Cache-Control"] = VERSIONED if named else REVALIDATE
    return response
