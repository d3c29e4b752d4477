"""Concrete URLs for every route of the app, filled in with DDNS objects."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from portfolio.extensions import db
from portfolio.organisation.models import Stakeholder
from portfolio.programmes.services import get_programme

# Routes that need no signed-in user (the allowlist the route walker checks).
PUBLIC = {"auth.login", "static", "core.healthz", "core.set_language", "api.openapi"}


def sample_values() -> dict[str, object]:
    """Values for every URL parameter: DDNS objects, and a user with one role to manage."""
    from portfolio.auth import services as auth_services
    from portfolio.auth.models import Role

    ddns = get_programme("ddns")
    stakeholder_id = db.session.scalar(
        sa.select(Stakeholder.id).where(Stakeholder.programme_id == ddns.id).limit(1)
    )
    target = auth_services.get_user_by_email("target@example.dk")
    if target is None:
        target = auth_services.create_user("target@example.dk", "et langt og sikkert kodeord")
    if not target.memberships:  # a test may just have removed it
        auth_services.grant_role(target, Role.VIEWER, programme=ddns)
        db.session.commit()
    return {
        "slug": "ddns",
        "number": 1,
        "stakeholder_id": stakeholder_id,
        "filename": "css/styrbord.css",
        "kind": "forecast",
        "name": "budget-years",
        "user_id": target.id,
        "membership_id": target.memberships[0].id,
    }


# A sensible <code> for each endpoint that takes one.
CODES = {
    "programmes.project": "1.1",
    "programmes.edit_project": "1.1",
    "risks.show": "R1",
    "risks.edit": "R1",
    "api.update_risk": "R1",
    "benefits.show": "GH1",
    "benefits.edit": "GH1",
}


def url_for_rule(app: Flask, rule, values: dict) -> str:
    arguments = {name: values[name] for name in rule.arguments if name in values}
    if "code" in rule.arguments:
        arguments["code"] = CODES[rule.endpoint]
    with app.test_request_context():
        return app.url_for(rule.endpoint, **arguments)


def all_routes(app: Flask, method: str):
    """Yield (endpoint, url) for every rule accepting the method."""
    values = sample_values()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if method in rule.methods:
            yield rule.endpoint, url_for_rule(app, rule, values)
