"""The trail names the members of a changed collection once the flush has given them ids."""

import datetime as dt
import re

import sqlalchemy as sa

from portfolio.audit.models import AuditEntry
from portfolio.benefits.models import Benefit
from portfolio.extensions import db
from portfolio.programmes.models import Programme
from portfolio.risks import services as risk_services
from portfolio.risks.models import Level, Risk


def _entries(**where) -> list[AuditEntry]:
    db.session.expire_all()
    query = sa.select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
    return list(db.session.scalars(query))


def test_a_new_assessment_is_recorded_by_its_id_not_as_none(app, users):
    admin = users.make("admin")
    risk = db.session.scalar(sa.select(Risk).where(Risk.code == "R2"))
    before = [a.id for a in risk.assessments]
    assessment = risk_services.reassess_risk(
        admin,
        risk,
        assessed_on=dt.date(2026, 12, 1),
        probability=Level.HIGH,
        consequence=Level.HIGH,
    )
    db.session.commit()
    (row,) = _entries(entity="risks", field="assessments")
    assert "None" not in row.new_value
    assert row.new_value == str(sorted(str(i) for i in [*before, assessment.id])).replace("'", '"')


def test_a_new_benefit_type_and_membership_are_recorded_without_none(client, login_as, users):
    login_as("admin")
    benefit = db.session.scalars(sa.select(Benefit).order_by(Benefit.code)).first()
    form = client.get(f"/programmes/ddns/benefits/{benefit.code}/edit").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', form).group(1)
    client.post(
        f"/programmes/ddns/benefits/{benefit.code}/edit",
        data={"version": version, "name": benefit.name, "types": ["economic", "non_economic"]},
    )
    # The seed's rows (types linked as the benefit is made) and the edit's alike.
    rows = _entries(entity="benefits", entity_id=str(benefit.id), field="type_links")
    assert len(rows) == 2
    assert rows[-1].new_value == f'["{benefit.id},economic", "{benefit.id},non_economic"]'
    assert all("None" not in r.new_value and "BenefitType." not in r.new_value for r in rows)
    viewer = users.make("viewer", email="new-viewer@example.dk")
    programme = db.session.scalar(sa.select(Programme).where(Programme.slug == "ddns"))
    client.post(
        f"/admin/users/{viewer.id}/memberships",
        data={"role": "viewer", "programme_id": str(programme.id)},
    )
    rows = _entries(entity="users", entity_id=str(viewer.id), field="memberships")
    assert rows and all("None" not in row.new_value for row in rows)
