"""JSON API v1: read programmes and their budget, risks, benefits and stakeholders."""

from flask import Blueprint, jsonify
from flask_login import current_user

from portfolio.api import serializers as s
from portfolio.api.openapi import build_spec
from portfolio.benefits import services as benefit_services
from portfolio.budgets import services as budget_services
from portfolio.extensions import csrf
from portfolio.organisation import services as organisation_services
from portfolio.programmes import services as programme_services
from portfolio.risks import services as risk_services

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Reads need no CSRF token; writes check it themselves unless a bearer token is used.
csrf.exempt(bp)


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_spec())


@bp.get("/programmes")
def programmes():
    month = programme_services.today_month()
    items = [
        s.programme_summary(p, programme_services.current_phase(p.timeline, month))
        for p in programme_services.list_programmes(current_user)
    ]
    return jsonify(items=items)


def _programme(slug):
    return programme_services.get_programme_for(current_user, slug)


@bp.get("/programmes/<slug>")
def programme(slug):
    _programme(slug)
    loaded = programme_services.load_programme_page(slug)
    phase = programme_services.current_phase(loaded.timeline, programme_services.today_month())
    return jsonify(s.programme_detail(loaded, phase))


@bp.get("/programmes/<slug>/budget")
def budget(slug):
    programme = _programme(slug)
    table = budget_services.baseline_table(programme.id)
    return jsonify(s.budget_table(table) if table else None)


@bp.get("/programmes/<slug>/risks")
def risks(slug):
    programme = _programme(slug)
    return jsonify(items=[s.risk(r) for r in risk_services.list_risks(programme.id)])


@bp.get("/programmes/<slug>/benefits")
def benefits(slug):
    programme = _programme(slug)
    return jsonify(items=[s.benefit(b) for b in benefit_services.list_benefits(programme.id)])


@bp.get("/programmes/<slug>/stakeholders")
def stakeholders(slug):
    programme = _programme(slug)
    items = [s.stakeholder(x) for x in organisation_services.list_stakeholders(programme.id)]
    return jsonify(items=items)
