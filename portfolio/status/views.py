"""The status page and its forms: milestones, decisions, overrides, benefits, commentary."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audit.services import history_of
from portfolio.audit.versions import programme_version
from portfolio.auth.permissions import Action, Target, can, require
from portfolio.charts.cache import chart_alt_text, chart_version, render_chart
from portfolio.charts.web import chart_url
from portfolio.core import clock
from portfolio.core.errors import RuleViolation
from portfolio.core.forms import options, save_form
from portfolio.core.i18n import locale_code
from portfolio.core.pagecache import fragments, render_blocks
from portfolio.core.responses import versioned_svg
from portfolio.extensions import db
from portfolio.programmes import services as programme_services
from portfolio.programmes.caching import cached_programme_page
from portfolio.status import services
from portfolio.status.charts import CHARTS
from portfolio.status.forms import (
    BenefitsAssessmentForm,
    CommentaryForm,
    DecisionForm,
    LiftOverrideForm,
    MilestoneForm,
    NewDecisionForm,
    NewMilestoneForm,
    OverrideForm,
)
from portfolio.status.snapshot import build_snapshot

bp = Blueprint("status", __name__, url_prefix="/programmes/<slug>")


def _snapshot(slug):
    programme = programme_services.get_programme_for(
        current_user, slug, Action.VIEW_PROGRAMME, *services.STATUS_OPTIONS
    )
    today = clock.today()
    return programme, build_snapshot(services.load_status_data(programme), today)


@bp.get("/status")
def page(slug):
    """The status page, drawn once per data version (see programmes/caching.py)."""

    def draw():
        programme, snapshot = _snapshot(slug)
        today = clock.today()
        allowed = {
            "override": can(current_user, Action.OVERRIDE_LIGHT, programme),
            "decisions": can(current_user, Action.MANAGE_DECISIONS, programme),
            "milestones": any(can(current_user, Action.EDIT_MILESTONE, t) for t in programme.tracks)
            or can(current_user, Action.EDIT_MILESTONE, programme),
            "reports": can(current_user, Action.MANAGE_REPORTS, programme),
            "benefits": can(current_user, Action.EDIT_BENEFIT, programme),
            "comment": {
                t.number for t in programme.tracks if can(current_user, Action.COMMENT_TRACK, t)
            },
        }
        data = {name: (kind, build(snapshot)) for name, (kind, build) in CHARTS.items()}
        return programme.id, render_blocks(
            "status/page.html",
            programme=programme,
            snapshot=snapshot,
            allowed=allowed,
            charts={
                name: chart_url("status.chart", kind, chart, slug=slug, name=name)
                for name, (kind, chart) in data.items()
            },
            alt_texts={
                name: chart_alt_text(kind, chart, locale=locale_code())
                for name, (kind, chart) in data.items()
            },
            override_form=OverrideForm(),
            lift_form=LiftOverrideForm(),
            benefits_form=BenefitsAssessmentForm(assessed_on=today),
            print_view=request.args.get("print") == "1",
        )

    return cached_programme_page("status", slug, draw)


@bp.get("/status/charts/<name>.svg")
def chart(slug, name):
    if name not in CHARTS:
        abort(404)
    key = ("status-chart", slug, name, programme_version(slug), clock.today())
    key += (locale_code(),)
    cached = fragments().get(key)
    if cached is None:
        programme, snapshot = _snapshot(slug)
        kind, build = CHARTS[name]
        data = build(snapshot)
        svg = render_chart(kind, data, locale=locale_code()).decode()
        version = chart_version(kind, data, locale=locale_code())
        cached = fragments().put(
            key, {"programme_id": programme.id, "svg": svg, "version": version}
        )
    else:
        require(current_user, Action.VIEW_PROGRAMME, Target(programme_id=cached["programme_id"]))
    return versioned_svg(cached["version"], lambda: cached["svg"].encode())


@bp.post("/status/override")
def override(slug):
    programme = programme_services.get_programme_for(current_user, slug, Action.OVERRIDE_LIGHT)
    form = OverrideForm()
    if form.validate():
        try:
            services.override_light(
                current_user,
                programme,
                form.dimension.data,
                form.colour.data,
                form.justification.data,
            )
            db.session.commit()
        except RuleViolation as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Lyset er overstyret."), "success")
    else:
        flash(_("Lyset er ikke overstyret: vælg lys og farve, og skriv en begrundelse."), "error")
    return redirect(url_for("status.page", slug=slug) + "#lys")


@bp.post("/status/override/lift")
def lift(slug):
    programme = programme_services.get_programme_for(current_user, slug, Action.OVERRIDE_LIGHT)
    form = LiftOverrideForm()
    if form.validate() and services.lift_override(current_user, programme, form.dimension.data):
        db.session.commit()
        flash(_("Overstyringen er ophævet; lyset følger igen sin regel."), "success")
    return redirect(url_for("status.page", slug=slug) + "#lys")


@bp.post("/status/benefits")
def assess_benefits(slug):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_BENEFIT)
    form = BenefitsAssessmentForm()
    if form.validate():
        services.assess_benefits(
            current_user, programme, form.colour.data, form.note.data, form.assessed_on.data
        )
        db.session.commit()
        flash(_("Vurderingen af gevinsterne er gemt."), "success")
    else:
        flash(_("Vurderingen er ikke gemt: vælg farve og skriv en begrundelse."), "error")
    return redirect(url_for("status.page", slug=slug) + "#lys")


@bp.route("/tracks/<int:number>/commentary", methods=["GET", "POST"])
def commentary(slug, number):
    programme = programme_services.get_programme_for(current_user, slug)
    track = programme_services.get_track(programme, number)
    require(current_user, Action.COMMENT_TRACK, track)
    form = CommentaryForm(obj=track)
    return save_form(
        form,
        lambda: services.comment_track(
            current_user, track, form.commentary.data, form.expected_version
        ),
        template="status/commentary.html",
        success_url=url_for("status.page", slug=slug) + f"#spor-{number}",
        success_message=_("Kommentaren er gemt."),
        programme=programme,
        track=track,
    )


def _milestone_choices(form, programme):
    form.track_id.choices = options(
        [("", _("Hele programmet"))] + [(str(t.id), t.label) for t in programme.tracks]
    )
    form.project_id.choices = options(
        [("", "–")] + [(str(p.id), f"{p.code} {p.name}") for p in programme.projects]
    )


@bp.get("/milestones/")
def milestones(slug):
    programme, snapshot = _snapshot(slug)
    return render_template(
        "status/milestones.html",
        programme=programme,
        snapshot=snapshot,
        can_edit=any(can(current_user, Action.EDIT_MILESTONE, t) for t in programme.tracks)
        or can(current_user, Action.EDIT_MILESTONE, programme),
    )


@bp.route("/milestones/new", methods=["GET", "POST"])
def new_milestone(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    if not any(can(current_user, Action.EDIT_MILESTONE, t) for t in programme.tracks):
        require(current_user, Action.EDIT_MILESTONE, programme)
    form = NewMilestoneForm()
    _milestone_choices(form, programme)
    return save_form(
        form,
        lambda: services.create_milestone(current_user, programme, form.changes()),
        template="status/milestone_edit.html",
        success_url=url_for("status.milestones", slug=slug),
        success_message=_("Milepælen er oprettet."),
        programme=programme,
        milestone=None,
    )


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
def edit_milestone(slug, milestone_id):
    programme = programme_services.get_programme_for(current_user, slug)
    milestone = services.get_milestone(programme, milestone_id)
    require(current_user, Action.EDIT_MILESTONE, milestone)
    form = MilestoneForm(obj=milestone)
    _milestone_choices(form, programme)
    return save_form(
        form,
        lambda: services.update_milestone(
            current_user, milestone, form.changes(), form.expected_version
        ),
        template="status/milestone_edit.html",
        success_url=url_for("status.milestones", slug=slug),
        success_message=_("Milepælen er gemt."),
        programme=programme,
        milestone=milestone,
        history=history_of(milestone),
    )


@bp.get("/decisions/")
def decisions(slug):
    programme, snapshot = _snapshot(slug)
    return render_template(
        "status/decisions.html",
        programme=programme,
        snapshot=snapshot,
        can_edit=can(current_user, Action.MANAGE_DECISIONS, programme),
    )


@bp.route("/decisions/new", methods=["GET", "POST"])
def new_decision(slug):
    programme = programme_services.get_programme_for(current_user, slug, Action.MANAGE_DECISIONS)
    form = NewDecisionForm(body=_("Programstyregruppen"))
    return save_form(
        form,
        lambda: services.create_decision(current_user, programme, form.changes()),
        template="status/decision_edit.html",
        success_url=url_for("status.decisions", slug=slug),
        success_message=_("Beslutningspunktet er oprettet."),
        programme=programme,
        decision=None,
    )


@bp.route("/decisions/<int:decision_id>/edit", methods=["GET", "POST"])
def edit_decision(slug, decision_id):
    programme = programme_services.get_programme_for(current_user, slug, Action.MANAGE_DECISIONS)
    decision = services.get_decision(programme, decision_id)
    form = DecisionForm(obj=decision)
    return save_form(
        form,
        lambda: services.update_decision(
            current_user, decision, form.changes(), form.expected_version
        ),
        template="status/decision_edit.html",
        success_url=url_for("status.decisions", slug=slug),
        success_message=_("Beslutningen er gemt."),
        programme=programme,
        decision=decision,
        history=history_of(decision),
    )
