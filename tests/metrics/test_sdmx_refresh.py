"""Refreshing metrics from SDMX sources: Eurostat's LAST UPDATE changes no key, so a
metric's filters keep matching, and its revisions are stored (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from portfolio.extensions import db
from portfolio.metrics.models import Metric, MetricFetch, StoredObservation
from portfolio.metrics.services import create_metric, create_source
from tests.metrics.conftest import Route
from tests.metrics.sdmx_helpers import SDMX

EUROSTAT = (
    "DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\n"
    "ESTAT:DEMO_X(1.0),{updated},A,NR,DK,2023,{dk2023},{flag},\n"
    "ESTAT:DEMO_X(1.0),{updated},A,NR,DK,2024,,c,\n"
    "ESTAT:DEMO_X(1.0),{updated},A,NR,SE,2023,10551707,,\n"
)


def body(updated: str, dk2023: str, flag: str = "p") -> bytes:
    return EUROSTAT.format(updated=updated, dk2023=dk2023, flag=flag).encode()


def current(metric_key: str) -> dict[str, tuple[int, Decimal | None, str, str | None]]:
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(StoredObservation)
        .join(StoredObservation.metric)
        .where(Metric.key == metric_key, StoredObservation.is_current.is_(True))
    )
    return {row.period: (row.revision, row.value, row.status, row.source_revision) for row in rows}


def test_a_new_last_update_revises_values_and_the_filters_still_match(app, runner, http_server):
    http_server.routes["/estat.csv"] = Route(
        body=body("22/05/26 11:00:00", "5932654"), content_type="text/csv"
    )
    source = create_source("estat", "Eurostat", "sdmx_csv", f"{http_server.url}/estat.csv")
    create_metric(source, "estat.dk", "Befolkning DK", filters={"geo": "DK", "unit": "NR"})
    db.session.commit()

    result = runner.invoke(args=["metrics", "refresh"])
    assert result.exit_code == 0, result.output
    assert current("estat.dk") == {
        "2023": (1, Decimal("5932654"), "provisional", "2026-05-22T11:00:00"),
        "2024": (1, None, "suppressed", "2026-05-22T11:00:00"),
    }

    # Eurostat revises 2023 (no longer provisional) and stamps a new LAST UPDATE.
    http_server.routes["/estat.csv"] = Route(
        body=body("11/06/26 23:00:00", "5932660", flag=""), content_type="text/csv"
    )
    result = runner.invoke(args=["metrics", "refresh", "--metric", "estat.dk"])
    assert result.exit_code == 0, result.output
    assert "0 new and 1 revised" in result.output
    assert current("estat.dk") == {
        "2023": (2, Decimal("5932660"), "ok", "2026-06-11T23:00:00"),
        "2024": (1, None, "suppressed", "2026-05-22T11:00:00"),
    }

    # The same LAST UPDATE again: nothing to compare, nothing stored.
    result = runner.invoke(args=["metrics", "refresh", "--metric", "estat.dk"])
    assert result.exit_code == 0, result.output
    last = db.session.scalars(sa.select(MetricFetch).order_by(MetricFetch.id.desc())).first()
    assert last.ok and last.unchanged


def test_an_sdmx_ml_source_is_refreshed(app, runner, http_server):
    http_server.routes["/exr.xml"] = Route(
        body=(SDMX / "ecb_exr_ng_ts_generic.xml").read_bytes(), content_type="application/xml"
    )
    source = create_source("ecb", "ECB", "sdmx_ml", f"{http_server.url}/exr.xml")
    create_metric(source, "ecb.chf", "CHF", filters={"CURRENCY": "CHF"})
    db.session.commit()
    result = runner.invoke(args=["metrics", "refresh"])
    assert result.exit_code == 0, result.output
    assert {period: value for period, (_r, value, _s, _x) in current("ecb.chf").items()} == {
        "2010-08": Decimal("1.3413"),
        "2010-09": Decimal("1.3089"),
        "2010-10": Decimal("1.3452"),
    }
