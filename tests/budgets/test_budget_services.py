"""Forecast, actual, variance, rebaselining and the IT council's cost light."""

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portfolio.budgets import services
from portfolio.budgets.models import Baseline, BudgetKind, BudgetLine
from portfolio.core.errors import PermissionDenied, RuleViolation, StaleEdit
from portfolio.core.lights import Colour
from portfolio.extensions import db

D = Decimal


@pytest.fixture
def secretariat(users):
    return users.make("secretariat")


def _row(ddns, position):
    return next(r for r in services.budget_rows(ddns.id) if r.position == position)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,9", D("2.9")),
        ("2.9", D("2.9")),
        (" 12,345 ", D("12.345")),
        ("0", D("0")),
        ("", None),
        ("4", D("4")),
    ],
)
def test_amounts_are_read_the_danish_or_the_english_way(text, expected):
    assert services.parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-1", "negativt"),
        ("2,9999", "tre decimaler"),
        ("abc", "Skriv et beløb"),
        ("1.234,5", "Skriv et beløb"),
        ("1e3", "Skriv et beløb"),
        ("NaN", "Skriv et beløb"),
        ("Infinity", "Skriv et beløb"),
        ("99999999", "urimeligt"),
        # More digits than Decimal's precision: refused as too large, not a crash.
        ("1" + "0" * 25, "urimeligt"),
        ("9" * 30 + ",5", "urimeligt"),
    ],
)
def test_bad_amounts_are_refused_with_a_message(app, text, message):
    with pytest.raises(ValueError, match=message):
        services.parse_amount(text)


def test_forecast_and_actual_are_stored_and_varied(app, ddns, secretariat):
    row2 = _row(ddns, 2)
    changes = services.set_amounts(
        secretariat,
        ddns,
        BudgetKind.FORECAST,
        {(row2.id, "2025"): D("4.0"), (row2.id, "varigt"): D("3.2")},
    )
    services.set_amounts(secretariat, ddns, BudgetKind.ACTUAL, {(row2.id, "2023"): D("1.4")})
    db.session.commit()
    assert len(changes) == 2
    overview = services.budget_overview(ddns)
    figures = next(f for f in overview.rows if f.row.id == row2.id)
    assert figures.variance("forecast", "2025") == D("0.6")
    assert figures.variance_percent("forecast", "2025") == D("17.6")
    assert figures.variance("actual", "2023") == D("-0.1")
    assert figures.variance("forecast", "2024") is None  # no forecast is not a zero forecast
    assert overview.column("forecast", "2025") == D("4.0")
    assert overview.column("forecast", "2024") is None


def test_none_removes_a_figure_and_unchanged_values_change_nothing(app, ddns, secretariat):
    row1 = _row(ddns, 1)
    services.set_amounts(secretariat, ddns, BudgetKind.ACTUAL, {(row1.id, "2023"): D("2.8")})
    assert (
        services.set_amounts(secretariat, ddns, BudgetKind.ACTUAL, {(row1.id, "2023"): D("2.8")})
        == []
    )
    removed = services.set_amounts(secretariat, ddns, BudgetKind.ACTUAL, {(row1.id, "2023"): None})
    assert [(c.before, c.after) for c in removed] == [(D("2.8"), None)]
    assert services.current_values(ddns, BudgetKind.ACTUAL) == {}


def test_year_outside_the_programme_period_is_refused(app, ddns, secretariat):
    row1 = _row(ddns, 1)
    with pytest.raises(RuleViolation) as refused:
        services.set_amounts(secretariat, ddns, BudgetKind.FORECAST, {(row1.id, "2027"): D("1")})
    assert "uden for programmets periode" in str(refused.value.errors)


def test_viewer_and_track_lead_may_not_change_the_budget(app, ddns, users):
    row1 = _row(ddns, 1)
    for role in ("viewer", "track_lead", "benefit_owner"):
        with pytest.raises(PermissionDenied):
            services.set_amounts(
                users.make(role), ddns, BudgetKind.FORECAST, {(row1.id, "2026"): D("1")}
            )


def test_a_stale_grid_is_refused_and_names_the_cells(app, ddns, secretariat, users):
    row1 = _row(ddns, 1)
    services.set_amounts(secretariat, ddns, BudgetKind.FORECAST, {(row1.id, "2026"): D("3.9")})
    other = users.make("admin")
    with pytest.raises(StaleEdit) as refused:
        services.set_amounts(
            other,
            ddns,
            BudgetKind.FORECAST,
            {(row1.id, "2026"): D("4.1")},
            started_from={(row1.id, "2026"): None},
        )
    (cell,) = refused.value.changes
    assert (cell.period, cell.before, cell.after) == ("2026", None, D("3.9"))


def test_baseline_cannot_be_set_through_the_figures(app, ddns, secretariat):
    with pytest.raises(RuleViolation, match="godkendt budget kan ikke ændres"):
        services.set_amounts(
            secretariat, ddns, BudgetKind.BASELINE, {(_row(ddns, 1).id, "2023"): D("9")}
        )


def test_the_database_refuses_changes_to_an_approved_baseline(app, ddns):
    line = db.session.scalar(sa.select(BudgetLine).where(BudgetLine.baseline_id.is_not(None)))
    line.amount = D("9.9")
    with pytest.raises(sa.exc.DatabaseError, match="immutable"):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(sa.exc.DatabaseError, match="immutable"), db.engine.begin() as c:
        c.execute(sa.text("DELETE FROM printed_totals"))
    with pytest.raises(sa.exc.DatabaseError, match="immutable"), db.engine.begin() as c:
        c.execute(sa.text("UPDATE baselines SET reason = 'x'"))


def test_rebaseline_adds_a_version_and_keeps_the_old(app, ddns, secretariat):
    old = services.latest_baseline(ddns.id)
    table = services.baseline_table(ddns.id)
    amounts = {(r.row.id, p): v for r in table.rows for p, v in r.amounts.items()}
    row4 = _row(ddns, 4)
    amounts[(row4.id, "2026")] = D("5.5")
    new = services.rebaseline(
        secretariat,
        ddns,
        approved_on=dt.date(2025, 6, 12),
        approved_by="Programstyregruppen",
        reason="Spor 4 udvidet",
        decision="Godkendt på mødet 12. juni 2025",
        amounts=amounts,
    )
    db.session.commit()
    assert new.number == 2
    assert services.latest_baseline(ddns.id).number == 2
    (difference,) = services.compare_baselines(ddns.id, old, new)
    assert (difference.row.position, difference.period) == (4, "2026")
    assert (difference.old, difference.new, difference.change) == (D("4.7"), D("5.5"), D("0.8"))
    # Version 1 still reads exactly as approved, printed totals and all.
    first = services.baseline_table(ddns.id, old)
    assert first.rows[3].amounts["2026"] == D("4.7")
    assert len(first.discrepancies()) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Baseline)) == 2


def test_rebaseline_needs_reason_decision_and_body(app, ddns, secretariat):
    with pytest.raises(RuleViolation) as refused:
        services.rebaseline(
            secretariat,
            ddns,
            approved_on=dt.date(2025, 1, 1),
            approved_by=" ",
            reason="",
            decision="",
            amounts={},
        )
    assert set(refused.value.errors) >= {"reason", "decision", "approved_by"}


def _overrun(app, ddns, secretariat, extra: Decimal):
    """Forecast every year at baseline, plus `extra` on track 1 in 2026."""
    table = services.baseline_table(ddns.id)
    values = {(r.row.id, y): r.amounts[y] for r in table.rows for y in table.years}
    row1 = _row(ddns, 1)
    values[(row1.id, "2026")] += extra
    services.set_amounts(secretariat, ddns, BudgetKind.FORECAST, values)
    return services.budget_overview(ddns).programme_cost


def test_cost_light_without_data_makes_no_assessment(app, ddns):
    cost = services.budget_overview(ddns).programme_cost
    assert cost.light.colour is Colour.NONE


@pytest.mark.parametrize(
    ("extra", "colour"),
    [
        (D("0"), Colour.GREEN),
        (D("-1"), Colour.GREEN),
        (D("0.001"), Colour.YELLOW),
        (D("5.81"), Colour.YELLOW),  # exactly 10 % of 58,1
        (D("5.811"), Colour.RED),  # just over 10 %
    ],
)
def test_cost_light_at_the_percentage_boundary(app, ddns, secretariat, extra, colour):
    cost = _overrun(app, ddns, secretariat, extra)
    assert cost.baseline_total == D("58.1")
    assert cost.light.colour is colour, cost.light.reason


@pytest.mark.parametrize(("extra", "colour"), [(D("6"), Colour.YELLOW), (D("6.001"), Colour.RED)])
def test_cost_light_at_the_six_million_boundary(app, ddns, secretariat, extra, colour):
    app.config["COST_LIGHT_YELLOW_PERCENT"] = 50  # let the 6 mio. kr. limit decide
    cost = _overrun(app, ddns, secretariat, extra)
    assert cost.light.colour is colour, cost.light.reason
    assert ("6,0" if extra == 6 else "6,001") in cost.light.reason


def test_cost_light_per_track(app, ddns, secretariat):
    _overrun(app, ddns, secretariat, D("2"))
    overview = services.budget_overview(ddns)
    row1 = _row(ddns, 1)
    track1 = overview.row_costs[row1.id]
    assert track1.baseline_total == D("13.4") and track1.overrun == D("2")
    assert track1.light.colour is Colour.RED  # 2 of 13,4 is 14,9 %
    others = [c.light.colour for rid, c in overview.row_costs.items() if rid != row1.id]
    assert set(others) == {Colour.GREEN}
    assert overview.programme_cost.light.colour is Colour.YELLOW  # 2 of 58,1 is 3,4 %
    figures = dict(overview.programme_cost.light.figures)
    assert figures["Overskridelse"] == "2,0 mio. kr. (3,4 %)"
