"""Setting a programme up: who may, what a template copies, tracks, phases and waves, and the
first approved budget, each refusal in Danish with nothing changed."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from portfolio.budgets import services as budget_services
from portfolio.budgets.models import Baseline, BudgetRow
from portfolio.extensions import db
from portfolio.programmes.models import Programme, Project, TimelineItem, Track
from portfolio.programmes.services import get_programme

BLANK = {
    "name": "Nyt program",
    "short_name": "Nyt",
    "slug": "nyt-program",
    "status": "planned",
    "start_month": "2027-01",
    "end_month": "2029-12",
    "template": "",
}


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_only_admin_and_secretariat_may_create_a_programme(client, login_as):
    for role in ("viewer", "track_lead", "benefit_owner"):
        login_as(role)
        assert client.get("/programmes/new").status_code == 403
        assert client.post("/programmes/new", data=BLANK).status_code == 403
        assert "/programmes/new" not in client.get("/").get_data(as_text=True)
    assert _count(Programme) == 2
    login_as("admin")
    assert client.post("/programmes/new", data=BLANK).status_code == 302
    assert _count(Programme) == 3


def test_a_bad_slug_or_period_is_refused_in_danish_and_nothing_is_made(client, login_as):
    login_as("secretariat")
    for slug, message in (
        ("ddns", "Et andet program bruger allerede denne kortadresse."),
        ("Æble program", "Brug små bogstaver a–z, tal og bindestreger"),
        ("new", "Brug små bogstaver a–z"),
    ):
        page = client.post("/programmes/new", data={**BLANK, "slug": slug})
        assert page.status_code == 422
        assert message in page.get_data(as_text=True)
    page = client.post("/programmes/new", data={**BLANK, "end_month": "2026-12"})
    assert page.status_code == 422
    assert "Slutmåneden skal ligge efter startmåneden." in page.get_data(as_text=True)
    assert _count(Programme) == 2


def test_a_template_copies_the_structure_and_none_of_the_figures(client, login_as):
    login_as("secretariat")
    ddns = get_programme("ddns")
    shift = ddns.start_month.months_until(get_programme("ddns").start_month.add(48))
    data = {**BLANK, "template": "ddns", "shift_timeline": "y"}
    data["start_month"] = str(ddns.start_month.add(48))
    data["end_month"] = str(ddns.end_month.add(48))
    response = client.post("/programmes/new", data=data, follow_redirects=True)
    assert "men ingen tal" in response.get_data(as_text=True)
    copy = get_programme("nyt-program")
    assert [(t.number, t.name, t.description) for t in copy.tracks] == [
        (t.number, t.name, t.description) for t in ddns.tracks
    ]
    assert [[d.text for d in t.deliverables] for t in copy.tracks] == [
        [d.text for d in t.deliverables] for t in ddns.tracks
    ]
    assert [(t.name, t.start_month, t.end_month) for t in copy.timeline] == [
        (t.name, t.start_month.add(shift), t.end_month.add(shift)) for t in ddns.timeline
    ]
    assert [(p.code, p.name) for p in copy.projects] == [(p.code, p.name) for p in ddns.projects]
    assert all(p.owner is None and p.start_month is None for p in copy.projects)
    # No figures: no budget rows, baseline, risks, benefits, reports.
    assert budget_services.baseline_table(copy.id) is None
    assert not budget_services.budget_rows(copy.id)
    from portfolio.benefits.models import Benefit
    from portfolio.risks.models import Risk

    for model in (Risk, Benefit):
        assert not db.session.scalars(sa.select(model).where(model.programme_id == copy.id)).all()


def test_tracks_are_added_moved_retired_and_deleted(client, login_as):
    login_as("admin")
    client.post("/programmes/new", data=BLANK)
    for name in ("Et", "To", "Tre"):
        client.post(
            "/programmes/nyt-program/setup/tracks/new",
            data={"name": name, "description": "", "deliverables_text": ""},
        )
    programme = get_programme("nyt-program")
    tre = programme.tracks[2]
    client.post(
        "/programmes/nyt-program/tracks/3/move", data={"version": tre.version, "step": "up"}
    )
    db.session.expire_all()
    assert [(t.number, t.name) for t in get_programme("nyt-program").tracks] == [
        (1, "Et"),
        (2, "Tre"),
        (3, "To"),
    ]
    # A stale version is refused, nothing moves.
    page = client.post(
        "/programmes/nyt-program/tracks/2/move",
        data={"version": 1, "step": "up"},
        follow_redirects=True,
    )
    assert "Nogen har gemt en ændring" in page.get_data(as_text=True)
    db.session.expire_all()
    track = db.session.scalar(sa.select(Track).where(Track.name == "To"))
    refused = client.post(
        f"/programmes/nyt-program/tracks/{track.number}/retire",
        data={"version": track.version, "reason": " "},
    )
    assert refused.status_code == 422
    client.post(
        f"/programmes/nyt-program/tracks/{track.number}/retire",
        data={"version": track.version, "reason": "Lagt sammen med spor 1"},
    )
    db.session.expire_all()
    assert db.session.get(Track, track.id).is_retired
    setup_page = client.get("/programmes/nyt-program/setup").get_data(as_text=True)
    assert "udgået" in setup_page and "Lagt sammen med spor 1" in setup_page
    track_page = client.get(f"/programmes/nyt-program/tracks/{track.number}")
    assert "Sporet er udgået: Lagt sammen med spor 1" in track_page.get_data(as_text=True)
    # Hidden from new work: a new project cannot be put on it.
    new_project = client.get("/programmes/nyt-program/projects/new").get_data(as_text=True)
    assert f'value="{track.id}"' not in new_project and "Spor 1: Et" in new_project
    # Deleting the middle track moves the later ones up a number.
    middle = get_programme("nyt-program").tracks[1]
    client.post(
        f"/programmes/nyt-program/tracks/{middle.number}/delete",
        data={"version": middle.version},
    )
    db.session.expire_all()
    assert [(t.number, t.name) for t in get_programme("nyt-program").tracks] == [
        (1, "Et"),
        (2, "To"),
    ]


def test_a_track_with_something_attached_is_not_deleted(client, login_as, ddns):
    login_as("admin")
    track = ddns.tracks[0]
    page = client.post(
        "/programmes/ddns/tracks/1/delete", data={"version": track.version}, follow_redirects=True
    )
    html = page.get_data(as_text=True)
    assert "Sporet kan ikke slettes, fordi det har" in html and "Sæt det som udgået" in html
    # DDNS's approved budget has rows per track: the numbers are fixed.
    page = client.post(
        "/programmes/ddns/tracks/1/move",
        data={"version": track.version, "step": "down"},
        follow_redirects=True,
    )
    assert "Sporene kan ikke flyttes" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Track, track.id).number == 1


def test_phases_and_waves_are_checked_in_danish(client, login_as):
    login_as("admin")
    client.post("/programmes/new", data=BLANK)
    url = "/programmes/nyt-program/setup/timeline/new"
    page = client.post(
        url,
        data={"name": "Fase", "kind": "phase", "start_month": "2027-06", "end_month": "2027-01"},
    )
    assert page.status_code == 422
    assert "Slutmåneden skal ligge efter startmåneden" in page.get_data(as_text=True)
    page = client.post(url, data={"name": "Fase", "kind": "phase", "start_month": "juni"})
    assert "Angiv en måned som ÅÅÅÅ-MM" in page.get_data(as_text=True)
    assert _count(TimelineItem) == len(get_programme("ddns").timeline)
    page = client.post(
        url,
        data={"name": "Før", "kind": "wave", "start_month": "2026-01", "end_month": "2027-03"},
        follow_redirects=True,
    )
    assert "uden for programmets periode" in page.get_data(as_text=True)
    client.post(
        url,
        data={"name": "Efter", "kind": "phase", "start_month": "2027-04", "end_month": "2027-09"},
    )
    first, second = get_programme("nyt-program").timeline
    client.post(
        f"/programmes/nyt-program/timeline/{second.id}/move",
        data={"version": second.version, "step": "up"},
    )
    db.session.expire_all()
    assert [t.name for t in get_programme("nyt-program").timeline] == ["Efter", "Før"]
    item = db.session.get(TimelineItem, first.id)
    edited = client.post(
        f"/programmes/nyt-program/timeline/{item.id}/edit",
        data={
            "version": item.version,
            "name": "Forberedelse",
            "kind": "phase",
            "start_month": "2027-01",
            "end_month": "2027-03",
        },
    )
    assert edited.status_code == 302
    stale = client.post(
        f"/programmes/nyt-program/timeline/{item.id}/edit",
        data={
            "version": item.version,
            "name": "Noget andet",
            "kind": "phase",
            "start_month": "2027-01",
            "end_month": "2027-03",
        },
    )
    assert stale.status_code == 409
    db.session.expire_all()
    assert db.session.get(TimelineItem, item.id).name == "Forberedelse"
    client.post(
        f"/programmes/nyt-program/timeline/{item.id}/delete",
        data={"version": db.session.get(TimelineItem, item.id).version},
    )
    assert [t.name for t in get_programme("nyt-program").timeline] == ["Efter"]


def test_the_first_budget_refuses_bad_amounts_and_needs_the_confirmation(client, login_as):
    login_as("admin")
    client.post("/programmes/new", data=BLANK)
    client.post(
        "/programmes/nyt-program/setup/tracks/new",
        data={"name": "Et", "description": "", "deliverables_text": ""},
    )
    track = get_programme("nyt-program").tracks[0]
    facts = {
        "approved_on": "2026-11-30",
        "approved_by": "Styregruppen",
        "decision": "Godkendt",
        "confirmed": "y",
    }
    url = "/programmes/nyt-program/budget/first"
    page = client.post(url, data={**facts, f"cell-{track.id}-2027": "-1"})
    assert page.status_code == 422 and "Beløbet må ikke være negativt." in page.get_data(
        as_text=True
    )
    page = client.post(url, data=facts)
    assert page.status_code == 422 and "Skriv mindst ét beløb." in page.get_data(as_text=True)
    page = client.post(url, data={**facts, "confirmed": "", f"cell-{track.id}-2027": "1"})
    assert page.status_code == 422
    assert _count(Baseline) == 1 and _count(BudgetRow) == 5
    done = client.post(
        url,
        data={
            **facts,
            f"cell-{track.id}-2027": "1,25",
            "cell-tvaergaaende-varigt": "0,5",
            "cross_cutting_label": "Programledelse",
        },
    )
    assert done.status_code == 302
    table = budget_services.baseline_table(get_programme("nyt-program").id)
    assert [(r.row.label, r.amounts) for r in table.rows] == [
        ("Spor 1: Et", {"2027": Decimal("1.25")}),
        ("Programledelse", {"varigt": Decimal("0.5")}),
    ]
    # A second first budget is not possible: the page sends the user to a new version.
    assert client.get(url).status_code == 302


def test_a_reader_cannot_set_up_anything(client, login_as, ddns):
    login_as("viewer")
    page = client.get("/programmes/ddns/setup")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Nyt spor" not in html and "Flyt op" not in html
    assert client.get("/programmes/ddns/setup/tracks/new").status_code == 403
    assert client.get("/programmes/sundhedsdataprogrammet/budget/first").status_code in (403, 404)
    assert _count(Project) == len(ddns.projects) + 1
