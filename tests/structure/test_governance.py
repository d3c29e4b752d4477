"""Governance bodies, their members and the stakeholders, maintained from the web."""

import pytest
import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.extensions import db
from portfolio.organisation.models import BodyKind, GovernanceBody, GovernanceMember, Stakeholder


def _bodies(ddns):
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(GovernanceBody)
            .where(GovernanceBody.programme_id == ddns.id)
            .order_by(GovernanceBody.position)
        )
    )


def _body(name):
    db.session.expire_all()
    return db.session.scalar(sa.select(GovernanceBody).where(GovernanceBody.name == name))


def _audit_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def _body_form(**changes):
    data = {
        "name": "Arbejdsgruppe for data",
        "kind": BodyKind.WORKING_GROUP.value,
        "parent_id": "",
        "track_id": "",
        "project_id": "",
        "description": "Mødes hver måned.",
    }
    data.update(changes)
    return data


def test_secretariat_creates_a_body_under_another_and_adds_members(client, login_as, ddns):
    login_as("secretariat")
    parent = _bodies(ddns)[0]
    response = client.post(
        "/programmes/ddns/organisation/new",
        data=_body_form(parent_id=str(parent.id), track_id=str(ddns.tracks[0].id)),
    )
    assert response.status_code == 302
    body = _body("Arbejdsgruppe for data")
    assert body.parent_id == parent.id
    assert body.position == max(b.position for b in _bodies(ddns))
    edit_url = f"/programmes/ddns/organisation/{body.id}/edit"
    assert response.headers["Location"].endswith(edit_url)

    for name, role in (("Anna Andersen", "formand"), ("Region Nord", ""), ("Bo Bech", "sekretær")):
        response = client.post(
            f"/programmes/ddns/organisation/{body.id}/members",
            data={"member-name": name, "member-role": role},
        )
        assert response.status_code == 302
    body = _body("Arbejdsgruppe for data")
    assert [m.name for m in body.members] == ["Anna Andersen", "Region Nord", "Bo Bech"]
    # Reorder: Bo Bech up one.
    bo = body.members[2]
    client.post(
        f"/programmes/ddns/organisation/{body.id}/members/{bo.id}/move", data={"direction": "up"}
    )
    assert [m.name for m in _body("Arbejdsgruppe for data").members] == [
        "Anna Andersen",
        "Bo Bech",
        "Region Nord",
    ]
    # Edit and remove.
    anna = _body("Arbejdsgruppe for data").members[0]
    response = client.post(
        f"/programmes/ddns/organisation/{body.id}/members/{anna.id}/edit",
        data={"name": "Anna Andersen", "role": "næstformand"},
    )
    assert response.status_code == 302
    region = _body("Arbejdsgruppe for data").members[2]
    response = client.post(
        f"/programmes/ddns/organisation/{body.id}/members/{region.id}/delete",
        data={"confirmed": "y"},
    )
    assert response.status_code == 302
    members = _body("Arbejdsgruppe for data").members
    assert [(m.name, m.role) for m in members] == [
        ("Anna Andersen", "næstformand"),
        ("Bo Bech", "sekretær"),
    ]
    # The programme page shows the body and its members.
    page = client.get("/programmes/ddns").get_data(as_text=True)
    assert "Arbejdsgruppe for data" in page and "Anna Andersen (næstformand)" in page
    assert "/programmes/ddns/organisation/" in page


def test_a_member_needs_a_name(client, login_as, ddns):
    login_as("secretariat")
    body = _bodies(ddns)[0]
    before, audit_before = len(body.members), _audit_count()
    response = client.post(
        f"/programmes/ddns/organisation/{body.id}/members",
        data={"member-name": " ", "member-role": "x"},
    )
    assert response.status_code == 422
    assert "Feltet skal udfyldes." in response.get_data(as_text=True)
    assert len(_bodies(ddns)[0].members) == before
    assert _audit_count() == audit_before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Feltet skal udfyldes."),
        ({"kind": "committee"}, "Vælg en af mulighederne."),
        ({"parent_id": "999999"}, "Vælg en af mulighederne."),
        ({"track_id": "999999"}, "Vælg en af mulighederne."),
    ],
)
def test_bad_body_input_is_refused_and_writes_nothing(client, login_as, ddns, changes, message):
    login_as("secretariat")
    before, audit_before = len(_bodies(ddns)), _audit_count()
    response = client.post("/programmes/ddns/organisation/new", data=_body_form(**changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert len(_bodies(ddns)) == before
    assert _audit_count() == audit_before


def test_a_name_taken_is_refused(client, login_as, ddns):
    login_as("secretariat")
    taken = _bodies(ddns)[0].name
    response = client.post("/programmes/ddns/organisation/new", data=_body_form(name=taken))
    assert response.status_code == 422
    assert "Der er allerede et organ med dette navn." in response.get_data(as_text=True)


def test_a_body_cannot_be_put_under_itself_or_one_below_it(client, login_as, ddns):
    login_as("secretariat")
    bodies = _bodies(ddns)
    child = next(b for b in bodies if b.parent_id is not None)
    parent = child.parent
    for under in (parent, child):
        response = client.post(
            f"/programmes/ddns/organisation/{parent.id}/edit",
            data=_body_form(
                name=parent.name,
                kind=parent.kind.value,
                parent_id=str(under.id),
                version=parent.version,
            ),
        )
        assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(GovernanceBody, parent.id).parent_id == parent.parent_id


def test_edit_is_version_checked(client, login_as, ddns):
    login_as("secretariat")
    body = _bodies(ddns)[0]
    url = f"/programmes/ddns/organisation/{body.id}/edit"
    first = client.post(
        url, data=_body_form(name="Nyt navn", kind=body.kind.value, version=body.version)
    )
    assert first.status_code == 302
    stale = client.post(
        url, data=_body_form(name="Gammelt", kind=body.kind.value, version=body.version)
    )
    assert stale.status_code == 409
    db.session.expire_all()
    assert db.session.get(GovernanceBody, body.id).name == "Nyt navn"


def test_bodies_are_reordered(client, login_as, ddns):
    login_as("secretariat")
    first, second = _bodies(ddns)[:2]
    response = client.post(
        f"/programmes/ddns/organisation/{second.id}/move", data={"direction": "up"}
    )
    assert response.status_code == 302
    ids = [b.id for b in _bodies(ddns)]
    assert ids.index(second.id) < ids.index(first.id)
    response = client.post(
        f"/programmes/ddns/organisation/{second.id}/move", data={"direction": "sideways"}
    )
    assert response.status_code == 302
    assert "Vælg op eller ned." in client.get("/programmes/ddns/organisation/").get_data(
        as_text=True
    )


def test_deleting_a_body_with_bodies_under_it_is_refused_and_a_leaf_goes_with_its_members(
    client, login_as, ddns
):
    login_as("secretariat")
    bodies = _bodies(ddns)
    parent = next(b for b in bodies if any(c.parent_id == b.id for c in bodies))
    response = client.post(
        f"/programmes/ddns/organisation/{parent.id}/delete", data={"confirmed": "y"}
    )
    assert response.status_code == 422
    assert "underordnede organer" in response.get_data(as_text=True)
    assert _body(parent.name) is not None

    client.post("/programmes/ddns/organisation/new", data=_body_form(name="Kortlivet gruppe"))
    leaf = _body("Kortlivet gruppe")
    for name in ("A", "B"):
        client.post(f"/programmes/ddns/organisation/{leaf.id}/members", data={"member-name": name})
    leaf_id, member_ids = leaf.id, [m.id for m in _body("Kortlivet gruppe").members]
    assert len(member_ids) == 2
    unticked = client.post(f"/programmes/ddns/organisation/{leaf_id}/delete", data={})
    assert unticked.status_code == 422
    response = client.post(
        f"/programmes/ddns/organisation/{leaf_id}/delete", data={"confirmed": "y"}
    )
    assert response.status_code == 302
    assert _body("Kortlivet gruppe") is None
    assert not db.session.scalars(
        sa.select(GovernanceMember).where(GovernanceMember.id.in_(member_ids))
    ).all()


@pytest.mark.parametrize("role", ["viewer", "track_lead", "benefit_owner"])
def test_only_the_secretariat_changes_the_organisation(client, login_as, ddns, role):
    login_as(role)
    body = _bodies(ddns)[0]
    assert client.post("/programmes/ddns/organisation/new", data=_body_form()).status_code == 403
    assert (
        client.post(
            f"/programmes/ddns/organisation/{body.id}/members", data={"member-name": "X"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/programmes/ddns/organisation/{body.id}/delete", data={"confirmed": "y"}
        ).status_code
        == 403
    )
    page = client.get("/programmes/ddns/organisation/")
    assert page.status_code == 200
    assert "Tilføj organ" not in page.get_data(as_text=True)


def test_secretariat_deletes_a_stakeholder(client, login_as, ddns):
    login_as("secretariat")
    stakeholder = db.session.scalar(
        sa.select(Stakeholder).where(Stakeholder.programme_id == ddns.id)
    )
    name, stakeholder_id = stakeholder.name, stakeholder.id
    page = client.get("/programmes/ddns/stakeholders/").get_data(as_text=True)
    assert f"/programmes/ddns/stakeholders/{stakeholder_id}/delete" in page
    unticked = client.post(f"/programmes/ddns/stakeholders/{stakeholder_id}/delete", data={})
    assert unticked.status_code == 422
    assert "Sæt kryds for at bekræfte" in unticked.get_data(as_text=True)
    response = client.post(
        f"/programmes/ddns/stakeholders/{stakeholder_id}/delete", data={"confirmed": "y"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Stakeholder, stakeholder_id) is None
    assert "Interessenten er slettet." in client.get("/programmes/ddns/stakeholders/").get_data(
        as_text=True
    )
    deleted = db.session.scalars(
        sa.select(AuditEntry).where(
            AuditEntry.entity == "stakeholders", AuditEntry.action == "delete"
        )
    ).all()
    assert [e.entity_label for e in deleted] == [name]
    # A second deletion finds nothing.
    assert (
        client.post(
            f"/programmes/ddns/stakeholders/{stakeholder_id}/delete", data={"confirmed": "y"}
        ).status_code
        == 404
    )


def test_viewer_cannot_delete_a_stakeholder(client, login_as, ddns):
    login_as("viewer")
    stakeholder = db.session.scalar(
        sa.select(Stakeholder).where(Stakeholder.programme_id == ddns.id)
    )
    assert (
        client.post(
            f"/programmes/ddns/stakeholders/{stakeholder.id}/delete", data={"confirmed": "y"}
        ).status_code
        == 403
    )
    db.session.expire_all()
    assert db.session.get(Stakeholder, stakeholder.id) is not None
