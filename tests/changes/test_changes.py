"""Change requests: every kind of change applied on approval, who may do what, the API,
optimistic locking, and what the status page and a frozen report show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from portfolio.audit.services import history_of
from portfolio.changes import services
from portfolio.changes.models import ChangeKind, ChangeRequest, ChangeStatus, Operation
from portfolio.core.errors import PermissionDenied, RuleViolation, StaleEdit
from portfolio.extensions import db
from portfolio.indicators.models import Indicator
from portfolio.programmes.models import Project, ProjectStatus, Track
from portfolio.programmes.services import get_programme
from portfolio.status.models import Milestone
from tests.conftest import sign_in

DECIDED = dt.date(2026, 12, 3)


def _draft(user, title="Omlægning af spor 1"):
    ddns = get_programme("ddns")
    return ddns, services.create_request(
        user,
        ddns,
        {"title": title, "requested_by": "Sekretariatet", "requested_on": dt.date(2026, 11, 20)},
    )


def _approve(user, request):
    return services.decide(
        user,
        request,
        ChangeStatus.APPROVED,
        decided_on=DECIDED,
        decision_text="Godkendt.",
        meeting="PSG 3. december 2026",
    )


def test_every_kind_of_change_is_applied_and_named_in_the_history(app, users):
    secretariat = users.make("secretariat")
    ddns, request = _draft(secretariat)
    milestone = db.session.scalar(sa.select(Milestone).where(Milestone.programme_id == ddns.id))
    from portfolio.benefits.services import get_benefit
    from portfolio.core.months import Month

    indicator = Indicator(
        programme_id=ddns.id,
        benefit=get_benefit(ddns, "GH1"),
        code="GH1.1",
        name="Andel kommuner, der indberetter",
        target_value=Decimal("30"),
        target_period=Month(2026, 12),
    )
    db.session.add(indicator)
    db.session.flush()
    track_1 = db.session.scalar(
        sa.select(Track).where(Track.programme_id == ddns.id, Track.number == 1)
    )
    first, removed = track_1.deliverables[0], track_1.deliverables[1]
    removed_text = removed.text
    project = db.session.scalar(
        sa.select(Project).where(Project.programme_id == ddns.id, Project.code == "1.1")
    )
    new_day = milestone.planned_on + dt.timedelta(days=30)
    services.add_item(
        secretariat, request, ChangeKind.MILESTONE, {"target_id": milestone.id, "new_date": new_day}
    )
    services.add_item(
        secretariat,
        request,
        ChangeKind.INDICATOR,
        {"target_id": indicator.id, "new_value": Decimal("42.5")},
    )
    for operation, target, text in (
        (Operation.ADD, track_1.id, "Ny leverance: dataadgang for forskere"),
        (Operation.CHANGE, first.id, "Omformuleret leverance"),
        (Operation.REMOVE, removed.id, ""),
    ):
        services.add_item(
            secretariat,
            request,
            ChangeKind.DELIVERABLE,
            {"operation": operation, "target_id": target, "text": text},
        )
    services.add_item(
        secretariat,
        request,
        ChangeKind.PROJECT,
        {"operation": Operation.STATUS, "target_id": project.id, "new_status": "completed"},
    )
    services.add_item(
        secretariat,
        request,
        ChangeKind.PROJECT,
        {"operation": Operation.ADD, "target_id": track_1.id, "new_code": "1.9", "text": "Nyt"},
    )
    services.submit(secretariat, request, dt.date(2026, 11, 21))
    _approve(secretariat, request)
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(Milestone, milestone.id).planned_on == new_day
    assert db.session.get(Indicator, indicator.id).target_value == Decimal("42.5")
    texts = [d.text for d in db.session.get(Track, track_1.id).deliverables]
    assert "Ny leverance: dataadgang for forskere" in texts
    assert "Omformuleret leverance" in texts and removed_text not in texts
    assert db.session.get(Project, project.id).status is ProjectStatus.COMPLETED
    added = db.session.scalar(
        sa.select(Project).where(Project.programme_id == ddns.id, Project.code == "1.9")
    )
    assert added is not None and added.status is ProjectStatus.PLANNED
    for changed in (db.session.get(Milestone, milestone.id), db.session.get(Project, project.id)):
        assert any(e.reason == "change_request:ÆA1" for e in history_of(changed))
    request = db.session.get(ChangeRequest, request.id)
    assert all(i.after_text is not None or i.operation is Operation.REMOVE for i in request.items)
    assert request.applied_at is not None


def test_only_the_secretariat_records_the_decision(app, users):
    secretariat, lead = users.make("secretariat"), users.make("track_lead")
    ddns, request = _draft(lead)  # a track lead may draft and put forward
    phase = ddns.timeline[0]
    services.add_item(
        lead,
        request,
        ChangeKind.TIMELINE,
        {"target_id": phase.id, "new_start": phase.start_month, "new_end": phase.end_month.add(1)},
    )
    services.submit(lead, request, dt.date(2026, 11, 21))
    db.session.commit()
    try:
        _approve(lead, request)
    except PermissionDenied as refused:
        assert "registrere styregruppens beslutning" in refused.message
    else:
        raise AssertionError("a track lead recorded a decision")
    db.session.rollback()
    _approve(secretariat, request)
    db.session.commit()
    assert request.status is ChangeStatus.APPROVED


def test_a_decision_on_an_old_version_is_refused(app, users):
    secretariat = users.make("secretariat")
    ddns, request = _draft(secretariat)
    phase = ddns.timeline[0]
    services.add_item(
        secretariat,
        request,
        ChangeKind.TIMELINE,
        {"target_id": phase.id, "new_start": phase.start_month, "new_end": phase.end_month},
    )
    seen = request.version
    services.submit(secretariat, request, dt.date(2026, 11, 21))
    db.session.commit()
    try:
        services.decide(
            secretariat,
            request,
            ChangeStatus.APPROVED,
            decided_on=DECIDED,
            decision_text="Godkendt.",
            meeting="",
            expected_version=seen,
        )
    except StaleEdit:
        db.session.rollback()
    else:
        raise AssertionError("a stale decision was taken")
    assert db.session.get(ChangeRequest, request.id).status is ChangeStatus.SUBMITTED


def test_a_change_naming_another_programmes_row_is_refused(app, users):
    secretariat = users.make("secretariat")
    _ddns, request = _draft(secretariat)
    try:
        services.add_item(
            secretariat,
            request,
            ChangeKind.MILESTONE,
            {"target_id": 10_000_000, "new_date": DECIDED},
        )
    except RuleViolation as refused:
        assert "milepæle" in refused.message
    else:
        raise AssertionError("an unknown milestone was taken")


def test_a_submitted_request_can_no_longer_be_edited(client, login_as, users):
    secretariat = users.make("secretariat")
    ddns, request = _draft(secretariat)
    phase = ddns.timeline[0]
    services.add_item(
        secretariat,
        request,
        ChangeKind.TIMELINE,
        {"target_id": phase.id, "new_start": phase.start_month, "new_end": phase.end_month},
    )
    services.submit(secretariat, request, dt.date(2026, 11, 21))
    db.session.commit()
    sign_in(client, secretariat)
    response = client.post(
        "/programmes/ddns/change-requests/ÆA1/items/timeline",
        data={
            "timeline-version": str(request.version),
            "timeline-target_id": str(phase.id),
            "timeline-new_start": "2030-01",
            "timeline-new_end": "2030-02",
        },
    )
    assert response.status_code == 422
    assert "kan ikke længere ændres" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(ChangeRequest, request.id).items) == 1


def test_viewer_reads_but_may_not_draft(client, login_as, users):
    secretariat = users.make("secretariat")
    _draft(secretariat)
    db.session.commit()
    login_as("viewer")
    assert client.get("/programmes/ddns/change-requests").status_code == 200
    page = client.get("/programmes/ddns/change-requests/ÆA1")
    assert page.status_code == 200 and "Tilføj en ændring" not in page.get_data(as_text=True)
    assert client.get("/programmes/ddns/change-requests/new").status_code == 403


def test_the_api_creates_adds_submits_and_decides(client, login_as):
    login_as("secretariat")
    ddns = get_programme("ddns")
    wave = ddns.timeline[-1]
    created = client.post(
        "/api/v1/programmes/ddns/change-requests",
        json={"title": "Bølge forlænges", "requested_by": "PMO", "requested_on": "2026-11-20"},
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["code"] == "ÆA1" and body["status"] == "draft"
    base = "/api/v1/programmes/ddns/change-requests/ÆA1"
    added = client.post(
        f"{base}/items",
        json={
            "version": body["version"],
            "kind": "timeline",
            "target_id": wave.id,
            "new_start": str(wave.start_month),
            "new_end": str(wave.end_month.add(1)),
        },
    )
    assert added.status_code == 201, added.get_json()
    body = added.get_json()
    assert body["items"][0]["target"] == wave.name
    stale = client.post(f"{base}/submit", json={"version": body["version"] - 1})
    assert stale.status_code == 409
    submitted = client.post(f"{base}/submit", json={"version": body["version"]})
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    decided = client.post(
        f"{base}/decide",
        json={
            "version": submitted.get_json()["version"],
            "outcome": "approved",
            "decided_on": "2026-12-03",
            "decision_text": "Godkendt.",
        },
    )
    assert decided.status_code == 200, decided.get_json()
    item = decided.get_json()["items"][0]
    assert item["applied"]["after"] == f"{wave.start_month}/{wave.end_month.add(1)}"
    listed = client.get("/api/v1/programmes/ddns/change-requests").get_json()
    assert [r["status"] for r in listed["items"]] == ["approved"]


def test_a_frozen_report_keeps_the_pending_requests(app, client, login_as, users):
    from portfolio.reports.services import create_report

    secretariat = users.make("secretariat")
    ddns, request = _draft(secretariat, title="Flyt milepæl")
    milestone = db.session.scalar(sa.select(Milestone).where(Milestone.programme_id == ddns.id))
    services.add_item(
        secretariat,
        request,
        ChangeKind.MILESTONE,
        {"target_id": milestone.id, "new_date": milestone.planned_on + dt.timedelta(days=7)},
    )
    services.submit(secretariat, request, dt.date(2026, 11, 21))
    db.session.commit()
    with app.test_request_context():
        report = create_report(
            secretariat,
            ddns,
            title="PSG december",
            meeting_on=DECIDED,
            today=dt.date(2026, 11, 21),
        )
    db.session.commit()
    assert [c["code"] for c in report.snapshot["change_requests_pending"]] == ["ÆA1"]
    login_as("secretariat")
    page = client.get(f"/programmes/ddns/reports/{report.id}").get_data(as_text=True)
    assert "Ændringsanmodninger til beslutning" in page and "Flyt milepæl" in page
