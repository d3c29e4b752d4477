"""Risk pages: the list, one risk, and its forms."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audit.services import history_of
from portfolio.auth import people
from portfolio.auth.permissions import Action, can, require
from portfolio.core import clock
from portfolio.core.forms import options, save_form
from portfolio.core.pagecache import render_blocks
from portfolio.extensions import db
from portfolio.indicators import services as indicator_services
from portfolio.indicators.models import Indicator
from portfolio.programmes import services as programme_services
from portfolio.programmes.caching import cached_programme_page
from portfolio.risks import services
from portfolio.risks.forms import (
    ActionForm,
    CloseForm,
    NewRiskForm,
    ReassessForm,
    RiskFilterForm,
    RiskForm,
)
from portfolio.risks.models import ActionStatus, RiskStatus

bp = Blueprint("risks", __name__, url_prefix="/programmes/<slug>/risks")


def _track_choices(programme):
    return options([("", _("Hele programmet"))] + [(str(t.id), t.label) for t in programme.tracks])


@bp.get("/")
def index(slug):
    """The risk register, drawn once per data version (see programmes/caching.py)."""
    return cached_programme_page("risks", slug, lambda: _draw_register(slug))


def _draw_register(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    form = RiskFilterForm(request.args)
    form.track_id.choices = options(
        [("", _("Alle spor"))] + [(str(t.id), t.label) for t in programme.tracks]
    )
    form.status.choices = options([("", _("Alle"))] + [(s.value, s.label) for s in RiskStatus])
    form.min_score.choices = options(
        [("", _("Alle"))] + [(str(n), f"≥ {n}") for n in (2, 3, 4, 6, 9)]
    )
    filters = services.RiskFilter()
    if form.validate():
        filters = services.RiskFilter(
            track_id=form.track_id.data,
            status=RiskStatus(form.status.data)
            if form.status.data in {s.value for s in RiskStatus}
            else None,
            min_score=int(form.min_score.data) if (form.min_score.data or "").isdigit() else None,
        )
    risks = services.filter_risks(programme.id, filters)
    return programme.id, render_blocks(
        "risks/index.html",
        programme=programme,
        risks=risks,
        crossed=indicator_services.crossed_by_risk([risk.id for risk in risks]),
        filter_form=form,
        can_create=any(can(current_user, Action.EDIT_RISK, t) for t in programme.tracks)
        or can(current_user, Action.EDIT_RISK, programme),
    )


def _action_form():
    form = ActionForm()
    form.owner_user_id.choices = options(people.user_choices())
    return form


@bp.get("/<code>")
def show(slug, code):
    programme = programme_services.get_programme_for(current_user, slug)
    risk = services.get_risk(programme, code)
    return render_template(
        "risks/show.html",
        programme=programme,
        risk=risk,
        trend=services.trend(risk),
        history=history_of(risk),
        can_edit=can(current_user, Action.EDIT_RISK, risk),
        action_form=_action_form(),
        indicator_readings=indicator_services.readings_where(Indicator.risk_id == risk.id),
    )


@bp.route("/<code>/reassess", methods=["GET", "POST"])
def reassess(slug, code):
    programme = programme_services.get_programme_for(current_user, slug)
    risk = services.get_risk(programme, code)
    require(current_user, Action.EDIT_RISK, risk)
    form = ReassessForm(obj=risk, assessed_on=clock.today())
    return save_form(
        form,
        lambda: services.reassess_risk(
            current_user,
            risk,
            assessed_on=form.assessed_on.data,
            probability=form.probability.data,
            consequence=form.consequence.data,
            residual_probability=form.residual_probability.data,
            residual_consequence=form.residual_consequence.data,
            note=form.note.data,
            expected_version=form.expected_version,
        ),
        template="risks/reassess.html",
        success_url=url_for("risks.show", slug=slug, code=code),
        success_message=_("Den nye vurdering er gemt."),
        programme=programme,
        risk=risk,
    )


@bp.route("/<code>/close", methods=["GET", "POST"])
def close(slug, code):
    programme = programme_services.get_programme_for(current_user, slug)
    risk = services.get_risk(programme, code)
    require(current_user, Action.EDIT_RISK, risk)
    form = CloseForm(obj=risk)
    if not form.is_submitted():
        form.status.data = RiskStatus.CLOSED
    return save_form(
        form,
        lambda: services.close_risk(
            current_user, risk, form.status.data, form.note.data, form.expected_version
        ),
        template="risks/close.html",
        success_url=url_for("risks.show", slug=slug, code=code),
        success_message=_("Risikoens status er ændret."),
        programme=programme,
        risk=risk,
    )


@bp.post("/<code>/actions")
def add_action(slug, code):
    programme = programme_services.get_programme_for(current_user, slug)
    risk = services.get_risk(programme, code)
    require(current_user, Action.EDIT_RISK, risk)
    form = _action_form()
    if form.validate():
        services.add_action(current_user, risk, form.data)
        db.session.commit()
        flash(_("Handlingen er tilføjet."), "success")
        return redirect(url_for("risks.show", slug=slug, code=code) + "#handlinger")
    return render_template(
        "risks/show.html",
        programme=programme,
        risk=risk,
        trend=services.trend(risk),
        history=history_of(risk),
        can_edit=True,
        action_form=form,
    ), 422


@bp.post("/<code>/actions/<int:action_id>")
def update_action(slug, code, action_id):
    programme = programme_services.get_programme_for(current_user, slug)
    risk = services.get_risk(programme, code)
    require(current_user, Action.EDIT_RISK, risk)
    action = services.get_action(risk, action_id)
    status = request.form.get("status", "")
    if status in {s.value for s in ActionStatus}:
        services.update_action(current_user, action, {"status": ActionStatus(status)})
        db.session.commit()
        flash(_("Handlingen er opdateret."), "success")
    return redirect(url_for("risks.show", slug=slug, code=code) + "#handlinger")


@bp.route("/new", methods=["GET", "POST"])
def new(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    if not any(can(current_user, Action.EDIT_RISK, t) for t in programme.tracks):
        require(current_user, Action.EDIT_RISK, programme)
    form = NewRiskForm()
    form.track_id.choices = _track_choices(programme)
    form.owner_user_id.choices = options(people.user_choices())
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
    form.owner_user_id.choices = options(people.user_choices(risk.owner_user))
    return save_form(
        form,
        lambda: services.update_risk(current_user, risk, form.changes(), form.expected_version),
        template="risks/edit.html",
        success_url=url_for("risks.show", slug=slug, code=code),
        success_message=_("Risikoen er gemt."),
        programme=programme,
        risk=risk,
    )
