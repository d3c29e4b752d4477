"""JSON API v1: read programmes and their budget, risks, benefits and stakeholders; change
risks, milestones and projects; import programme files (writes.py reads every body)."""

from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.admin import services as admin_services
from portfolio.api import bodies
from portfolio.api import serializers as s
from portfolio.api import writes as w
from portfolio.api.openapi import build_spec
from portfolio.auth.permissions import Action, require
from portfolio.benefits import services as benefit_services
from portfolio.budgets import services as budget_services
from portfolio.core import clock
from portfolio.core.errorpages import error_response
from portfolio.core.errors import NotFound, RuleViolation, StaleEdit
from portfolio.extensions import csrf, db
from portfolio.indicators import services as indicator_services
from portfolio.indicators.models import Indicator
from portfolio.organisation import services as organisation_services
from portfolio.programmes import projects as project_services
from portfolio.programmes import services as programme_services
from portfolio.risks import services as risk_services
from portfolio.seed import programme_file
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


@bp.errorhandler(StaleEdit)
def stale_edit(error: StaleEdit):
    """A write based on an older version: 409 with the current version and the changes since."""
    return w.conflict_response(error)


@bp.patch("/programmes/<slug>/risks/<code>")
def update_risk(slug, code):
    """Change a risk; the body carries the version it was read at (409 when stale)."""
    w.protect_session_write()
    programme = _programme(slug)
    risk = risk_services.get_risk(programme, code)
    require(current_user, Action.EDIT_RISK, risk)
    body = w.read_body(bodies.RISK, versioned=True, refused=_("Risikoen blev ikke ændret."))
    w.save(
        bodies.RISK,
        lambda: risk_services.update_risk(current_user, risk, body.values, body.based_on),
    )
    return jsonify(s.risk(risk))


# ---------------------------------------------------------------------------- milestones


@bp.get("/programmes/<slug>/milestones")
def milestones(slug):
    programme = _programme(slug)
    return jsonify(items=[s.milestone(m) for m in status_services.list_milestones(programme)])


@bp.get("/programmes/<slug>/milestones/<milestone_id>")
def milestone(slug, milestone_id):
    programme = _programme(slug)
    return jsonify(s.milestone(_milestone(programme, milestone_id)))


def _milestone(programme, milestone_id: str):
    """The programme's milestone with this id; any id that is not one is a 404 as well."""
    if not (milestone_id.isascii() and milestone_id.isdigit() and len(milestone_id) <= 10):
        raise NotFound(_("Milepælen findes ikke."))
    return status_services.get_milestone(programme, int(milestone_id))


@bp.post("/programmes/<slug>/milestones")
def create_milestone(slug):
    """Add a milestone or deliverable to the programme, a track or a project."""
    w.protect_session_write()
    programme = _programme(slug)
    w.require_somewhere(current_user, Action.EDIT_MILESTONE, programme)
    body = w.read_body(
        bodies.MILESTONE,
        versioned=False,
        creating=True,
        refused=_("Milepælen blev ikke gemt."),
        context=w.Context(programme=programme),
    )
    created = w.save(
        bodies.MILESTONE,
        lambda: status_services.create_milestone(current_user, programme, body.values),
    )
    location = url_for(".milestone", slug=slug, milestone_id=created.id)
    return jsonify(s.milestone(created)), 201, {"Location": location}


@bp.patch("/programmes/<slug>/milestones/<milestone_id>")
def update_milestone(slug, milestone_id):
    """Change a milestone; the body carries the version it was read at (409 when stale)."""
    w.protect_session_write()
    programme = _programme(slug)
    milestone = _milestone(programme, milestone_id)
    require(current_user, Action.EDIT_MILESTONE, milestone)
    body = w.read_body(
        bodies.MILESTONE,
        versioned=True,
        refused=_("Milepælen blev ikke gemt."),
        context=w.Context(programme=programme),
    )
    w.save(
        bodies.MILESTONE,
        lambda: status_services.update_milestone(
            current_user, milestone, body.values, body.based_on
        ),
    )
    return jsonify(s.milestone(milestone))


# ---------------------------------------------------------------------------- projects


@bp.get("/programmes/<slug>/projects")
def projects(slug):
    programme = _programme(slug)
    return jsonify(items=[s.project(p) for p in programme.projects])


@bp.get("/programmes/<slug>/projects/<code>")
def project(slug, code):
    programme = _programme(slug)
    return jsonify(s.project(programme_services.get_project(programme, code)))


@bp.post("/programmes/<slug>/projects")
def create_project(slug):
    """Add a project to the programme (a track lead to their own track only)."""
    w.protect_session_write()
    programme = _programme(slug)
    w.require_somewhere(current_user, Action.EDIT_PROJECT, programme)
    body = w.read_body(
        bodies.PROJECT,
        versioned=False,
        creating=True,
        refused=_("Projektet blev ikke gemt."),
        context=w.Context(programme=programme),
    )
    created = w.save(
        bodies.PROJECT,
        lambda: project_services.create_project(current_user, programme, body.values),
    )
    location = url_for(".project", slug=slug, code=created.code)
    return jsonify(s.project(created)), 201, {"Location": location}


@bp.patch("/programmes/<slug>/projects/<code>")
def update_project(slug, code):
    """Change a project; the body carries the version it was read at (409 when stale)."""
    w.protect_session_write()
    programme = _programme(slug)
    project = programme_services.get_project(programme, code)
    require(current_user, Action.EDIT_PROJECT, project)
    body = w.read_body(
        bodies.PROJECT,
        versioned=True,
        refused=_("Projektet blev ikke gemt."),
        context=w.Context(programme=programme),
    )
    changed = w.save(
        bodies.PROJECT,
        lambda: project_services.update_project(current_user, project, body.values, body.based_on),
    )
    return jsonify(s.project(changed))


# ---------------------------------------------------------------------------- programme files

# What a programme file may be sent as (JSON is YAML too).
PROGRAMME_FILE_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "application/json")


@bp.post("/programme-files")
def import_programme_file():
    """Import a programme file (docs/programme-file.md); `?dry_run=true` only says what it
    would create and change. Administrators only: a file may create and change any programme.
    """
    w.protect_session_write()
    require(current_user, Action.MANAGE_USERS)
    dry_run = _flag("dry_run")
    if request.mimetype not in PROGRAMME_FILE_TYPES:
        raise RuleViolation(
            _("Send programfilen som application/yaml eller application/json."),
            errors={"body": [_("Ukendt indholdstype.")]},
        )
    limit = programme_file.MAX_FILE_BYTES
    if (request.content_length or 0) > limit:
        return _too_large(limit)
    content = request.stream.read(limit + 1)
    if len(content) > limit:
        return _too_large(limit)
    try:
        text = programme_file.decode_programme_file(content)
        report = admin_services.import_programme_file(current_user, text, apply=not dry_run)
    except programme_file.ProgrammeFileError as error:
        db.session.rollback()
        raise RuleViolation(
            _("Programfilen blev ikke indlæst, og intet er ændret."),
            errors={"problems": list(error.problems)},
        ) from None
    if not dry_run:
        db.session.commit()
    return jsonify(s.import_report(report, dry_run=dry_run))


def _flag(name: str) -> bool:
    value = request.args.get(name, "false").strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no", ""):
        return False
    raise RuleViolation(_("Ugyldig parameter."), errors={name: [_("Skriv true eller false.")]})


def _too_large(limit: int):
    message = _("Programfilen er større end %(mb)d MB.", mb=limit // (1024 * 1024))
    return error_response(413, message)
