"""Issue 11 finding 6: what a source answers is stored only as core/text.py leaves it.

Provider text with NUL in an adapter's message was stored on SQLite (after which a backup
would not restore into PostgreSQL), and on PostgreSQL `flask metrics refresh --all` crashed
after the first such source, leaving the rest unrefreshed.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from portfolio.extensions import db
from portfolio.metrics.adapters import get_adapter
from portfolio.metrics.adapters.base import SourceParseError
from portfolio.metrics.models import MetricFetch, MetricSource
from portfolio.metrics.services import check_source
from tests.metrics.conftest import Route
from tests.metrics.test_refresh import add_source, current, jsonstat2, metric, refresh


def test_nul_in_an_adapter_message_is_stored_clean_and_the_run_goes_on(
    app, runner, http_server, monkeypatch
):
    http_server.routes["/bad"] = Route(body=b"{}")
    http_server.routes["/good"] = Route(body=jsonstat2({"A": {"2025": "7"}}))
    add_source(http_server, "bad", "/bad")
    add_source(http_server, "good", "/good")
    adapter = type(get_adapter("jsonstat"))
    real_fetch = adapter.fetch

    def fetch(self, config, **kwargs):
        if str(config.location).endswith("/bad"):
            raise SourceParseError("Kilden\x00 svarede\ud800 forkert\x1b.")
        return real_fetch(self, config, **kwargs)

    monkeypatch.setattr(adapter, "fetch", fetch)
    result = refresh(runner, "--all")
    assert result.exit_code == 1
    assert current("good.m") == {"2025": (1, Decimal("7"), "ok")}
    assert metric("bad.m").last_error == "Kilden svarede forkert."
    source = db.session.scalar(sa.select(MetricSource).where(MetricSource.key == "bad"))
    assert source.last_error == "Kilden svarede forkert."
    errors = db.session.scalars(sa.select(MetricFetch.error).where(MetricFetch.error.is_not(None)))
    assert list(errors) == ["Kilden svarede forkert."]


def test_nul_in_what_a_provider_sent_is_stored_clean(app, runner, http_server):
    http_server.routes["/data"] = Route(
        body=jsonstat2({"A": {"2024\x00": "10", "2025\x0b": "11"}}, updated="2025-01-01\x00")
    )
    add_source(http_server, "src", "/data")
    assert refresh(runner).exit_code == 0
    assert current("src.m") == {
        "2024": (1, Decimal("10"), "ok"),
        "2025\n": (1, Decimal("11"), "ok"),
    }
    source = db.session.scalar(sa.select(MetricSource).where(MetricSource.key == "src"))
    assert source.last_revision == "2025-01-01"


def test_a_connection_test_never_shows_nul(monkeypatch):
    adapter = type(get_adapter("jsonstat"))

    def fetch_fails(self, config, **kwargs):
        raise SourceParseError("Svar\x00et")

    monkeypatch.setattr(adapter, "fetch", fetch_fails)
    check = check_source("jsonstat", "http://127.0.0.1:9/x", {})
    assert not check.ok
    assert "\x00" not in check.message


def test_a_source_option_with_nul_is_refused_and_control_characters_removed(client, login_as):
    from tests.metrics.test_source_admin import _create_jsonstat, _source

    login_as("admin")
    refused = _create_jsonstat(client, **{"opt-dataset": "a\x00b"})
    assert refused.status_code == 422
    assert "Teksten indeholder et ugyldigt tegn (NUL)." in refused.get_data(as_text=True)
    assert _source() is None
    saved = _create_jsonstat(client, **{"opt-dataset": "data\x1bsæt\x01"})
    assert saved.status_code == 302
    assert _source().config["dataset"] == "datasæt"


def test_a_logged_source_error_can_be_written_whatever_the_source_said(caplog):
    # Lone surrogates in a log line break every handler (and xdist's reports): the log
    # shows them as escapes, with the traceback, and the message is stored clean.
    import logging

    from portfolio.metrics.adapters.base import SourceParseError, log_source_error

    try:
        raise SourceParseError("Kilden\x00 svarede\ud800 forkert.", detail="rå\ud800tekst\x00")
    except SourceParseError as error:
        with caplog.at_level(logging.WARNING, logger="portfolio.metrics"):
            log_source_error(error, "kilde")
        assert error.message == "Kilden svarede forkert."
    line = caplog.records[-1].getMessage()
    line.encode("utf-8")  # raises if anything unwritable were left
    assert "rå\\ud800tekst\\x00" in line and "Traceback" in line
