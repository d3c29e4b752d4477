"""Stakeholder forms (the programme page lists them)."""

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audit.services import history_of
from portfolio.auth.permissions import Action, can, require
from portfolio.core.forms import save_form
from portfolio.organisation import services
from portfolio.organisation.forms import NewStakeholderForm, StakeholderForm
from portfolio.programmes import services as programme_services

bp = Blueprint("organisation", __name__, url_prefix="/programmes/<slug>")


@bp.get("/stakeholders/")
def stakeholders(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    return render_template(
        "organisation/stakeholders.html",
        programme=programme,
        stakeholders=services.list_stakeholders(programme.id),
        can_edit=can(current_user, Action.EDIT_STAKEHOLDER, programme),
    )


@bp.route("/stakeholders/new", methods=["GET", "POST"])
def new_stakeholder(slug):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_STAKEHOLDER)
    form = NewStakeholderForm()
    return save_form(
        form,
        lambda: services.create_stakeholder(current_user, programme, form.changes()),
        template="organisation/stakeholder_edit.html",
        success_url=url_for("organisation.stakeholders", slug=slug),
        success_message=_("Interessenten er oprettet."),
        programme=programme,
        stakeholder=None,
    )


@bp.route("/stakeholders/<int:stakeholder_id>/edit", methods=["GET", "POST"])
def edit_stakeholder(slug, stakeholder_id):
    programme = programme_services.get_programme_for(current_user, slug)
    stakeholder = services.get_stakeholder(programme, stakeholder_id)
    require(current_user, Action.EDIT_STAKEHOLDER, stakeholder)
    form = StakeholderForm(obj=stakeholder)
    return save_form(
        form,
        lambda: services.update_stakeholder(
            current_user, stakeholder, form.changes(), form.expected_version
        ),
        template="organisation/stakeholder_edit.html",
        success_url=url_for("organisation.stakeholders", slug=slug),
        success_message=_("Interessenten er gemt."),
        programme=programme,
        stakeholder=stakeholder,
        history=history_of(stakeholder),
    )
