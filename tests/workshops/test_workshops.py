"""Benefit follow-up workshops: planning, permissions, frozen figures, minutes, closing."""

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portfolio.benefits.services import get_benefit
from portfolio.core.errors import RuleViolation
from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.indicators.models import ManualValue, Progress
from portfolio.programmes.models import ProgrammeStatus
from portfolio.workshops import services
from portfolio.workshops.models import (
    ActionStatus,
    FollowUpPhase,
    Workshop,
    WorkshopAction,
    WorkshopStatus,
)
from tests.indicators.factories import enter, make_indicator

TODAY = "2026-11-21"


@pytest.fixture(autouse=True)
def _pinned_today(app):
    app.config["TODAY"] = TODAY


def _plan(client, ddns, *codes, title="Gevinstworkshop 2. kvartal 2026", **extra):
    ids = [str(get_benefit(ddns, code).id) for code in codes]
    data = {
        "title": title,
        "held_on": "2026-12-01",
        "place": "Sundhedsdatastyrelsen, mødelokale 3",
        "participants": "Lisbeth Nielsen\n\nGevinstejer GH1\n",
        "phase": "during",
        "benefit_ids": ids,
        "summary": "",
        **extra,
    }
    return client.post("/programmes/ddns/workshops/new", data=data)


def _workshop(title="Gevinstworkshop 2. kvartal 2026") -> Workshop:
    db.session.expire_all()
    return db.session.scalar(sa.select(Workshop).where(Workshop.title == title))


def _hold(client, workshop):
    return client.post(
        f"/programmes/ddns/workshops/{workshop.id}/hold",
        data={"version": workshop.version, "confirmed": "y"},
    )


def _rehabilitation_indicator(ddns):
    """GH1's indicator with manual values 2023–2024 (a share) and a small count of 3."""
    gh1 = get_benefit(ddns, "GH1")
    share = make_indicator(
        gh1,
        "GH1.1",
        unit="%",
        baseline_value=20,
        baseline_period=2023,
        target_value=90,
        target_period=2027,
        trajectory=[(2024, 40), (2025, 60)],
    )
    share.name = "Andel kommuner med genoptræningsdata"
    enter(share, (2023, "20.5"), (2024, "41.2"))
    small = make_indicator(gh1, "GH1.2", is_count=True, decimals=0)
    enter(small, (2024, 3))
    db.session.commit()
    return share, small


def test_secretariat_plans_a_workshop_with_benefits_on_its_agenda(client, login_as, ddns):
    login_as("secretariat")
    response = _plan(client, ddns, "GH3", "GH1")
    assert response.status_code == 302
    workshop = _workshop()
    assert workshop.status is WorkshopStatus.PLANNED
    assert [item.benefit.code for item in workshop.items] == ["GH1", "GH3"]
    assert workshop.participant_list == ["Lisbeth Nielsen", "Gevinstejer GH1"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gevinstworkshop 2. kvartal 2026" in page
    assert "mødelokale 3" in page
    assert "Tallene er dagens" in page
    listing = client.get("/programmes/ddns/workshops/").get_data(as_text=True)
    assert "Gevinstworkshop 2. kvartal 2026" in listing


def test_a_workshop_needs_a_benefit_on_its_agenda(client, login_as, ddns):
    login_as("secretariat")
    response = _plan(client, ddns)
    assert response.status_code == 422
    assert "Vælg mindst én gevinst." in response.get_data(as_text=True)
    assert _workshop() is None


def test_a_retired_benefit_is_not_put_on_a_new_agenda_but_stays_on_an_old_one(
    client, login_as, users, ddns
):
    from portfolio.benefits.services import retire_benefit

    login_as("secretariat")
    assert _plan(client, ddns, "GH1", "GH2").status_code == 302
    gh2 = get_benefit(ddns, "GH2")
    retire_benefit(users.make("admin"), gh2, "Indgår i GH1 fra 2026.")
    db.session.commit()

    form = client.get("/programmes/ddns/workshops/new").get_data(as_text=True)
    assert f'value="{gh2.id}"' not in form and "GH1" in form
    refused = _plan(client, ddns, "GH2", title="Ny workshop")
    assert refused.status_code == 422
    assert "Vælg blandt mulighederne." in refused.get_data(as_text=True)
    assert _workshop("Ny workshop") is None

    # The planned workshop keeps it: its edit form offers it, and saving keeps the agenda.
    workshop = _workshop()
    edit = client.get(f"/programmes/ddns/workshops/{workshop.id}/edit").get_data(as_text=True)
    assert f'value="{gh2.id}"' in edit
    saved = client.post(
        f"/programmes/ddns/workshops/{workshop.id}/edit",
        data={
            "version": workshop.version,
            "title": "Gevinstworkshop, flyttet",
            "held_on": "2026-12-02",
            "phase": "during",
            "benefit_ids": [str(get_benefit(ddns, "GH1").id), str(gh2.id)],
        },
    )
    assert saved.status_code == 302
    assert [i.benefit.code for i in _workshop("Gevinstworkshop, flyttet").items] == ["GH1", "GH2"]

    # The service refuses it too, whoever calls it (the API plans through it).
    with pytest.raises(RuleViolation) as refusal:
        services.plan_workshop(
            users.make("secretariat"), ddns, {"title": "Via API", "benefit_ids": [gh2.id]}
        )
    assert "udgået gevinst" in str(refusal.value)


def test_benefit_owner_writes_only_the_minutes_of_their_own_benefit(client, login_as, ddns):
    login_as("secretariat")
    _plan(client, ddns, "GH1", "GH2")
    workshop = _workshop()
    _hold(client, workshop)
    login_as("benefit_owner")  # owner of GH1
    assert _plan(client, ddns, "GH1", title="Egen workshop").status_code == 403
    base = f"/programmes/ddns/workshops/{workshop.id}"
    gh1, gh2 = services.get_item(workshop, "GH1"), services.get_item(workshop, "GH2")
    own = client.post(
        f"{base}/benefits/GH1",
        data={"version": gh1.version, "assessment": "at_risk", "comment": "Få kommuner."},
    )
    assert own.status_code == 302
    other = client.post(
        f"{base}/benefits/GH2",
        data={"version": gh2.version, "assessment": "on_track", "comment": "Fint."},
    )
    assert other.status_code == 403
    db.session.expire_all()
    assert gh1.assessment is Progress.AT_RISK and gh1.comment == "Få kommuner."
    assert gh2.assessment is None
    # An action for their own benefit, but not for another's or for the whole agenda.
    for benefit_id in (gh1.benefit_id, gh2.benefit_id, ""):
        client.post(
            f"{base}/actions",
            data={"text": "Ring", "owner": "B", "benefit_id": benefit_id, "status": "open"},
        )
    actions = db.session.scalars(
        sa.select(WorkshopAction).where(WorkshopAction.workshop_id == workshop.id)
    ).all()
    assert [(a.benefit_id, a.text) for a in actions] == [(gh1.benefit_id, "Ring")]
    # The page offers the owner the form for their own benefit only.
    page = client.get(base).get_data(as_text=True)
    assert "Skriv referat for GH1" in page
    assert "Skriv referat for GH2" not in page


def test_holding_freezes_the_figures_and_new_data_never_changes_them(client, login_as, ddns):
    share, _small = _rehabilitation_indicator(ddns)
    login_as("secretariat")
    _plan(client, ddns, "GH1")
    workshop = _workshop()
    before = client.get(f"/programmes/ddns/workshops/{workshop.id}").get_data(as_text=True)
    assert "41,2" in before  # live figures while planned
    assert _hold(client, workshop).status_code == 302
    workshop = _workshop()
    assert workshop.status is WorkshopStatus.HELD
    assert workshop.frozen_by == "secretariat@example.dk"
    item = workshop.items[0]
    assert item.snapshot["indicators"][0]["latest"]["value"] == "41.2"
    # New data arrive after the workshop: a new year and a revised old one.
    enter(share, (2025, "77.7"))
    value = db.session.scalar(
        sa.select(ManualValue).where(
            ManualValue.indicator_id == share.id, ManualValue.period == Month(2024, 1)
        )
    )
    value.value = value.value + 10
    db.session.commit()
    page = client.get(f"/programmes/ddns/workshops/{workshop.id}").get_data(as_text=True)
    assert "Tal fastfrosset" in page
    assert "41,2" in page and "77,7" not in page and "51,2" not in page
    item_page = client.get(f"/programmes/ddns/workshops/{workshop.id}/benefits/GH1")
    assert "41,2" in item_page.get_data(as_text=True)
    assert "77,7" not in item_page.get_data(as_text=True)
    pack = client.get(f"/programmes/ddns/workshops/{workshop.id}/workshop.xlsx")
    book = load_workbook(io.BytesIO(pack.data))
    values = [c.value for ws in book for row in ws.iter_rows() for c in row]
    assert pytest.approx(0.412) in values  # 41,2 % as a number with a per cent format
    assert not any(v in (pytest.approx(0.777), pytest.approx(0.512)) for v in values)
    # Holding twice is refused: the figures stay as first frozen.
    workshop = _workshop()
    again = _hold(client, workshop)
    assert again.status_code == 302
    assert _workshop().items[0].snapshot["indicators"][0]["latest"]["value"] == "41.2"


def test_withheld_small_counts_stay_withheld_in_the_frozen_pack(client, login_as, ddns):
    _rehabilitation_indicator(ddns)
    login_as("secretariat")
    _plan(client, ddns, "GH1")
    _hold(client, _workshop())
    workshop = _workshop()
    small = workshop.items[0].snapshot["indicators"][1]
    assert small["points"][-1]["shown"] == "<5"
    assert small["points"][-1]["value"] is None
    assert "3" not in [p["value"] for p in small["points"]]
    pack = client.get(f"/programmes/ddns/workshops/{workshop.id}/workshop.xlsx")
    book = load_workbook(io.BytesIO(pack.data))
    row = next(r for r in book["GH1"].iter_rows(values_only=True) if r[0] == "GH1.2")
    assert row[8] == "<5"  # the latest value: only the text shown, no number
    assert 3 not in row and "3" not in row
    series = list(book["GH1.2"].iter_rows(min_row=5, values_only=True))
    assert series[-1][2] is None and series[-1][3] == "<5"
    assert not any(r[2] == 3 for r in series)


def test_the_pack_has_a_sheet_per_benefit_and_the_actions(client, login_as, ddns):
    _rehabilitation_indicator(ddns)
    login_as("secretariat")
    _plan(client, ddns, "GH1", "GH2")
    workshop = _workshop()
    _hold(client, workshop)
    workshop = _workshop()
    item = services.get_item(workshop, "GH1")
    client.post(
        f"/programmes/ddns/workshops/{workshop.id}/benefits/GH1",
        data={
            "version": item.version,
            "assessment": "off_track",
            "comment": "=SUM(A1) er ikke en formel",
            "decisions": "Kommunerne kontaktes.",
        },
    )
    client.post(
        f"/programmes/ddns/workshops/{workshop.id}/actions",
        data={
            "text": "Kontakt de 12 kommuner",
            "owner": "Gevinstejer GH1",
            "due_on": "2027-01-15",
            "benefit_id": item.benefit_id,
            "status": "open",
        },
    )
    response = client.get(f"/programmes/ddns/workshops/{workshop.id}/workshop.xlsx")
    assert response.status_code == 200
    assert "ddns-workshop-2026-12-01.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Workshop", "GH1", "GH1.1", "GH1.2", "GH2", "Handlinger"]
    front = book["Workshop"]
    assert front["B3"].value == "Gevinstworkshop 2. kvartal 2026"
    assert front["B5"].value.date() == dt.date(2026, 12, 1)  # a date cell
    assert front["B5"].number_format == "[$-406]d. mmmm yyyy"
    gh1 = {r[0]: r[1] for r in book["GH1"].iter_rows(values_only=True) if r[0]}
    assert gh1["Vurdering"] == "Ikke på rette spor"
    assert gh1["Kommentar"] == "=SUM(A1) er ikke en formel"  # text, not a formula
    assert gh1["Beslutninger"] == "Kommunerne kontaktes."
    header = next(r for r in book["GH1"].iter_rows(values_only=True) if r[0] == "Indikator")
    assert header[:9] == (
        "Indikator",
        "Navn",
        "Enhed",
        "Basislinje",
        "Basislinjeperiode",
        "Mål",
        "Målperiode",
        "Seneste periode",
        "Seneste værdi",
    )
    share_row = next(r for r in book["GH1"].iter_rows() if r[0].value == "GH1.1")
    share = [c.value for c in share_row]
    assert share[1] == "Andel kommuner med genoptræningsdata"
    assert share[8] == pytest.approx(0.412) and share_row[8].number_format == "0.0%"
    assert share[3] == pytest.approx(0.2) and share[4] == "2023"
    assert share[5] == pytest.approx(0.9) and share[6] == "2027"
    # (41.2 − 20) / (90 − 20), a number shown as a percentage
    assert share[9] == pytest.approx(0.303, abs=5e-4) and share_row[9].number_format == "0.0%"
    actions = list(book["Handlinger"].iter_rows(values_only=True))
    assert actions[0] == ("Nr.", "Gevinst", "Handling", "Ansvarlig", "Frist", "Status", "Afsluttet")
    assert actions[1][:4] == (1, "GH1", "Kontakt de 12 kommuner", "Gevinstejer GH1")
    assert actions[1][4].date() == dt.date(2027, 1, 15)  # a date cell
    assert actions[1][5:] == ("Åben", None)


def test_the_printable_page_shows_the_minutes_without_the_forms(client, login_as, ddns):
    login_as("secretariat")
    _plan(client, ddns, "GH1")
    workshop = _workshop()
    page = client.get(f"/programmes/ddns/workshops/{workshop.id}?print=1").get_data(as_text=True)
    assert 'class="print-view"' in page or "print-view" in page
    assert "Afhold workshop" not in page
    assert "Historik" not in page


def test_closing_locks_the_minutes(client, login_as, ddns):
    login_as("secretariat")
    _plan(client, ddns, "GH1")
    workshop = _workshop()
    base = f"/programmes/ddns/workshops/{workshop.id}"
    # The minutes wait for the workshop to be held.
    item = workshop.items[0]
    early = client.post(f"{base}/benefits/GH1", data={"version": item.version, "comment": "x"})
    assert early.status_code == 422
    assert "Afhold workshop" in early.get_data(as_text=True)
    _hold(client, workshop)
    workshop = _workshop()
    closed = client.post(f"{base}/close", data={"version": workshop.version, "confirmed": "y"})
    assert closed.status_code == 302
    workshop = _workshop()
    assert workshop.status is WorkshopStatus.CLOSED
    item = workshop.items[0]
    refused = client.post(
        f"{base}/benefits/GH1", data={"version": item.version, "comment": "Ændret bagefter"}
    )
    assert refused.status_code == 422
    assert "referatet er låst" in refused.get_data(as_text=True)
    edit = client.post(
        f"{base}/edit",
        data={
            "version": workshop.version,
            "title": "Nyt navn",
            "held_on": "2026-12-01",
            "phase": "during",
            "benefit_ids": [str(item.benefit_id)],
        },
    )
    assert edit.status_code == 422
    assert "referatet er låst" in edit.get_data(as_text=True)
    action = client.post(
        f"{base}/actions",
        data={"text": "Sent", "owner": "A", "status": "open", "benefit_id": ""},
        follow_redirects=True,
    )
    assert "referatet er låst" in action.get_data(as_text=True)
    workshop = _workshop()
    assert workshop.title == "Gevinstworkshop 2. kvartal 2026"
    assert workshop.items[0].comment == "" and workshop.actions == []


def test_a_stale_minutes_edit_is_refused(client, login_as, ddns):
    login_as("secretariat")
    _plan(client, ddns, "GH1")
    _hold(client, _workshop())
    workshop = _workshop()
    item = workshop.items[0]
    url = f"/programmes/ddns/workshops/{workshop.id}/benefits/GH1"
    opened = item.version
    assert client.post(url, data={"version": opened, "comment": "Første"}).status_code == 302
    stale = client.post(url, data={"version": opened, "comment": "Anden"})
    assert stale.status_code == 409
    assert "Nogen har gemt en ændring" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert item.comment == "Første"


def test_the_agenda_is_fixed_once_the_workshop_is_held(client, login_as, ddns):
    login_as("secretariat")
    _plan(client, ddns, "GH1")
    _hold(client, _workshop())
    workshop = _workshop()
    response = client.post(
        f"/programmes/ddns/workshops/{workshop.id}/edit",
        data={
            "version": workshop.version,
            "title": workshop.title,
            "held_on": "2026-12-01",
            "phase": "during",
            "benefit_ids": [str(get_benefit(ddns, "GH2").id)],
        },
    )
    assert response.status_code == 422
    assert "Tallene er allerede fastfrosset." in response.get_data(as_text=True)
    assert [i.benefit.code for i in _workshop().items] == ["GH1"]


def test_earlier_assessments_of_a_benefit_are_shown(client, login_as, ddns):
    login_as("secretariat")
    _plan(client, ddns, "GH1", title="Første workshop", held_on="2026-06-01")
    first = _workshop("Første workshop")
    _hold(client, first)
    first = _workshop("Første workshop")
    client.post(
        f"/programmes/ddns/workshops/{first.id}/benefits/GH1",
        data={"version": first.items[0].version, "assessment": "at_risk", "comment": "Langsomt"},
    )
    _plan(client, ddns, "GH1", title="Anden workshop")
    second = _workshop("Anden workshop")
    page = client.get(f"/programmes/ddns/workshops/{second.id}/benefits/GH1")
    html = page.get_data(as_text=True)
    assert "Første workshop" in html and "I risiko" in html and "Langsomt" in html


def _action(workshop, text, status=ActionStatus.OPEN, due=None, benefit=None):
    action = WorkshopAction(
        workshop=workshop, text=text, owner="A", status=status, due_on=due, benefit=benefit
    )
    db.session.add(action)
    return action


def test_actions_list_open_first_with_overdue_marked(client, login_as, ddns):
    gh1, gh2 = get_benefit(ddns, "GH1"), get_benefit(ddns, "GH2")
    workshop = Workshop(programme_id=ddns.id, title="W", held_on=dt.date(2026, 6, 1))
    db.session.add(workshop)
    _action(workshop, "Færdig", ActionStatus.DONE, dt.date(2026, 1, 1), gh1)
    _action(workshop, "Senere", due=dt.date(2027, 3, 1), benefit=gh2)
    _action(workshop, "Uden frist", benefit=gh1)
    _action(workshop, "Overskredet", due=dt.date(2026, 10, 1), benefit=gh1)
    _action(workshop, "Opgivet", ActionStatus.CANCELLED, benefit=gh2)
    db.session.commit()
    rows = services.list_actions(ddns.id, today=dt.date(2026, 11, 21))
    assert [r.action.text for r in rows] == [
        "Overskredet",
        "Senere",
        "Uden frist",
        "Færdig",
        "Opgivet",
    ]
    assert [r.is_overdue for r in rows] == [True, False, False, False, False]
    login_as("viewer")
    html = client.get("/programmes/ddns/workshops/actions").get_data(as_text=True)
    assert html.index("Overskredet") < html.index("Senere") < html.index("Færdig")
    assert html.count("action--overdue") == 1
    only_gh2 = client.get("/programmes/ddns/workshops/actions?benefit=GH2").get_data(as_text=True)
    assert "Senere" in only_gh2 and "Opgivet" in only_gh2 and "Færdig" not in only_gh2
    done = client.get("/programmes/ddns/workshops/actions?status=done").get_data(as_text=True)
    assert "Færdig" in done and "Senere" not in done


def test_an_action_is_followed_up_after_its_workshop_closed(client, login_as, ddns):
    login_as("secretariat")
    _plan(client, ddns, "GH1")
    _hold(client, _workshop())
    workshop = _workshop()
    base = f"/programmes/ddns/workshops/{workshop.id}"
    client.post(
        f"{base}/actions",
        data={"text": "Følg op", "owner": "A", "status": "open", "benefit_id": ""},
    )
    workshop = _workshop()
    client.post(f"{base}/close", data={"version": workshop.version, "confirmed": "y"})
    action = _workshop().actions[0]
    response = client.post(
        f"{base}/actions/{action.id}",
        data={f"a{action.id}-version": action.version, f"a{action.id}-status": "done"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert action.status is ActionStatus.DONE
    assert action.closed_on == dt.date(2026, 11, 21)


def test_follow_up_plan_after_closure(client, login_as, ddns):
    """DDNS ends December 2026: follow-ups fall in January–June and July–December 2027."""
    gh1 = get_benefit(ddns, "GH1")
    gh1.operations_owner = "Driftsenheden, Sundhedsdatastyrelsen"
    gh1.handed_over_on = dt.date(2027, 1, 2)
    db.session.add(
        Workshop(
            programme_id=ddns.id,
            title="Første opfølgning",
            held_on=dt.date(2027, 5, 10),
            phase=FollowUpPhase.AFTER_CLOSURE,
        )
    )
    # A workshop during the programme does not count as a follow-up.
    db.session.add(Workshop(programme_id=ddns.id, title="Under", held_on=dt.date(2027, 9, 1)))
    db.session.commit()
    plan = services.follow_up_plan(
        ddns, services.list_workshops(ddns.id), services.programme_benefits(ddns.id)
    )
    assert plan.end_month == Month(2026, 12)
    first, second = plan.follow_ups
    assert (first.first_month, first.due_month) == (Month(2027, 1), Month(2027, 6))
    assert (second.first_month, second.due_month) == (Month(2027, 7), Month(2027, 12))
    assert first.state == "planned" and first.workshop.title == "Første opfølgning"
    assert second.state == "missing"
    assert plan.missing_owners == len(plan.hand_overs) - 1
    login_as("viewer")
    html = client.get("/programmes/ddns/workshops/").get_data(as_text=True)
    assert "Opfølgning efter programmets afslutning" in html
    assert "juni 2027" in html and "december 2027" in html
    assert "Første opfølgning" in html and "Ikke planlagt" in html
    assert "Driftsenheden, Sundhedsdatastyrelsen" in html
    assert "mangler en ejer i driften" in html


def test_the_follow_up_plan_waits_for_the_closing_phase(app, client, login_as, ddns):
    app.config["TODAY"] = "2025-03-01"  # DDNS is leading its waves, not closing
    assert not services.is_closing(ddns, dt.date(2025, 3, 1))
    login_as("viewer")
    html = client.get("/programmes/ddns/workshops/").get_data(as_text=True)
    assert "Opfølgning efter programmets afslutning" not in html
    ddns.status = ProgrammeStatus.CLOSED
    db.session.commit()
    html = client.get("/programmes/ddns/workshops/").get_data(as_text=True)
    assert "Opfølgning efter programmets afslutning" in html


def test_the_trend_chart_is_drawn_from_the_frozen_figures(client, login_as, ddns):
    share, _small = _rehabilitation_indicator(ddns)
    login_as("secretariat")
    _plan(client, ddns, "GH1")
    workshop = _workshop()
    url = f"/programmes/ddns/workshops/{workshop.id}/benefits/GH1/trend/GH1.1.svg"
    page = client.get(f"/programmes/ddns/workshops/{workshop.id}/benefits/GH1")
    assert url in page.get_data(as_text=True)
    live = client.get(url)
    assert live.status_code == 200 and live.mimetype == "image/svg+xml"
    _hold(client, workshop)
    frozen = client.get(url).data
    enter(share, (2025, "77.7"))
    db.session.commit()
    assert client.get(url).data == frozen
    # A workshop still being planned draws today's figures, so the new year shows there.
    _plan(client, ddns, "GH1", title="Næste workshop")
    later = _workshop("Næste workshop")
    redrawn = client.get(f"/programmes/ddns/workshops/{later.id}/benefits/GH1/trend/GH1.1.svg")
    assert redrawn.data != frozen
    missing = f"/programmes/ddns/workshops/{workshop.id}/benefits/GH1/trend/GH9.9.svg"
    assert client.get(missing).status_code == 404


def test_a_workshop_page_costs_the_same_queries_for_a_longer_agenda(client, login_as, ddns):
    from tests.conftest import count_queries

    codes = ["GH1", "GH2", "GH3", "GH4", "GH5", "GH6"]
    for code in codes:
        benefit = get_benefit(ddns, code)
        for k in range(3):
            indicator = make_indicator(
                benefit,
                f"{code}.{k}",
                baseline_value=1,
                baseline_period=2023,
                target_value=9,
                target_period=2027,
                trajectory=[(2025, 5)],
            )
            enter(indicator, (2024, 2 + k), (2025, 4))
    db.session.commit()
    login_as("secretariat")
    _plan(client, ddns, "GH1", "GH2", title="Kort")
    _plan(client, ddns, *codes, title="Lang")
    counts = {}
    for title in ("Kort", "Lang"):
        url = f"/programmes/ddns/workshops/{_workshop(title).id}"
        client.get(url)
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        counts[title] = queries()
    assert counts["Kort"] == counts["Lang"], counts


def test_holding_from_a_stale_page_is_refused(client, login_as, ddns):
    login_as("secretariat")
    _plan(client, ddns, "GH1")
    workshop = _workshop()
    opened = workshop.version
    client.post(
        f"/programmes/ddns/workshops/{workshop.id}/edit",
        data={
            "version": opened,
            "title": workshop.title,
            "held_on": "2026-12-08",
            "place": "Ny adresse",
            "phase": "during",
            "benefit_ids": [str(workshop.items[0].benefit_id)],
        },
    )
    response = client.post(
        f"/programmes/ddns/workshops/{workshop.id}/hold",
        data={"version": opened, "confirmed": "y"},
        follow_redirects=True,
    )
    assert "Nogen har gemt en ændring" in response.get_data(as_text=True)
    workshop = _workshop()
    assert workshop.status is WorkshopStatus.PLANNED and workshop.frozen_at is None
    assert workshop.items[0].snapshot is None
    assert workshop.place == "Ny adresse"


def test_an_english_user_gets_the_pack_in_english(client, login_as, ddns):
    login_as("secretariat")
    _plan(client, ddns, "GH1")
    workshop = _workshop()
    _hold(client, workshop)
    client.post("/language", data={"lang": "en", "next": "/"})
    book = load_workbook(
        io.BytesIO(client.get(f"/programmes/ddns/workshops/{workshop.id}/workshop.xlsx").data)
    )
    assert book.sheetnames == ["Workshop", "GH1", "Actions"]
    front = {r[0]: r[1] for r in book["Workshop"].iter_rows(values_only=True) if r[0]}
    assert front["Date"].date() == dt.date(2026, 12, 1)  # a date cell, written the English way
    date_cell = next(r[1] for r in book["Workshop"].iter_rows() if r[0].value == "Date")
    assert date_cell.number_format == "[$-809]d mmmm yyyy"
    assert "Benefits workshop" in front and "Titel" not in front
    gh1 = [r[0] for r in book["GH1"].iter_rows(values_only=True) if r[0]]
    assert "Indicators" in gh1 and "Indikatorer" not in gh1
    assert book["Actions"]["A1"].value == "No."
