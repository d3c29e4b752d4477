"""Forms save valid input in one go, refuse bad input with a Danish message, write nothing."""

import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.extensions import db
from portfolio.programmes.models import Programme, Project
from portfolio.risks.models import Risk


def _programme_form(programme, **changes):
    data = {
        "version": programme.version,
        "name": programme.name,
        "short_name": programme.short_name,
        "owner_name": programme.owner_name,
        "owner_title": programme.owner_title,
        "owner_organisation": programme.owner_organisation,
        "primary_purpose": programme.primary_purpose,
        "status": programme.status.value,
        "start_month": str(programme.start_month),
        "end_month": str(programme.end_month),
        "vision": programme.vision,
        "purpose": programme.purpose,
        "conditions": programme.conditions,
        "as_is": programme.as_is,
        "to_be": programme.to_be,
        "implementation": programme.implementation,
    }
    data.update(changes)
    return data


def _snapshot():
    return db.session.execute(sa.select(Programme.__table__)).all()


def test_secretariat_edits_master_data(client, login_as, ddns):
    login_as("secretariat")
    response = client.post(
        "/programmes/ddns/edit",
        data=_programme_form(ddns, primary_purpose="Kvalitet og sammenhæng"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Programme, ddns.id).primary_purpose == "Kvalitet og sammenhæng"
    page = client.get("/programmes/ddns").get_data(as_text=True)
    assert "Stamdata er gemt." in page
    assert "Kvalitet og sammenhæng" in page


def test_bad_input_gives_message_and_writes_nothing(client, login_as, ddns):
    login_as("secretariat")
    before = _snapshot()
    audit_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    response = client.post(
        "/programmes/ddns/edit",
        data=_programme_form(ddns, name="", start_month="november 2026", end_month="2022-01"),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ændringerne er ikke gemt" in html
    assert "Angiv en måned som ÅÅÅÅ-MM" in html
    assert "Feltet skal udfyldes." in html
    db.session.expire_all()
    assert _snapshot() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == audit_before


def test_period_ending_before_it_starts_is_refused(client, login_as, ddns):
    login_as("secretariat")
    before = _snapshot()
    response = client.post(
        "/programmes/ddns/edit",
        data=_programme_form(ddns, start_month="2026-01", end_month="2025-01"),
    )
    assert response.status_code == 422
    assert "Slutmåneden skal ligge efter startmåneden." in response.get_data(as_text=True)
    db.session.expire_all()
    assert _snapshot() == before


def test_viewer_cannot_post(client, login_as, ddns):
    login_as("viewer")
    before = _snapshot()
    response = client.post("/programmes/ddns/edit", data=_programme_form(ddns, name="Hacked"))
    assert response.status_code == 403
    db.session.expire_all()
    assert _snapshot() == before


def test_stale_form_is_refused_and_shows_the_other_change(client, login_as, ddns):
    login_as("secretariat")
    old_version = ddns.version
    first = client.post(
        "/programmes/ddns/edit", data=_programme_form(ddns, owner_title="Vicedirektør")
    )
    assert first.status_code == 302
    db.session.expire_all()
    stale = _programme_form(ddns, owner_title="Kontorchef")
    stale["version"] = old_version
    response = client.post("/programmes/ddns/edit", data=stale)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Nogen har gemt en ændring" in html
    assert "Vicedirektør" in html  # what the colleague changed
    db.session.expire_all()
    assert db.session.get(Programme, ddns.id).owner_title == "Vicedirektør"


def test_create_project_in_own_track(client, login_as, ddns):
    login_as("track_lead")
    track1 = ddns.tracks[0]
    response = client.post(
        "/programmes/ddns/projects/new",
        data={
            "code": "1.4",
            "name": "Ny kommunal dataleverance",
            "track_id": track1.id,
            "status": "planned",
            "start_month": "2026-01",
            "end_month": "2026-12",
            "description": "",
            "owner": "",
        },
    )
    assert response.status_code == 302
    project = db.session.scalar(sa.select(Project).where(Project.code == "1.4"))
    assert project.track_id == track1.id and str(project.end_month) == "2026-12"


def test_track_lead_cannot_create_in_another_track(client, login_as, ddns):
    login_as("track_lead")
    response = client.post(
        "/programmes/ddns/projects/new",
        data={
            "code": "2.9",
            "name": "Andet spor",
            "track_id": ddns.tracks[1].id,
            "status": "planned",
            "description": "",
            "owner": "",
        },
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(Project).where(Project.code == "2.9")) is None


def test_duplicate_project_code_is_refused(client, login_as, ddns):
    login_as("secretariat")
    response = client.post(
        "/programmes/ddns/projects/new",
        data={
            "code": "1.1",
            "name": "Dublet",
            "track_id": "",
            "status": "planned",
            "description": "",
            "owner": "",
        },
    )
    assert response.status_code == 422
    assert "Et andet projekt har allerede dette nummer." in response.get_data(as_text=True)


def test_risk_edit_and_unknown_choice(client, login_as, ddns):
    login_as("secretariat")
    risk = db.session.scalar(sa.select(Risk).where(Risk.code == "R2"))
    data = {
        "version": risk.version,
        "assessed_on": "2026-11-21",
        "probability": "enormous",
        "consequence": "high",
        "residual_probability": "",
        "residual_consequence": "",
        "note": "Ny vurdering",
    }
    response = client.post("/programmes/ddns/risks/R2/reassess", data=data)
    assert response.status_code == 422
    assert "Vælg en af mulighederne." in response.get_data(as_text=True)
    data["probability"] = "high"
    assert client.post("/programmes/ddns/risks/R2/reassess", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Risk, risk.id).score == 9


def test_new_risk_gets_next_code(client, login_as):
    login_as("secretariat")
    response = client.post(
        "/programmes/ddns/risks/new",
        data={
            "title": "Leverandørafhængighed",
            "description": "",
            "consequence_text": "",
            "probability": "low",
            "consequence": "medium",
            "owner": "",
            "status": "open",
            "track_id": "",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/risks/R5")


def test_benefit_owner_named(client, login_as, ddns):
    from portfolio.benefits.services import get_benefit

    login_as("secretariat")
    gh2 = get_benefit(ddns, "GH2")
    data = {
        "version": gh2.version,
        "name": gh2.name,
        "description": gh2.description,
        "owner": "Kontorchef for datakvalitet",
        "types": ["non_economic"],
        "recipient_ids": [r.id for r in gh2.recipients],
        "track_ids": [ddns.tracks[0].id],
        "project_ids": [],
    }
    assert client.post("/programmes/ddns/benefits/GH2/edit", data=data).status_code == 302
    db.session.expire_all()
    gh2 = get_benefit(ddns, "GH2")
    assert gh2.owner == "Kontorchef for datakvalitet"
    assert [t.number for t in gh2.tracks] == [1]


def test_benefit_needs_a_type(client, login_as, ddns):
    from portfolio.benefits.services import get_benefit

    login_as("secretariat")
    gh2 = get_benefit(ddns, "GH2")
    data = {
        "version": gh2.version,
        "name": gh2.name,
        "description": "",
        "owner": "",
        "types": [],
        "recipient_ids": [],
        "track_ids": [],
        "project_ids": [],
    }
    response = client.post("/programmes/ddns/benefits/GH2/edit", data=data)
    assert response.status_code == 422
    assert "Vælg mindst én gevinsttype." in response.get_data(as_text=True)


def test_benefit_types_sent_twice_are_saved_once(client, login_as, ddns):
    from portfolio.benefits.services import get_benefit

    login_as("secretariat")
    gh2 = get_benefit(ddns, "GH2")
    recipients = sorted(r.id for r in gh2.recipients)
    data = {
        "version": gh2.version,
        "name": gh2.name,
        "description": gh2.description,
        "owner": gh2.owner or "",
        "types": ["economic", "economic", "non_economic"],
        "recipient_ids": recipients * 2,
        "track_ids": [t.id for t in gh2.tracks] * 2,
        "project_ids": [p.id for p in gh2.projects] * 2,
    }
    assert client.post("/programmes/ddns/benefits/GH2/edit", data=data).status_code == 302
    db.session.expire_all()
    gh2 = get_benefit(ddns, "GH2")
    assert [t.value for t in gh2.types] == ["economic", "non_economic"]
    assert sorted(r.id for r in gh2.recipients) == recipients


def test_benefit_unknown_choices_are_refused_in_danish(client, login_as, ddns):
    from portfolio.benefits.services import get_benefit

    login_as("secretariat")
    gh2 = get_benefit(ddns, "GH2")
    for field, value in [("types", "ukendt"), ("track_ids", "abc"), ("track_ids", "999999")]:
        data = {"version": gh2.version, "name": gh2.name, "types": ["economic"], field: value}
        response = client.post("/programmes/ddns/benefits/GH2/edit", data=data)
        assert response.status_code == 422, (field, value)
        assert "Vælg blandt mulighederne." in response.get_data(as_text=True), (field, value)


def test_stakeholder_added(client, login_as):
    login_as("secretariat")
    response = client.post(
        "/programmes/ddns/stakeholders/new",
        data={
            "name": "Digitaliseringsstyrelsen",
            "attitude": "neutral",
            "involvement": "Orientering",
        },
    )
    assert response.status_code == 302
    html = client.get("/programmes/ddns/stakeholders/").get_data(as_text=True)
    assert "Digitaliseringsstyrelsen" in html


def test_benefit_profile_names_follow_up_handover_and_vision_goals(client, login_as, ddns):
    import datetime as dt

    from portfolio.benefits.services import get_benefit

    login_as("secretariat")
    gh2 = get_benefit(ddns, "GH2")
    goal = ddns.vision_goals[-1]
    data = {
        "version": gh2.version,
        "name": gh2.name,
        "description": gh2.description,
        "owner": "Kontorchef for datakvalitet",
        "responsible": "Gevinstkoordinator",
        "operations_owner": "Driftschef, Sundhedsdatastyrelsen",
        "handed_over_on": "2027-03-01",
        "types": [t.value for t in gh2.types],
        "recipient_ids": [r.id for r in gh2.recipients],
        "track_ids": [t.id for t in gh2.tracks],
        "project_ids": [p.id for p in gh2.projects],
        "goal_ids": [goal.id],
    }
    assert client.post("/programmes/ddns/benefits/GH2/edit", data=data).status_code == 302
    db.session.expire_all()
    gh2 = get_benefit(ddns, "GH2")
    assert gh2.responsible == "Gevinstkoordinator"
    assert gh2.operations_owner == "Driftschef, Sundhedsdatastyrelsen"
    assert gh2.handed_over_on == dt.date(2027, 3, 1)
    assert [g.id for g in gh2.goals] == [goal.id]
    html = client.get("/programmes/ddns/benefits/GH2").get_data(as_text=True)
    assert "Gevinstkoordinator" in html and goal.text in html
    assert "overdraget 1. marts 2027" in html
