"""The embedded demo data platform: `flask seed demo-metrics` and `flask setup`, no network."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio.extensions import db
from portfolio.indicators.models import Indicator, IndicatorKind
from portfolio.metrics.models import Metric, MetricFetch, MetricSource, StoredObservation
from portfolio.seed.demo_metrics import INDICATORS, SOURCES


@pytest.fixture
def demo_app(app, tmp_path):
    app.config["DEMO_REGISTER_PATH"] = str(tmp_path / "demo-register.sqlite")
    return app


def counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (MetricSource, Metric, Indicator, StoredObservation, MetricFetch)
    }


def current_values(code: str) -> dict[str, tuple[Decimal | None, str]]:
    indicator = db.session.scalar(sa.select(Indicator).where(Indicator.code == code))
    rows = db.session.scalars(
        sa.select(StoredObservation).where(
            StoredObservation.metric_id == indicator.metric_id,
            StoredObservation.is_current.is_(True),
        )
    )
    return {row.period: (row.value, row.status) for row in rows}


def test_demo_seed_creates_labelled_sources_and_indicators_with_data(demo_app, runner):
    result = runner.invoke(args=["seed", "demo-metrics"])
    assert result.exit_code == 0, result.output
    assert "Created 7 demo sources, 9 metrics and 10 indicators" in result.output
    assert "Refreshed 9 demo metrics" in result.output

    sources = db.session.scalars(sa.select(MetricSource)).all()
    assert len(sources) == len(SOURCES) == 7
    assert all(s.is_demo and s.name.startswith("Demo:") for s in sources)
    assert all(s.last_error is None and s.last_success_at for s in sources)
    indicators = db.session.scalars(sa.select(Indicator).order_by(Indicator.code)).all()
    assert [i.code for i in indicators] == sorted(spec.code for spec in INDICATORS)
    assert {i.benefit.code for i in indicators if i.benefit} == {f"GH{n}" for n in range(1, 7)}
    assert {i.kind for i in indicators if i.track} == {
        IndicatorKind.DELIVERY,
        IndicatorKind.DATA_QUALITY,
    }
    (key_risk,) = [i for i in indicators if i.risk]
    assert (key_risk.risk.code, key_risk.threshold_value) == ("R1", Decimal("6"))
    gh1 = next(i for i in indicators if i.code == "GH1.1")
    assert [(str(p.period), p.value) for p in gh1.trajectory][-1] == ("2026-12", Decimal("95"))
    assert gh1.baseline_value == Decimal("38.8") and gh1.target_value == Decimal("95")

    # Every metric has current observations, monthly ones from 2022-01 to 2026-10.
    for indicator in indicators:
        assert current_values(indicator.code), indicator.code
    monthly = current_values("GH1.1")
    assert (min(monthly), max(monthly), len(monthly)) == ("2022-01", "2026-10", 58)
    assert all(status == "ok" for _value, status in monthly.values())
    # Small counts for the "<5" rule, a cell the provider suppressed, a missing quarter.
    research = current_values("GH6.1")
    assert research["2022K1"] == (Decimal("0"), "ok")
    assert research["2022K3"] == (Decimal("1"), "ok")
    assert research["2022K4"] == (None, "suppressed")
    assert next(i for i in indicators if i.code == "GH6.1").is_count
    assert current_values("GH1.2")["2024K2"] == (None, "missing")
    assert current_values("GH4.1")["2026"][1] == "provisional"


def test_running_the_demo_seed_twice_changes_nothing(demo_app, runner):
    assert runner.invoke(args=["seed", "demo-metrics"]).exit_code == 0
    before = counts()
    result = runner.invoke(args=["seed", "demo-metrics"])
    assert result.exit_code == 0, result.output
    assert "Created" not in result.output
    assert "Refreshed 0 demo metrics" in result.output
    assert counts() == before


def test_a_forced_refresh_of_demo_data_writes_no_duplicates(demo_app, runner):
    assert runner.invoke(args=["seed", "demo-metrics"]).exit_code == 0
    observations = counts()["metric_observations"]
    result = runner.invoke(args=["metrics", "refresh", "--all"])
    assert result.exit_code == 0, result.output
    assert "Refreshed 9 of 9 metrics" in result.output
    assert counts()["metric_observations"] == observations


def test_setup_fills_an_empty_database_with_refreshed_demo_metrics(empty_app, tmp_path):
    # `make run` calls `flask setup`: a first run shows live-looking metrics, no network.
    empty_app.config["DEMO_REGISTER_PATH"] = str(tmp_path / "register.sqlite")
    result = empty_app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert "Refreshed 9 demo metrics" in result.output
    assert counts()["indicators"] == 10
    assert (tmp_path / "register.sqlite").is_file()


def test_the_demo_register_lies_beside_a_sqlite_database_and_sources_may_read_it(tmp_path):
    # `make run` keeps the default folders: the register is outside instance/metric-files,
    # yet the demo's SQL sources must read it (and only it) there.
    from portfolio.config import INSTANCE_DIR, load_config
    from portfolio.metrics.adapters.access import policy_from_config

    config = load_config({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/app.db"})
    register = tmp_path / "demo-register.sqlite"
    assert config["DEMO_REGISTER_PATH"] == str(register)
    policy = policy_from_config(config)
    assert policy.allows_file(register.resolve())
    assert not policy.allows_file((tmp_path / "app.db").resolve())
    on_postgres = load_config({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@db/x"})
    assert on_postgres["DEMO_REGISTER_PATH"] == str(INSTANCE_DIR / "demo-register.sqlite")
