"""JSON API v1: read programmes and their budget, risks, benefits and stakeholders."""

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.api import serializers as s
from portfolio.api.openapi import RISK_PATCH, build_spec
from portfolio.auth.permissions import Action, require
from portfolio.benefits import services as benefit_services
from portfolio.budgets import services as budget_services
from portfolio.core import clock
from portfolio.core.errors import DomainError, RuleViolation, StaleEdit
from portfolio.core.models import Versioned
from portfolio.core.text import clean_value, has_visible_text, refusal
from portfolio.extensions import csrf, db
from portfolio.indicators import services as indicator_services
from portfolio.indicators.models import Indicator
from portfolio.organisation import services as organisation_services
from portfolio.programmes import services as programme_services
from portfolio.risks import services as risk_services
from portfolio.risks.models import Level, RiskStatus
from portfolio.status import portfolio
from portfolio.status import services as status_services
from portfolio.status.snapshot import build_snapshot

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Reads need no CSRF token; writes check it themselves unless a bearer token is used.
csrf.exempt(bp)


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_spec())


@bp.get("/programmes")
def programmes():
    """Every programme the user may see, with the portfolio overview's lights and money."""
    rows = portfolio.programme_rows(programme_services.list_programmes(current_user), clock.today())
    items = [{**s.programme_summary(r.programme, r.phase), **s.portfolio_figures(r)} for r in rows]
    return jsonify(items=items)


def _programme(slug):
    return programme_services.get_programme_for(current_user, slug)


@bp.get("/programmes/<slug>")
def programme(slug):
    loaded = programme_services.load_programme_page(current_user, slug)
    phase = programme_services.current_phase(loaded.timeline, clock.today_month())
    return jsonify(s.programme_detail(loaded, phase))


@bp.get("/programmes/<slug>/budget")
def budget(slug):
    programme = _programme(slug)
    overview = budget_services.budget_overview(programme)
    return jsonify(s.budget(overview) if overview else None)


@bp.get("/programmes/<slug>/status")
def status(slug):
    programme = programme_services.get_programme_for(
        current_user, slug, Action.VIEW_PROGRAMME, *status_services.STATUS_OPTIONS
    )
    data = status_services.load_status_data(programme)
    return jsonify(s.status(build_snapshot(data, clock.today())))


@bp.get("/programmes/<slug>/risks")
def risks(slug):
    programme = _programme(slug)
    return jsonify(items=[s.risk(r) for r in risk_services.list_risks(programme.id)])


@bp.get("/programmes/<slug>/benefits")
def benefits(slug):
    programme = _programme(slug)
    benefits = benefit_services.list_benefits(programme.id)
    by_benefit = {b.id: [] for b in benefits}
    for reading in indicator_services.readings_where(Indicator.benefit_id.in_(list(by_benefit))):
        by_benefit[reading.indicator.benefit_id].append(reading)
    return jsonify(items=[s.benefit(b, by_benefit[b.id]) for b in benefits])


@bp.get("/programmes/<slug>/stakeholders")
def stakeholders(slug):
    programme = _programme(slug)
    items = [s.stakeholder(x) for x in organisation_services.list_stakeholders(programme.id)]
    return jsonify(items=items)


# The lengths the OpenAPI document promises (and the columns hold).
RISK_MAX_LENGTHS = {
    name: schema["maxLength"]
    for name, schema in RISK_PATCH["requestBody"]["content"]["application/json"]["schema"][
        "properties"
    ].items()
    if "maxLength" in schema
}

RISK_WRITABLE = {
    "title": str,
    "description": str,
    "consequence_text": str,
    "owner": (str, type(None)),
    "probability": str,
    "consequence": str,
    "status": str,
}


def _protect_session_write() -> None:
    """Demand a CSRF token unless the request authenticated with a bearer token."""
    if current_app.config["WTF_CSRF_ENABLED"] and not g.get("token_authenticated"):
        csrf.protect()


@bp.patch("/programmes/<slug>/risks/<code>")
def update_risk(slug, code):
    """Change a risk; the body carries the version it was read at (409 when stale)."""
    _protect_session_write()
    programme = _programme(slug)
    risk = risk_services.get_risk(programme, code)
    require(current_user, Action.EDIT_RISK, risk)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise RuleViolation(_("Forespørgslen skal være et JSON-objekt."))
    version = body.get("version")
    if isinstance(version, float) and version.is_integer():
        version = int(version)  # JSON has one number type: 3.0 is the integer 3
    if not isinstance(version, int) or isinstance(version, bool):
        raise RuleViolation(
            _("Angiv den version, ændringen bygger på."),
            errors={"version": [_("Skal være et heltal.")]},
        )
    if not 1 <= version <= Versioned.MAX_VERSION:
        raise RuleViolation(
            _("Angiv den version, ændringen bygger på."),
            errors={"version": [_("Ukendt version.")]},
        )
    reason = refusal(body)
    if reason is not None:
        # NUL (PostgreSQL cannot store it) or a lone surrogate (no encoder writes it): no
        # client means to send either, so the request is refused rather than mended.
        raise DomainError(reason)
    body = clean_value(body)  # the other control characters go, as from every form
    unknown = set(body) - set(RISK_WRITABLE) - {"version"}
    if unknown:
        raise RuleViolation(_("Ukendte felter."), errors={k: [_("Ukendt felt.")] for k in unknown})
    changes, errors = {}, {}
    for name, value in body.items():
        if name == "version":
            continue
        if not isinstance(value, RISK_WRITABLE[name]):
            errors[name] = [_("Forkert type.")]
        elif name in {"probability", "consequence"}:
            try:
                changes[name] = Level(value)
            except ValueError:
                errors[name] = [_("Vælg low, medium eller high.")]
        elif name == "status":
            try:
                changes[name] = RiskStatus(value)
            except ValueError:
                errors[name] = [_("Ukendt status.")]
        elif name == "title" and not has_visible_text(value):
            errors[name] = [_("Feltet skal udfyldes.")]
        elif isinstance(value, str) and len(value) > RISK_MAX_LENGTHS[name]:
            errors[name] = [_("Højst %(max)d tegn.", max=RISK_MAX_LENGTHS[name])]
        else:
            changes[name] = value.strip() if isinstance(value, str) else value
    if errors:
        raise RuleViolation(_("Risikoen blev ikke ændret."), errors=errors)
    try:
        risk_services.update_risk(current_user, risk, changes, version)
    except StaleEdit as error:
        db.session.rollback()
        details = {
            "current_version": error.current_version,
            "changes": [
                {
                    "at": c.at.isoformat(),
                    "actor": c.actor,
                    "field": c.field,
                    "old": c.old_value,
                    "new": c.new_value,
                }
                for c in error.changes
            ],
        }
        return jsonify(
            error={"status": 409, "code": "conflict", "message": error.message, "details": details}
        ), 409
    db.session.commit()
    return jsonify(s.risk(risk))
