"""The audit trail: who changed what, when, from what to what; append-only; shown and exported."""

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.extensions import db


def _entries(**where):
    db.session.expire_all()
    query = sa.select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
    return list(db.session.scalars(query))


def test_an_edit_records_who_when_field_old_and_new(client, login_as):
    user = login_as("secretariat")
    client.patch(
        "/api/v1/programmes/ddns/risks/R4",
        json={"version": 1, "owner": "Eva"},
        headers={"X-Request-ID": "req-0000abcd"},
    )
    (entry,) = _entries(entity="risks", action="update")
    assert (entry.user_id, entry.actor) == (user.id, user.email)
    assert (entry.field, entry.old_value, entry.new_value) == ("owner", None, "Eva")
    assert entry.entity_label == "R4" and entry.entity_version == 2
    assert entry.request_id == "req-0000abcd"
    assert entry.programme_id is not None and entry.at is not None


def test_create_and_delete_keep_a_snapshot(client, login_as, users):
    admin = login_as("admin")
    client.post(
        "/programmes/ddns/stakeholders/new",
        data={"name": "Rigsrevisionen", "attitude": "neutral", "involvement": ""},
    )
    (created,) = _entries(entity="stakeholders", action="create", user_id=admin.id)
    assert '"name": "Rigsrevisionen"' in created.new_value
    viewer = users.make("viewer")
    membership = viewer.memberships[0]
    client.post(f"/admin/users/{viewer.id}/memberships/{membership.id}/delete")
    (deleted,) = _entries(entity="memberships", action="delete")
    assert deleted.user_id == admin.id
    assert '"role": "viewer"' in deleted.old_value


def test_history_is_shown_on_the_object(client, login_as):
    login_as("secretariat")
    client.patch("/api/v1/programmes/ddns/risks/R1", json={"version": 1, "owner": "Frida"})
    html = client.get("/programmes/ddns/risks/R1").get_data(as_text=True)
    assert "Historik" in html and "Frida" in html and "secretariat@example.dk" in html


def test_admin_log_filters_and_exports(client, login_as):
    login_as("admin")
    client.patch("/api/v1/programmes/ddns/risks/R1", json={"version": 1, "owner": "=SUM(1+1)"})
    page = client.get("/admin/audit?entity=risks&action=update").get_data(as_text=True)
    assert "=SUM(1+1)" in page and "1 ændring" in page
    empty = client.get("/admin/audit?entity=risks&action=delete").get_data(as_text=True)
    assert "0 ændringer" in empty
    export = client.get("/admin/audit.csv?entity=risks&action=update")
    assert export.status_code == 200
    assert export.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 1
    assert rows[0]["new_value"] == "'=SUM(1+1)"  # neutralised for spreadsheets
    assert rows[0]["field"] == "owner"


def test_bad_filter_is_refused_politely(client, login_as):
    login_as("admin")
    response = client.get("/admin/audit?since=not-a-date")
    assert response.status_code == 422
    assert "Ændringerne er ikke gemt" not in response.get_data(as_text=True)


def test_database_refuses_update_and_delete_of_audit_rows(app, client, login_as):
    login_as("secretariat")
    client.patch("/api/v1/programmes/ddns/risks/R1", json={"version": 1, "owner": "G"})
    for statement in ("UPDATE audit_entries SET actor = 'x'", "DELETE FROM audit_entries"):
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            db.engine.begin() as connection,
        ):
            connection.execute(sa.text(statement))
    assert len(_entries()) > 0


def test_no_code_path_updates_or_deletes_audit_rows():
    root = Path(__file__).resolve().parents[2] / "portfolio"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in (
            "update(AuditEntry",
            "delete(AuditEntry",
            "UPDATE audit_entries",
            "DELETE FROM audit_entries",
            "sa.update(AuditEntry",
            "sa.delete(AuditEntry",
        ):
            assert forbidden not in text, (path, forbidden)


def test_filter_up_to_the_last_possible_day_lists_everything(client, login_as):
    login_as("admin")
    client.patch("/api/v1/programmes/ddns/risks/R1", json={"version": 1, "owner": "Ny ejer"})
    page = client.get("/admin/audit?entity=risks&until=2200-12-31")
    assert page.status_code == 200
    assert "Ny ejer" in page.get_data(as_text=True)
    export = client.get("/admin/audit.csv?entity=risks&until=2200-12-31")
    assert export.status_code == 200
    assert "Ny ejer" in export.get_data(as_text=True)
    # Past the range every date field keeps (1900-2200): a clear refusal, not a 500.
    beyond = client.get("/admin/audit?entity=risks&until=9999-12-31")
    assert beyond.status_code == 422
    assert "Datoen skal ligge mellem 1900-01-01 og 2200-12-31" in beyond.get_data(as_text=True)


def test_a_page_far_beyond_the_last_shows_the_last_as_every_list_does(client, login_as):
    # The audit trail pages like the portfolio overview (core/pagination.py): past the end
    # is the last page, never an empty one nor an offset the database cannot hold.
    login_as("admin")
    for number in range(55):
        version = 1 + number
        answer = client.patch(
            "/api/v1/programmes/ddns/risks/R1", json={"version": version, "owner": f"Ejer {number}"}
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)
    last = client.get("/admin/audit?entity=risks&action=update&page=2").get_data(as_text=True)
    assert "Side 2 af 2 (51–55 af 55)" in last
    assert ">Ejer 0<" in last and ">Ejer 54<" not in last  # newest first
    for page in (999, 10**20):
        response = client.get(f"/admin/audit?entity=risks&action=update&page={page}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("<tr>") == last.count("<tr>")
        assert "Side 2 af 2" in response.get_data(as_text=True)


def test_a_row_whose_parent_is_not_loaded_names_the_parents_programme(app, ddns):
    """The page cache versions a programme by the rows naming it (audit/versions.py)."""
    from portfolio.programmes.models import Deliverable

    programme_id = ddns.id
    deliverable_id = ddns.tracks[0].deliverables[0].id
    db.session.expire_all()
    db.session.expunge_all()
    deliverable = db.session.get(Deliverable, deliverable_id)
    assert "track" not in deliverable.__dict__
    deliverable.text = "En ny leverance"
    db.session.commit()
    db.session.delete(db.session.get(Deliverable, deliverable_id))
    db.session.commit()
    entries = _entries(entity="deliverables", entity_id=str(deliverable_id))
    assert [(e.action, e.programme_id) for e in entries] == [
        ("create", programme_id),  # the seed's, with the track at hand
        ("update", programme_id),
        ("delete", programme_id),
    ]


def test_an_object_moved_to_another_programme_is_seen_gone_from_the_first(client, login_as, ddns):
    from portfolio.programmes.services import get_programme
    from portfolio.risks.services import get_risk

    login_as("admin")
    risk = get_risk(ddns, "R1")
    title = risk.title
    assert title in client.get("/programmes/ddns/risks/").text  # now cached
    risk.programme_id = get_programme("sundhedsdataprogrammet").id
    risk.track_id = None
    db.session.commit()
    # A change to two programmes' pages: the row names neither, so every page is drawn anew.
    assert [e.programme_id for e in _entries(entity="risks", field="programme_id")] == [None]
    assert title not in client.get("/programmes/ddns/risks/").text
    assert title in client.get("/programmes/sundhedsdataprogrammet/risks/").text
