"""Projects that can be planned: lead, months, percent, order, retirement, dependencies,
their own milestones, the timelines that draw them and the schedule light that counts them."""

import datetime as dt

import pytest
import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.charts.timeline import RowKind, layout_rows
from portfolio.core.errors import PermissionDenied, RuleViolation
from portfolio.core.lights import Colour
from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.programmes import projects
from portfolio.programmes.models import Project, ProjectStatus
from portfolio.programmes.services import get_programme, get_project
from portfolio.programmes.timeline import timeline_data
from portfolio.status.lights import schedule_light
from portfolio.status.models import Milestone, MilestoneStatus
from portfolio.status.services import STATUS_OPTIONS, load_status_data
from portfolio.status.snapshot import build_snapshot


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = "2026-11-21"


def _project(code: str) -> Project:
    db.session.expire_all()
    return get_project(get_programme("ddns"), code)


def _form(project: Project, **changes) -> dict:
    data = {
        "version": project.version,
        "code": project.code,
        "name": project.name,
        "track_id": project.track_id or "",
        "owner_user_id": project.owner_user_id or "",
        "owner": project.owner or "",
        "status": project.status.value,
        "percent_complete": "" if project.percent_complete is None else project.percent_complete,
        "start_month": str(project.start_month) if project.start_month else "",
        "end_month": str(project.end_month) if project.end_month else "",
        "description": project.description,
    }
    data.update(changes)
    return data


def test_the_ddns_projects_stay_undated(ddns):
    # The programme basis dates none of them; nothing here may invent a date.
    assert [(p.start_month, p.end_month) for p in ddns.projects] == [(None, None)] * 7
    rows = [r for r in layout_rows(timeline_data(ddns, dt.date(2026, 11, 21))) if r.note]
    assert len(rows) == 7 and {r.note for r in rows} == {"ikke dateret"}


def test_a_track_lead_plans_a_project_of_their_track(client, login_as, users):
    lead = login_as("track_lead")
    project = _project("1.1")
    response = client.post(
        "/programmes/ddns/projects/1.1/edit",
        data=_form(
            project,
            owner_user_id=lead.id,
            status="active",
            percent_complete="40",
            start_month="2026-02",
            end_month="2027-06",
        ),
    )
    assert response.status_code == 302
    project = _project("1.1")
    assert (project.owner_user_id, project.owner, project.percent_complete) == (lead.id, None, 40)
    assert (project.start_month, project.end_month) == (Month(2026, 2), Month(2027, 6))
    page = client.get("/programmes/ddns/projects/1.1").get_data(as_text=True)
    assert "Track Lead" in page and "40&nbsp;%" in page
    changed = db.session.scalars(
        sa.select(AuditEntry.field).where(
            AuditEntry.entity == "projects", AuditEntry.entity_id == str(project.id)
        )
    ).all()
    assert {"owner_user_id", "percent_complete", "start_month", "end_month"} <= set(changed)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start_month": "2027-05", "end_month": "2027-01"}, "Slutmåneden skal ligge efter"),
        ({"percent_complete": "120"}, "Angiv et helt tal fra 0 til 100."),
        ({"percent_complete": "fyrre"}, "Angiv et helt tal fra 0 til 100."),
        ({"owner": "Anne Andersen", "owner_user_id": "USER"}, "ikke begge"),
    ],
)
def test_a_bad_plan_is_refused_in_danish_and_changes_nothing(client, login_as, changes, message):
    user = login_as("secretariat")
    before = _project("1.2")
    if changes.get("owner_user_id") == "USER":
        changes = {**changes, "owner_user_id": user.id}
    response = client.post("/programmes/ddns/projects/1.2/edit", data=_form(before, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    after = _project("1.2")
    assert after.version == before.version and after.percent_complete is None


def test_the_service_refuses_what_the_form_would(app, users, ddns):
    actor = users.make("secretariat")
    project = get_project(ddns, "1.3")
    with pytest.raises(RuleViolation):
        projects.update_project(actor, project, {"percent_complete": 101}, project.version)
    with pytest.raises(RuleViolation):
        projects.update_project(
            actor, project, {"owner": "Navn", "owner_user_id": actor.id}, project.version
        )
    with pytest.raises(PermissionDenied):
        projects.update_project(users.make("viewer"), project, {"name": "X"}, project.version)
    db.session.rollback()
    assert set(projects.PROJECT_FIELDS) >= {
        "owner",
        "owner_user_id",
        "start_month",
        "end_month",
        "status",
        "percent_complete",
    }


def test_dependencies_refuse_itself_and_cycles_in_danish(app, users, ddns):
    actor = users.make("secretariat")
    a, b, c = (get_project(ddns, code) for code in ("1.1", "1.2", "1.3"))
    projects.add_dependency(actor, b, a)  # 1.2 starts when 1.1 is done
    projects.add_dependency(actor, c, b)  # 1.3 starts when 1.2 is done
    db.session.commit()
    with pytest.raises(RuleViolation, match="afhænge af sig selv"):
        projects.add_dependency(actor, a, a)
    with pytest.raises(RuleViolation, match=r"kreds \(1\.1 → 1\.3 → 1\.2 → 1\.1\)"):
        projects.add_dependency(actor, a, c)
    with pytest.raises(RuleViolation, match=r"afhænger allerede af 1\.1"):
        projects.add_dependency(actor, b, a)
    db.session.rollback()
    assert [d.depends_on.code for d in get_project(ddns, "1.1").depends_on] == []


def test_a_dependency_from_the_project_page(client, login_as):
    login_as("track_lead")
    first, second = _project("1.1"), _project("1.2")
    added = client.post(
        "/programmes/ddns/projects/1.2/dependencies",
        data={"depends_on_id": first.id, "description": "Registret skal findes først"},
        follow_redirects=True,
    )
    assert "Afhængigheden er gemt." in added.get_data(as_text=True)
    assert [d.depends_on.code for d in _project("1.2").depends_on] == ["1.1"]
    cycle = client.post(
        "/programmes/ddns/projects/1.1/dependencies",
        data={"depends_on_id": second.id},
        follow_redirects=True,
    )
    assert "den ville give en kreds" in cycle.get_data(as_text=True)
    assert _project("1.1").depends_on == []
    page = client.get("/programmes/ddns/projects/1.1").get_data(as_text=True)
    assert "Disse projekter venter på" in page and "1.2" in page


def test_a_dependency_warns_when_the_dates_disagree(app, users, ddns):
    actor = users.make("secretariat")
    first, second = get_project(ddns, "1.1"), get_project(ddns, "1.2")
    projects.update_project(
        actor, first, {"start_month": Month(2026, 1), "end_month": Month(2026, 9)}, first.version
    )
    projects.update_project(
        actor, second, {"start_month": Month(2026, 6), "end_month": Month(2027, 3)}, second.version
    )
    dependency = projects.add_dependency(actor, second, first)
    assert projects.start_conflicts(second) == [dependency]
    projects.update_project(actor, second, {"start_month": Month(2026, 9)}, second.version)
    assert projects.start_conflicts(second) == []  # may start in the month 1.1 ends
    db.session.commit()


def test_retiring_takes_a_project_off_the_plan_and_restoring_puts_it_back(client, login_as):
    login_as("secretariat")
    project = _project("2.2")
    response = client.post(
        "/programmes/ddns/projects/2.2/retire", data={"version": project.version}
    )
    assert response.status_code == 302
    assert _project("2.2").is_retired
    page = client.get("/programmes/ddns").get_data(as_text=True)
    assert "Udgået af planen" in page
    ddns = get_programme("ddns")
    drawn = [p.code for t in timeline_data(ddns, dt.date(2026, 11, 21)).tracks for p in t.projects]
    assert "2.2" not in drawn and "2.1" in drawn
    stale = client.post("/programmes/ddns/projects/2.2/restore", data={"version": 1})
    assert stale.status_code == 302 and _project("2.2").is_retired  # an old page: refused
    restored = client.post(
        "/programmes/ddns/projects/2.2/restore", data={"version": _project("2.2").version}
    )
    assert restored.status_code == 302 and not _project("2.2").is_retired


def test_a_track_lead_cannot_retire_or_move_another_tracks_project(client, login_as):
    login_as("track_lead")
    project = _project("2.1")
    assert (
        client.post(
            "/programmes/ddns/projects/2.1/retire", data={"version": project.version}
        ).status_code
        == 403
    )
    assert client.post("/programmes/ddns/projects/2.1/move/up", data={}).status_code == 403
    assert not _project("2.1").is_retired


def test_moving_a_project_reorders_its_track(client, login_as):
    login_as("track_lead")
    response = client.post(
        "/programmes/ddns/projects/1.3/move/up",
        data={"version": _project("1.3").version, "back": "programme"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#projekter")
    ddns = get_programme("ddns")
    order = [p.code for p in sorted(ddns.tracks[0].projects, key=lambda p: p.position)]
    assert order == ["1.1", "1.3", "1.2"]
    page = client.get("/programmes/ddns").get_data(as_text=True)
    assert page.index(">1.3<") < page.index(">1.2<")


def test_the_project_page_lists_creates_and_edits_its_milestones(client, login_as):
    login_as("track_lead")
    project = _project("1.1")
    created = client.post(
        "/programmes/ddns/projects/1.1/milestones/new",
        data={
            "title": "Register i drift",
            "kind": "milestone",
            "planned_on": "2027-03-01",
            "status": "planned",
            "description": "",
        },
    )
    assert created.status_code == 302 and created.headers["Location"].endswith("#milepaele")
    milestone = db.session.scalar(sa.select(Milestone).where(Milestone.title == "Register i drift"))
    assert (milestone.project_id, milestone.track_id) == (project.id, project.track_id)
    page = client.get("/programmes/ddns/projects/1.1").get_data(as_text=True)
    assert "Register i drift" in page
    edited = client.post(
        f"/programmes/ddns/projects/1.1/milestones/{milestone.id}/edit",
        data={
            "version": milestone.version,
            "title": "Register i drift",
            "kind": "milestone",
            "planned_on": "2027-03-01",
            "forecast_on": "2027-05-01",
            "status": "planned",
            "description": "",
        },
    )
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(Milestone, milestone.id).forecast_on == dt.date(2027, 5, 1)
    other = _project("1.2")
    assert (
        client.get(
            f"/programmes/ddns/projects/{other.code}/milestones/{milestone.id}/edit"
        ).status_code
        == 404
    )


def test_the_timelines_draw_dated_projects_and_their_milestones(client, login_as, users, ddns):
    actor = users.make("secretariat")
    project = get_project(ddns, "1.1")
    projects.update_project(
        actor, project, {"start_month": Month(2026, 3), "end_month": Month(2027, 8)}, 1
    )
    db.session.add(
        Milestone(
            programme_id=ddns.id,
            track_id=project.track_id,
            project_id=project.id,
            title="Første leverance",
            planned_on=dt.date(2026, 9, 1),
        )
    )
    db.session.commit()
    data = timeline_data(ddns, dt.date(2026, 11, 21))
    row = next(r for r in layout_rows(data) if r.label.startswith("1.1 "))
    assert (row.kind, row.start, row.end) == (RowKind.PROJECT, Month(2026, 3), Month(2027, 8))
    assert [m.label for m in row.milestones] == ["Første leverance"]
    track = timeline_data(ddns, dt.date(2026, 11, 21), ddns.tracks[1])
    assert [t.number for t in track.tracks] == [2]
    login_as("viewer")
    page = client.get("/programmes/ddns").get_data(as_text=True)
    assert "/programmes/ddns/timeline.svg?v=" in page
    svg = client.get("/programmes/ddns/timeline.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    track_page = client.get("/programmes/ddns/tracks/1").get_data(as_text=True)
    assert "/programmes/ddns/tracks/1/timeline.svg?v=" in track_page
    assert client.get("/programmes/ddns/tracks/1/timeline.svg").status_code == 200


# ------------------------------------------------------------------ the schedule light


class _P:
    """A project as the light reads it."""

    def __init__(self, code, end=None, status=ProjectStatus.ACTIVE, retired=False, pid=1):
        self.id, self.code, self.name = pid, code, f"Projekt {code}"
        self.end_month, self.status = end, status
        self.is_retired = retired
        self.is_finished = status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)


class _M:
    def __init__(self, title, planned, project_id=None, status=MilestoneStatus.PLANNED):
        self.title, self.planned_on, self.project_id, self.status = (
            title,
            planned,
            project_id,
            status,
        )
        self.forecast_on = self.done_on = None
        self.kind = None


TODAY = dt.date(2026, 11, 21)


def test_a_project_past_its_end_month_makes_the_light_late_and_says_so():
    light = schedule_light([], TODAY, [_P("1.1", end=Month(2026, 9))])
    assert light.colour is Colour.YELLOW
    assert "projekt 1.1 Projekt 1.1 er ikke afsluttet" in light.reason
    assert ("Projekter over slutmåned", "1") in light.figures
    red = schedule_light([], TODAY, [_P("1.1", end=Month(2026, 5))])
    assert red.colour is Colour.RED and "6 måneders forsinkelse" in red.reason


def test_a_finished_or_retired_project_tells_nothing_either_way():
    # No completion date is kept, so a finished project is neither late nor on time.
    for project in (
        _P("1.1", end=Month(2026, 1), status=ProjectStatus.COMPLETED),
        _P("1.2", end=Month(2026, 1), status=ProjectStatus.CANCELLED),
        _P("1.3", end=Month(2026, 1), retired=True),
    ):
        assert schedule_light([], TODAY, [project]).colour is Colour.NONE
    on_time = schedule_light([], TODAY, [_P("1.4", end=Month(2026, 11))])
    assert on_time.colour is Colour.GREEN
    assert on_time.reason == "Alle milepæle og daterede projekter holder tidsplanen."


def test_an_overdue_project_milestone_is_named_with_its_project():
    late = _M("Register i drift", dt.date(2026, 7, 1), project_id=1)
    light = schedule_light([late], TODAY, [_P("1.1", end=Month(2027, 6))])
    assert light.colour is Colour.RED
    assert "Register i drift, milepæl i projekt 1.1" in light.reason


def test_undated_projects_claim_nothing():
    undated = [_P(f"1.{n}", pid=n) for n in range(1, 4)]
    light = schedule_light([], TODAY, undated)
    assert light.colour is Colour.NONE
    assert "3 åbne projekter uden slutmåned tæller ikke med." in light.reason
    on_time = schedule_light([_M("M", dt.date(2027, 1, 1))], TODAY, undated)
    assert on_time.colour is Colour.GREEN
    assert on_time.reason.startswith("Alle milepæle holder tidsplanen.")
    assert "3 åbne projekter uden slutmåned" in on_time.reason


def test_the_status_page_counts_a_late_project(client, login_as, users, ddns):
    actor = users.make("secretariat")
    project = get_project(ddns, "2.1")
    projects.update_project(
        actor, project, {"start_month": Month(2025, 1), "end_month": Month(2026, 6)}, 1
    )
    db.session.commit()
    programme = get_programme("ddns", *STATUS_OPTIONS)
    snapshot = build_snapshot(load_status_data(programme), TODAY)
    schedule = snapshot["lights"]["schedule"]["computed"]
    assert schedule["colour"] == "red"
    assert "projekt 2.1" in schedule["reason"]
    track2 = next(t for t in snapshot["tracks"] if t["number"] == 2)
    assert track2["parts"]["schedule"]["colour"] == "red"
    login_as("viewer")
    page = client.get("/programmes/ddns/status").get_data(as_text=True)
    assert "projekt 2.1" in page
