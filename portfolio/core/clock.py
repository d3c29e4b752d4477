"""What day it is for the app: Copenhagen's date, or the day the TODAY setting pins."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app

from portfolio.core.months import Month


def today() -> dt.date:
    """Today in Copenhagen; the TODAY setting (YYYY-MM-DD) pins it for demos and tests."""
    pinned = current_app.config.get("TODAY")
    if pinned:
        return dt.date.fromisoformat(str(pinned))
    return dt.datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def today_month() -> Month:
    return Month.of(today())
