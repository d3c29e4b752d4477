"""Benefit pages and the benefit profile form."""

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audit.services import history_of
from portfolio.auth.permissions import Action, can, require
from portfolio.benefits import services
from portfolio.benefits.forms import BenefitForm
from portfolio.benefits.models import BenefitType
from portfolio.core.forms import enum_choices, options, save_form
from portfolio.programmes import services as programme_services

bp = Blueprint("benefits", __name__, url_prefix="/programmes/<slug>/benefits")


@bp.get("/<code>")
def show(slug, code):
    programme = programme_services.get_programme_for(current_user, slug)
    benefit = services.get_benefit(programme, code)
    return render_template(
        "benefits/show.html",
        programme=programme,
        benefit=benefit,
        history=history_of(benefit),
        can_edit=can(current_user, Action.EDIT_BENEFIT, benefit),
    )


@bp.route("/<code>/edit", methods=["GET", "POST"])
def edit(slug, code):
    programme = programme_services.get_programme_for(current_user, slug)
    benefit = services.get_benefit(programme, code)
    require(current_user, Action.EDIT_BENEFIT, benefit)
    form = BenefitForm(obj=benefit)
    form.types.choices = enum_choices(BenefitType)
    form.recipient_ids.choices = options(
        (r.id, r.name) for r in services.recipients_of(programme.id)
    )
    form.track_ids.choices = options((t.id, t.label) for t in programme.tracks)
    form.project_ids.choices = options((p.id, f"{p.code} {p.name}") for p in programme.projects)
    if not form.is_submitted():
        form.types.data = [t.value for t in benefit.types]
        form.recipient_ids.data = [r.id for r in benefit.recipients]
        form.track_ids.data = [t.id for t in benefit.tracks]
        form.project_ids.data = [p.id for p in benefit.projects]
    return save_form(
        form,
        lambda: services.update_benefit(
            current_user, benefit, form.changes(), form.expected_version
        ),
        template="benefits/edit.html",
        success_url=url_for("benefits.show", slug=slug, code=code),
        success_message=_("Gevinsten er gemt."),
        programme=programme,
        benefit=benefit,
    )
