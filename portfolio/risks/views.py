"""Risk pages: the list, one risk, and its forms."""

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audit.services import history_of
from portfolio.auth.permissions import Action, can, require
from portfolio.core.forms import options, save_form
from portfolio.programmes import services as programme_services
from portfolio.risks import services
from portfolio.risks.forms import NewRiskForm, RiskForm

bp = Blueprint("risks", __name__, url_prefix="/programmes/<slug>/risks")


def _track_choices(programme):
    return options([("", _("Hele programmet"))] + [(str(t.id), t.label) for t in programme.tracks])


@bp.get("/")
def index(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    risks = services.list_risks(programme.id)
    return render_template(
        "risks/index.html",
        programme=programme,
        risks=risks,
        can_create=any(can(current_user, Action.EDIT_RISK, t) for t in programme.tracks)
        or can(current_user, Action.EDIT_RISK, programme),
    )


@bp.get("/<code>")
def show(slug, code):
    programme = programme_services.get_programme_for(current_user, slug)
    risk = services.get_risk(programme, code)
    return render_template(
        "risks/show.html",
        programme=programme,
        risk=risk,
        history=history_of(risk),
        can_edit=can(current_user, Action.EDIT_RISK, risk),
    )


@bp.route("/new", methods=["GET", "POST"])
def new(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    if not any(can(current_user, Action.EDIT_RISK, t) for t in programme.tracks):
        require(current_user, Action.EDIT_RISK, programme)
    form = NewRiskForm()
    form.track_id.choices = _track_choices(programme)
    return save_form(
        form,
        lambda: services.create_risk(current_user, programme, form.changes()),
        template="risks/edit.html",
        success_url=lambda risk: url_for("risks.show", slug=slug, code=risk.code),
        success_message=_("Risikoen er oprettet."),
        programme=programme,
        risk=None,
    )


@bp.route("/<code>/edit", methods=["GET", "POST"])
def edit(slug, code):
    programme = programme_services.get_programme_for(current_user, slug)
    risk = services.get_risk(programme, code)
    require(current_user, Action.EDIT_RISK, risk)
    form = RiskForm(obj=risk)
    form.track_id.choices = _track_choices(programme)
    return save_form(
        form,
        lambda: services.update_risk(current_user, risk, form.changes(), form.expected_version),
        template="risks/edit.html",
        success_url=url_for("risks.show", slug=slug, code=code),
        success_message=_("Risikoen er gemt."),
        programme=programme,
        risk=risk,
    )
