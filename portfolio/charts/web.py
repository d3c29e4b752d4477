"""Charts on pages: an address that names the picture's version, and the answer to it.

A page builds the chart's input anyway (for its alt text); `chart_url` adds that input's
hash (`chart_version`) to the address as `?v=`, so a page drawn after a save links a new
address, and the browser can never show an older picture beside newer figures. The chart's
view builds the same input and answers with `chart_response` (see core/responses.py).
"""

from __future__ import annotations

from flask import Response, url_for

from portfolio.charts.cache import chart_version, render_chart
from portfolio.core.i18n import locale_code
from portfolio.core.responses import versioned_svg


def chart_url(endpoint: str, kind: str, data, **values) -> str:
    """Return the chart's address with the version of the picture `data` gives."""
    return url_for(endpoint, **values, v=chart_version(kind, data, locale=locale_code()))


def chart_response(kind: str, data) -> Response:
    """Answer a chart request: drawn (or cached) from `data`, with its version as ETag."""
    locale = locale_code()
    return versioned_svg(
        chart_version(kind, data, locale=locale), lambda: render_chart(kind, data, locale=locale)
    )
