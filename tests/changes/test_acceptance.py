"""Issue 14, item 5: a change request moves wave 3 and adds 1,5 mio. kr. to track 2 in 2026.

Put forward and approved, the programme's timeline, its new approved budget, the status
page's cost light and the history all show it; a rejected request changes nothing, and a
request whose application fails half-way changes nothing either.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from urllib.parse import unquote

import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.audit.services import history_of
from portfolio.budgets import services as budget_services
from portfolio.budgets.models import Baseline, BudgetRow
from portfolio.changes.models import ChangeRequest, ChangeStatus
from portfolio.extensions import db
from portfolio.programmes.models import TimelineItem, Track
from portfolio.programmes.services import get_programme
from portfolio.status.models import Decision, DecisionStatus

WAVE_3 = "Bølge 3 – flere data"


def _ids():
    ddns = get_programme("ddns")
    wave = db.session.scalar(
        sa.select(TimelineItem).where(
            TimelineItem.programme_id == ddns.id, TimelineItem.name == WAVE_3
        )
    )
    track_2 = db.session.scalar(
        sa.select(Track).where(Track.programme_id == ddns.id, Track.number == 2)
    )
    row = db.session.scalar(sa.select(BudgetRow).where(BudgetRow.track_id == track_2.id))
    return ddns, wave, row


def _version(client, url) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', html)


def _request_version(code: str) -> str:
    db.session.expire_all()
    request = db.session.scalar(sa.select(ChangeRequest).where(ChangeRequest.code == code))
    return str(request.version)


def _draft(client, wave, row, *, delta="1,5", title="Bølge 3 forlænges") -> str:
    """Make a request through the pages: wave 3 two months later, track 2's 2026 budget up."""
    response = client.post(
        "/programmes/ddns/change-requests/new",
        data={
            "title": title,
            "reason": "Leverandøren af data fra almen praksis er forsinket.",
            "impact": "Bølge 3 slutter to måneder senere; spor 2 koster 1,5 mio. kr. mere.",
            "requested_by": "Programsekretariatet",
            "requested_on": "2026-11-20",
            "decision_wanted_on": "2026-12-03",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    code = unquote(response.headers["Location"].rstrip("/").split("/")[-1])
    base = f"/programmes/ddns/change-requests/{code}"
    added = client.post(
        f"{base}/items/timeline",
        data={
            "timeline-version": _request_version(code),
            "timeline-target_id": str(wave.id),
            "timeline-new_start": str(wave.start_month.add(2)),
            "timeline-new_end": str(wave.end_month.add(2)),
        },
    )
    assert added.status_code == 302, added.get_data(as_text=True)
    added = client.post(
        f"{base}/items/budget",
        data={
            "budget-version": _request_version(code),
            "budget-target_id": str(row.id),
            "budget-period": "2026",
            "budget-delta": delta,
        },
    )
    assert added.status_code == 302, added.get_data(as_text=True)
    submitted = client.post(f"{base}/submit", data={"version": _request_version(code)})
    assert submitted.status_code == 302
    return code


def _decide(client, code, outcome, text="Styregruppen godkender forlængelsen."):
    return client.post(
        f"/programmes/ddns/change-requests/{code}/decide",
        data={
            "version": _request_version(code),
            "outcome": outcome,
            "decided_on": "2026-12-03",
            "meeting": "Programstyregruppemøde 3. december 2026",
            "decision_text": text,
        },
    )


def _state():
    """What a change request could change: wave 3's months, the budget versions."""
    db.session.expire_all()
    ddns, wave, _row = _ids()
    numbers = [b.number for b in budget_services.baselines(ddns.id)]
    table = budget_services.baseline_table(ddns.id)
    return (str(wave.start_month), str(wave.end_month), numbers, table.column_total("total"))


def _spend_as_approved_but_track_2_in_2026(user, extra: Decimal) -> None:
    """Actual spend as approved in the closed years, a forecast as approved for 2026, but
    track 2 expects `extra` more in 2026: the cost light shows the overrun."""
    from portfolio.budgets.models import BudgetKind

    ddns, _wave, row = _ids()
    table = budget_services.baseline_table(ddns.id)
    actual, forecast = {}, {}
    for table_row in table.rows:
        for year in table.years:
            amount = table_row.amounts.get(year)
            if amount is None:
                continue
            if year == "2026":
                forecast[(table_row.row.id, year)] = amount + (
                    extra if table_row.row.id == row.id else 0
                )
            else:
                actual[(table_row.row.id, year)] = amount
    budget_services.set_amounts(user, ddns, BudgetKind.ACTUAL, actual)
    budget_services.set_amounts(user, ddns, BudgetKind.FORECAST, forecast)
    db.session.commit()


def _cost_light(client) -> dict:
    lights = client.get("/api/v1/programmes/ddns/status").get_json()["lights"]
    return next(entry["light"] for entry in lights if entry["dimension"] == "cost")


def test_an_approved_request_moves_wave_3_and_raises_the_budget(app, client, login_as):
    user = login_as("secretariat")
    _spend_as_approved_but_track_2_in_2026(user, Decimal("1.5"))
    assert _cost_light(client)["colour"] in ("yellow", "red")  # 1,5 mio. kr. over budget
    ddns, wave, row = _ids()
    start, end = wave.start_month, wave.end_month
    before_overview = budget_services.budget_overview(ddns)
    before_total = before_overview.programme_cost.baseline_total
    before_number = before_overview.baseline.number
    before_cell = before_overview.baseline_table.rows[
        [r.row.id for r in before_overview.baseline_table.rows].index(row.id)
    ].amounts["2026"]

    code = _draft(client, wave, row)
    assert code == "ÆA1"

    # Put forward: the status page lists it under "Til beslutning"; nothing has changed.
    status = client.get("/programmes/ddns/status").get_data(as_text=True)
    summary = status.split('id="lys"')[0]
    assert "Ændringsanmodning ÆA1: Bølge 3 forlænges" in summary
    assert "Ændringsanmodninger til beslutning" in status
    assert _state()[:2] == (str(start), str(end))

    decided = _decide(client, code, "approved")
    assert decided.status_code == 302, decided.get_data(as_text=True)

    # The request and the decision log.
    db.session.expire_all()
    request = db.session.scalar(sa.select(ChangeRequest).where(ChangeRequest.code == code))
    assert request.status is ChangeStatus.APPROVED
    decision = db.session.get(Decision, request.decision_id)
    assert decision.status is DecisionStatus.DECIDED and decision.linked_items == "ÆA1"

    # The timeline: wave 3 two months later, in the data and the status page's chart.
    ddns, wave, row = _ids()
    assert (wave.start_month, wave.end_month) == (start.add(2), end.add(2))
    programme = client.get("/api/v1/programmes/ddns").get_json()
    waves = {t["name"]: t for t in programme["timeline"]}
    assert waves[WAVE_3]["start"] == str(start.add(2))
    assert waves[WAVE_3]["end"] == str(end.add(2))
    chart = client.get("/programmes/ddns/status/charts/timeline.svg")
    assert chart.status_code == 200

    # The budget: a new approved version, the old one kept, the total up by exactly 1,5.
    overview = budget_services.budget_overview(ddns)
    assert overview.baseline.number == before_number + 1
    assert [b.number for b in overview.versions][-2:] == [before_number, before_number + 1]
    assert overview.programme_cost.baseline_total == before_total + Decimal("1.5")
    new_cell = overview.baseline_table.rows[
        [r.row.id for r in overview.baseline_table.rows].index(row.id)
    ].amounts["2026"]
    assert new_cell == before_cell + Decimal("1.5")
    assert request.baseline_id == overview.baseline.id
    budget_page = client.get("/programmes/ddns/budget").get_data(as_text=True)
    assert "ÆA1" in budget_page

    # The status page's cost light reads the new approved total: no overrun any more.
    assert _cost_light(client)["colour"] == "green"
    status = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "Ændringsanmodninger til beslutning" not in status
    cost = status.split('id="lys-cost"')[1].split("</article>")[0]
    from portfolio.core.i18n import format_mio

    with app.test_request_context():
        shown_total = format_mio(before_total + Decimal("1.5"))
    assert shown_total in cost, cost
    assert "Ingen overskridelse" in cost

    # The history: the wave's and the baseline's audit rows name the request.
    entries = history_of(wave)
    assert any(e.reason == "change_request:ÆA1" and e.field == "end_month" for e in entries)
    baseline_rows = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.entity == "baselines", AuditEntry.entity_id == str(overview.baseline.id)
        )
    ).all()
    assert baseline_rows and all(e.reason == "change_request:ÆA1" for e in baseline_rows)
    history = client.get("/programmes/ddns/history").get_data(as_text=True)
    assert "Ændret af ændringsanmodning ÆA1" in history
    page = client.get(f"/programmes/ddns/change-requests/{code}").get_data(as_text=True)
    assert "Gennemførte ændringer" in page
    with app.test_request_context():
        from portfolio.core.i18n import format_month

        assert f"{format_month(start)} – {format_month(end)}" in page  # before
        assert f"{format_month(start.add(2))} – {format_month(end.add(2))}" in page  # after

    # The audit export names the request too, stored and as the history page writes it.
    login_as("admin")
    export = client.get("/admin/audit.csv?entity=timeline_items")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    moved = [r for r in rows if r["field"] == "end_month"]
    assert moved and all(r["reason"] == "change_request:ÆA1" for r in moved)
    assert all("ÆA1" in r["reason_text"] for r in moved)


def test_a_rejected_request_changes_nothing(client, login_as):
    login_as("secretariat")
    _ddns, wave, row = _ids()
    before = _state()
    code = _draft(client, wave, row)
    response = _decide(client, code, "rejected", "Styregruppen afviser; planen holdes.")
    assert response.status_code == 302
    assert _state() == before
    db.session.expire_all()
    request = db.session.scalar(sa.select(ChangeRequest).where(ChangeRequest.code == code))
    assert request.status is ChangeStatus.REJECTED and request.baseline_id is None
    # The decision is logged all the same.
    assert db.session.get(Decision, request.decision_id).outcome.startswith("Afvist")


def test_a_request_failing_half_way_changes_nothing(client, login_as):
    """The wave is moved first; then the budget change would make an amount negative."""
    login_as("secretariat")
    _ddns, wave, row = _ids()
    before = _state()
    code = _draft(client, wave, row, delta="-100000", title="For stor besparelse")
    audit_rows = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    response = _decide(client, code, "approved")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "ville blive negativ" in html
    assert _state() == before
    db.session.expire_all()
    request = db.session.scalar(sa.select(ChangeRequest).where(ChangeRequest.code == code))
    assert request.status is ChangeStatus.SUBMITTED and request.decision_id is None
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == audit_rows
    assert db.session.scalar(sa.select(sa.func.count(Baseline.id))) == len(before[2])
