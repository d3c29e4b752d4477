"""Benefit pages: the overview, the benefit map, each profile, and the profile form."""

from typing import cast

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audit.services import history_of
from portfolio.auth import people
from portfolio.auth.permissions import Action, can, require
from portfolio.benefits import services
from portfolio.benefits.forms import (
    BenefitForm,
    NewBenefitForm,
    ReinstateBenefitForm,
    RetireBenefitForm,
)
from portfolio.benefits.models import Benefit, BenefitType
from portfolio.charts.cache import chart_alt_text
from portfolio.charts.web import chart_response, chart_url
from portfolio.core.forms import commit_or_flash, enum_choices, options, save_form
from portfolio.core.i18n import locale_code
from portfolio.core.pagecache import render_blocks
from portfolio.indicators import services as indicator_services
from portfolio.indicators.charts import benefit_map_data
from portfolio.indicators.editing import value_action
from portfolio.programmes import services as programme_services
from portfolio.programmes.caching import cached_programme_page

bp = Blueprint("benefits", __name__, url_prefix="/programmes/<slug>/benefits")


@bp.get("", strict_slashes=False)
def index(slug):
    """The benefits and their progress, drawn once per data version (programmes/caching.py)."""

    def draw():
        programme = programme_services.get_programme_for(current_user, slug)
        benefits = services.list_benefits_with_indicators(programme.id)
        readings = indicator_services.readings_for(
            [i for b in benefits for i in b.indicators], latest_only=True
        )
        rows = []
        for benefit in benefits:
            own = [readings[i.id] for i in benefit.indicators]
            rows.append((benefit, own, indicator_services.benefit_progress(own)))
        return programme.id, render_blocks(
            "benefits/index.html",
            programme=programme,
            rows=rows,
            can_create=can(current_user, Action.EDIT_BENEFIT, programme),
        )

    return cached_programme_page("benefits", slug, draw)


def _map_data(programme):
    return benefit_map_data(programme, services.list_benefits_for_map(programme.id))


@bp.get("/map")
def benefit_map(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    benefits = services.list_benefits_for_map(programme.id)
    data = benefit_map_data(programme, benefits)
    unlinked = [b for b in benefits if not (b.tracks or b.projects or b.goals)]
    return render_template(
        "benefits/map.html",
        programme=programme,
        alt_text=chart_alt_text("benefit_map", data, locale=locale_code()),
        chart_src=chart_url("benefits.map_chart", "benefit_map", data, slug=programme.slug),
        has_benefits=bool(data.benefits),
        has_links=bool(data.source_links or data.goal_links),
        unlinked=unlinked,
        editable={b.code for b in unlinked if can(current_user, Action.EDIT_BENEFIT, b)},
    )


@bp.get("/map.svg")
def map_chart(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    return chart_response("benefit_map", _map_data(programme))


@bp.get("/<code>")
def show(slug, code):
    programme = programme_services.get_programme_for(current_user, slug)
    benefit = services.get_benefit(programme, code)
    readings = indicator_services.readings_for(benefit.indicators)
    shown = [readings[i.id] for i in benefit.indicators]
    return render_template(
        "benefits/show.html",
        programme=programme,
        benefit=benefit,
        readings=shown,
        progress=indicator_services.benefit_progress(shown),
        history=history_of(benefit),
        can_edit=can(current_user, Action.EDIT_BENEFIT, benefit),
        reinstate_form=ReinstateBenefitForm(obj=benefit),
        can_enter={
            r.indicator.id: r.indicator.is_manual
            and not benefit.is_retired
            and can(current_user, value_action(r.indicator), benefit)
            for r in shown
        },
    )


def _profile_choices(form, programme, owner_user=None) -> None:
    """Fill the profile form's choice lists with the programme's own (and the users who
    may be named owner, the current owner among them)."""
    form.types.choices = enum_choices(BenefitType)
    form.owner_user_id.choices = options(people.user_choices(owner_user))
    form.recipient_ids.choices = options(
        (r.id, r.name) for r in services.recipients_of(programme.id)
    )
    form.track_ids.choices = options((t.id, t.label) for t in programme.tracks)
    form.project_ids.choices = options((p.id, f"{p.code} {p.name}") for p in programme.projects)
    form.goal_ids.choices = options(
        (g.id, f"V{n} {g.text}") for n, g in enumerate(programme.vision_goals, start=1)
    )


@bp.route("/new", methods=["GET", "POST"])
def new(slug):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_BENEFIT)
    form = NewBenefitForm()
    _profile_choices(form, programme)
    return save_form(
        form,
        lambda: services.create_benefit(current_user, programme, form.changes()),
        template="benefits/edit.html",
        success_url=lambda benefit: url_for(
            "benefits.show", slug=slug, code=cast(Benefit, benefit).code
        ),
        success_message=_("Gevinsten er oprettet."),
        programme=programme,
        benefit=None,
        next_code=services.next_benefit_code_preview(programme),
    )


@bp.route("/<code>/edit", methods=["GET", "POST"])
def edit(slug, code):
    programme = programme_services.get_programme_for(current_user, slug)
    benefit = services.get_benefit(programme, code)
    require(current_user, Action.EDIT_BENEFIT, benefit)
    form = BenefitForm(obj=benefit)
    _profile_choices(form, programme, benefit.owner_user)
    if not form.is_submitted():
        form.types.data = [t.value for t in benefit.types]
        form.recipient_ids.data = [r.id for r in benefit.recipients]
        form.track_ids.data = [t.id for t in benefit.tracks]
        form.project_ids.data = [p.id for p in benefit.projects]
        form.goal_ids.data = [g.id for g in benefit.goals]
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


@bp.route("/<code>/retire", methods=["GET", "POST"])
def retire(slug, code):
    programme = programme_services.get_programme_for(current_user, slug)
    benefit = services.get_benefit(programme, code)
    require(current_user, Action.EDIT_BENEFIT, benefit)
    form = RetireBenefitForm(obj=benefit)
    if benefit.is_retired and not form.is_submitted():
        return redirect(url_for("benefits.show", slug=slug, code=code))
    return save_form(
        form,
        lambda: services.retire_benefit(
            current_user, benefit, form.reason.data, form.expected_version
        ),
        template="benefits/retire.html",
        success_url=url_for("benefits.show", slug=slug, code=code),
        success_message=_("Gevinsten er markeret som udgået."),
        programme=programme,
        benefit=benefit,
    )


@bp.post("/<code>/reinstate")
def reinstate(slug, code):
    programme = programme_services.get_programme_for(current_user, slug)
    benefit = services.get_benefit(programme, code)
    require(current_user, Action.EDIT_BENEFIT, benefit)
    form = ReinstateBenefitForm()
    if form.validate():
        commit_or_flash(
            lambda: services.reinstate_benefit(current_user, benefit, form.expected_version),
            _("Gevinsten er taget op igen."),
        )
    else:
        flash(next(iter(form.version.errors), _("Indlæs siden igen, og prøv på ny.")), "error")
    return redirect(url_for("benefits.show", slug=slug, code=code))
