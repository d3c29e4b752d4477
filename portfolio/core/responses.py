"""Responses several blueprints send the same way."""

from __future__ import annotations

from flask import Response


def svg_response(svg: bytes | str) -> Response:
    """Send a drawn chart; it carries its own style sheet and, shown as an image, runs nothing."""
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
