"""The JSON API's writes a programme office scripts: milestones, projects, programme files."""

from __future__ import annotations

import jsonschema
import pytest
import sqlalchemy as sa
import yaml

from portfolio import models as m
from portfolio.audit.models import AuditEntry
from portfolio.auth import services as auth_services
from portfolio.extensions import db
from portfolio.programmes.services import get_programme
from portfolio.seed.programme_file import MAX_FILE_BYTES, export_programme
from tests.fuzz.harness import fingerprint


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def call(client, users):
    """Call the API with a bearer token of a user of the given role."""
    tokens = {}

    def call(method, path, role="secretariat", **kwargs):
        if role not in tokens:
            tokens[role] = auth_services.issue_token(users.make(role))
            db.session.commit()
        headers = {"Authorization": f"Bearer {tokens[role]}", **kwargs.pop("headers", {})}
        return client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def ready(*roles):
        """Make the users and their tokens now, before a test takes its fingerprint."""
        for role in roles:
            call("GET", "/programmes", role)

    call.ready = ready
    return call


def _validate(spec, schema_name, body):
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


# ---------------------------------------------------------------------------- milestones


def test_create_a_milestone_then_change_it(call, spec):
    created = call(
        "POST",
        "/programmes/ddns/milestones",
        json={"title": "Data leveret", "planned_on": "2026-12-15", "project": "1.2"},
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    _validate(spec, "Milestone", body)
    assert (body["track"], body["project"], body["status"]) == (1, "1.2", "planned")
    assert created.headers["Location"] == f"/api/v1/programmes/ddns/milestones/{body['id']}"
    assert call("GET", f"/programmes/ddns/milestones/{body['id']}").get_json() == body
    listed = call("GET", "/programmes/ddns/milestones").get_json()["items"]
    assert body in listed

    changed = call(
        "PATCH",
        f"/programmes/ddns/milestones/{body['id']}",
        json={"version": body["version"], "status": "done", "done_on": "2026-12-10"},
    )
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["status"], changed.get_json()["done_on"]) == ("done", "2026-12-10")
    history = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.entity == "milestones", AuditEntry.entity_id == str(body["id"])
        )
    ).all()
    assert {e.field for e in history if e.action == "update"} >= {"status", "done_on"}
    assert all(e.actor == "secretariat@example.dk" for e in history)

    stale = call(
        "PATCH",
        f"/programmes/ddns/milestones/{body['id']}",
        json={"version": body["version"], "title": "Gammel"},
    )
    assert stale.status_code == 409
    details = stale.get_json()["error"]["details"]
    assert details["current_version"] == body["version"] + 1
    db.session.expire_all()
    assert db.session.get(m.Milestone, body["id"]).title == "Data leveret"


def test_milestone_refusals_name_each_field_and_change_nothing(call):
    call.ready("secretariat")
    before = fingerprint()
    response = call(
        "POST",
        "/programmes/ddns/milestones",
        json={"title": " ", "planned_on": "2026-02-30", "track": 9, "kind": "<b>x</b>"},
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["message"] == "Milepælen blev ikke gemt."
    assert error["details"] == {
        "title": ["Feltet skal udfyldes."],
        "planned_on": ["Ugyldig dato: dagen findes ikke i kalenderen."],
        "track": ["Programmet har intet spor med det nummer."],
        "kind": ["Vælg en af: milestone, deliverable."],
    }
    assert "<b>x</b>" not in response.get_data(as_text=True)
    missing = call("POST", "/programmes/ddns/milestones", json={})
    assert missing.get_json()["error"]["details"] == {
        "title": ["Feltet skal udfyldes."],
        "planned_on": ["Feltet skal udfyldes."],
    }
    # The service's own rule, under the JSON name: a milestone done needs its date.
    done = call(
        "POST",
        "/programmes/ddns/milestones",
        json={"title": "Nået", "planned_on": "2026-01-01", "status": "done"},
    )
    assert done.status_code == 422
    assert done.get_json()["error"]["details"] == {
        "done_on": ["Angiv datoen, milepælen blev nået."]
    }
    assert fingerprint() == before


def test_messages_follow_the_language_asked_for(call):
    english = call(
        "POST",
        "/programmes/ddns/milestones",
        json={"title": "Ny"},
        headers={"Accept-Language": "en-GB,en;q=0.9"},
    )
    assert english.get_json()["error"]["details"] == {"planned_on": ["This field is required."]}
    danish = call("POST", "/programmes/ddns/milestones", json={"title": "Ny"})
    assert danish.get_json()["error"]["details"] == {"planned_on": ["Feltet skal udfyldes."]}


def test_a_track_lead_adds_milestones_to_their_own_track_only(call):
    own = call(
        "POST",
        "/programmes/ddns/milestones",
        "track_lead",
        json={"title": "Spor 1", "planned_on": "2026-12-01", "track": 1},
    )
    assert own.status_code == 201
    call.ready("viewer")
    before = fingerprint()
    other = call(
        "POST",
        "/programmes/ddns/milestones",
        "track_lead",
        json={"title": "Spor 2", "planned_on": "2026-12-01", "track": 2},
    )
    assert other.status_code == 403
    viewer = call("POST", "/programmes/ddns/milestones", "viewer", json={"title": 5})
    assert viewer.status_code == 403  # refused before the body is read
    assert fingerprint() == before


def test_a_session_write_needs_the_csrf_token(app, client, login_as):
    app.config["WTF_CSRF_ENABLED"] = True
    login_as("secretariat")
    before = fingerprint()
    response = client.post(
        "/api/v1/programmes/ddns/milestones", json={"title": "X", "planned_on": "2026-12-01"}
    )
    assert response.status_code == 400
    assert fingerprint() == before


def test_a_stale_risk_patch_is_a_conflict_naming_the_changes(call):
    version = call("GET", "/programmes/ddns/risks").get_json()["items"][0]["version"]
    first = call("PATCH", "/programmes/ddns/risks/R1", json={"version": version, "owner": "Ny"})
    assert first.status_code == 200
    stale = call("PATCH", "/programmes/ddns/risks/R1", json={"version": version, "owner": "Anden"})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "conflict"
    assert error["details"]["current_version"] == version + 1
    assert [c["field"] for c in error["details"]["changes"]] == ["owner"]
    assert call("GET", "/programmes/ddns/risks").get_json()["items"][0]["owner"] == "Ny"


# ---------------------------------------------------------------------------- projects


def test_create_a_project_then_change_it(call, spec):
    created = call(
        "POST",
        "/programmes/ddns/projects",
        json={
            "code": "4.1",
            "name": "Nyt projekt",
            "track": 4,
            "owner": "Anne",
            "start_month": "2026-01",
            "end_month": "2026-12",
        },
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    _validate(spec, "Project", body)
    assert body["period"] == {"start": "2026-01", "end": "2026-12", "precision": "month"}
    assert body["track"] == 4 and body["status"] == "active"
    assert created.headers["Location"] == "/api/v1/programmes/ddns/projects/4.1"
    assert call("GET", "/programmes/ddns/projects/4.1").get_json() == body

    changed = call(
        "PATCH",
        "/programmes/ddns/projects/4.1",
        json={"version": body["version"], "status": "completed", "end_month": "2026-06"},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["period"]["end"] == "2026-06"
    assert changed.get_json()["version"] == body["version"] + 1
    codes = [p["code"] for p in call("GET", "/programmes/ddns/projects").get_json()["items"]]
    assert "4.1" in codes


def test_project_refusals(call):
    call.ready("secretariat")
    before = fingerprint()
    taken = call("POST", "/programmes/ddns/projects", json={"code": "1.1", "name": "Igen"})
    assert taken.status_code == 422
    assert taken.get_json()["error"]["details"] == {
        "code": ["Et andet projekt har allerede dette nummer."]
    }
    backwards = call(
        "POST",
        "/programmes/ddns/projects",
        json={"code": "9.9", "name": "Baglæns", "start_month": "2026-05", "end_month": "2026-01"},
    )
    assert backwards.get_json()["error"]["details"] == {
        "end_month": ["Slutmåneden skal ligge efter startmåneden."]
    }
    bad = call(
        "POST",
        "/programmes/ddns/projects",
        json={"code": "<x>", "name": "A", "start_month": "2026-13", "status": 3},
    )
    assert bad.get_json()["error"]["details"] == {
        "code": ["Brug bogstaver, tal, punktum, bindestreg og mellemrum."],
        "start_month": ["Angiv en måned som ÅÅÅÅ-MM, fx 2026-11."],
        "status": ["Forkert type."],
    }
    version = call("GET", "/programmes/ddns/projects/1.1").get_json()["version"]
    unknown = call(
        "PATCH", "/programmes/ddns/projects/1.1", json={"version": version, "navn": "x", "a b": 1}
    )
    assert unknown.get_json()["error"]["details"] == {
        "navn": ["Ukendt felt."],
        "_unknown": ["Ukendt felt."],
    }
    assert call("PATCH", "/programmes/ddns/projects/9.9", json={"version": 1}).status_code == 404
    assert fingerprint() == before


def test_a_track_lead_may_not_move_a_project_out_of_their_track(call):
    version = call("GET", "/programmes/ddns/projects/1.1", "track_lead").get_json()["version"]
    before = fingerprint()
    moved = call(
        "PATCH",
        "/programmes/ddns/projects/1.1",
        "track_lead",
        json={"version": version, "track": 2},
    )
    assert moved.status_code == 403
    assert call("PATCH", "/programmes/ddns/projects/2.1", "track_lead", json={}).status_code == 403
    assert fingerprint() == before
    renamed = call(
        "PATCH",
        "/programmes/ddns/projects/1.1",
        "track_lead",
        json={"version": version, "name": "N"},
    )
    assert renamed.status_code == 200


# ---------------------------------------------------------------------------- programme files


def _new_programme_file() -> str:
    data = yaml.safe_load(export_programme(get_programme("ddns")))
    data["programmes"][0].update(slug="tredje", name="Et tredje program", short_name="Tredje")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _post_file(call, text, role="admin", query="", content_type="application/yaml"):
    return call(
        "POST",
        "/programme-files" + query,
        role,
        data=text.encode() if isinstance(text, str) else text,
        content_type=content_type,
    )


def test_programme_file_dry_run_then_import(call, spec):
    text = _new_programme_file()
    call.ready("admin")
    before = fingerprint()
    preview = _post_file(call, text, query="?dry_run=true")
    assert preview.status_code == 200, preview.get_json()
    body = preview.get_json()
    _validate(spec, "ImportReport", body)
    assert body["dry_run"] is True and body["changed"] is True
    assert body["programmes"] == ["tredje"]
    created = {c["entity"]: c["count"] for c in body["created"]}
    assert created["programmes"] == 1 and created["tracks"] == 4
    assert fingerprint() == before

    applied = _post_file(call, text)
    assert applied.status_code == 200
    assert applied.get_json() == {**body, "dry_run": False}
    programme = db.session.scalar(sa.select(m.Programme).filter_by(slug="tredje"))
    assert programme is not None and len(programme.tracks) == 4
    entries = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.entity == "programmes", AuditEntry.entity_id == str(programme.id)
        )
    ).all()
    assert entries and all(e.actor == "admin@example.dk" for e in entries)

    again = _post_file(call, text)
    assert again.get_json()["changed"] is False and again.get_json()["created"] == []


def test_programme_file_as_json(call):
    import json

    data = yaml.safe_load(_new_programme_file())
    response = _post_file(
        call, json.dumps(data, default=str), query="?dry_run=1", content_type="application/json"
    )
    assert response.status_code == 200
    assert response.get_json()["programmes"] == ["tredje"]


def test_a_bad_programme_file_lists_problems_by_line_and_changes_nothing(call):
    text = _new_programme_file().replace("status: active", "status: '<b>x</b>'", 1)
    call.ready("admin")
    before = fingerprint()
    response = _post_file(call, text)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["message"] == "Programfilen blev ikke indlæst, og intet er ændret."
    (problem,) = error["details"]["problems"]
    assert problem.startswith("line ") and "programmes[0].status" in problem
    assert "<b>x</b>" not in response.get_data(as_text=True)
    not_yaml = _post_file(call, "a: [")
    assert not_yaml.status_code == 422
    assert not_yaml.get_json()["error"]["details"]["problems"][0].startswith("line ")
    assert _post_file(call, b"\xff\xfe").get_json()["error"]["details"] == {
        "problems": ["not UTF-8 text"]
    }
    hostile_key = _post_file(call, _new_programme_file() + '"<b>k</b>": 1\n')
    assert hostile_key.get_json()["error"]["details"]["problems"] == [
        f"line {_new_programme_file().count(chr(10)) + 1}: (key): Extra inputs are not permitted"
    ]
    wrong_type = _post_file(call, text, content_type="text/plain")
    assert wrong_type.status_code == 422
    assert fingerprint() == before


def test_a_programme_file_is_size_limited_and_admin_only(call):
    call.ready("admin", "secretariat", "viewer")
    before = fingerprint()
    big = _post_file(call, b"#" * (MAX_FILE_BYTES + 1))
    assert big.status_code == 413
    assert big.get_json()["error"]["message"] == "Programfilen er større end 5 MB."
    for role in ("secretariat", "viewer"):
        assert _post_file(call, _new_programme_file(), role).status_code == 403
    assert fingerprint() == before
