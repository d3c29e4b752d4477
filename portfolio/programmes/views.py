"""Pages of the portfolio, a programme, its tracks and its projects."""

from flask import Blueprint, Response, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audit.services import history_of, history_of_many
from portfolio.auth.permissions import Action, can, require
from portfolio.benefits import services as benefit_services
from portfolio.budgets import services as budget_services
from portfolio.budgets import transfer
from portfolio.core import clock
from portfolio.core.forms import options, save_form
from portfolio.core.i18n import locale_code
from portfolio.core.pagecache import render_blocks
from portfolio.core.pagination import requested_page
from portfolio.indicators import services as indicator_services
from portfolio.indicators.models import Indicator
from portfolio.organisation import services as organisation_services
from portfolio.programmes import services
from portfolio.programmes.caching import cached_portfolio_page, cached_programme_page
from portfolio.programmes.forms import NewProjectForm, ProgrammeForm, ProjectForm, TrackForm
from portfolio.risks import services as risk_services
from portfolio.status.snapshot import overall_lights

bp = Blueprint("programmes", __name__)


@bp.get("/")
def overview():
    """The portfolio, drawn once per data version and set of rights (programmes/caching.py)."""

    def draw():
        page = services.overview_page(current_user, requested_page())
        ids = [p.id for p in page.items]
        return render_blocks(
            "programmes/overview.html",
            page=page,
            programmes=page.items,
            phases=services.current_phases(ids, clock.today_month()),
            track_counts=services.track_counts(ids),
            overall=overall_lights(page.items, clock.today()),
        )

    return cached_portfolio_page("overview", draw)


@bp.get("/portfolio/budgets.xlsx")
def portfolio_budgets():
    """The budgets of every programme the user may see, in one workbook for the finance office."""
    exported = transfer.export_portfolio(
        current_user, services.list_programmes(current_user), locale=locale_code()
    )
    return Response(
        exported.content,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )


@bp.get("/programmes/<slug>")
def show(slug):
    return cached_programme_page(
        "programme", slug, lambda: _draw_programme_page(slug), with_links=True
    )


def _draw_programme_page(slug):
    programme = services.load_programme_page(current_user, slug)
    month = clock.today_month()
    bodies = organisation_services.governance_bodies(programme.id)
    budget = budget_services.budget_overview(programme)
    return programme.id, render_blocks(
        "programmes/show.html",
        programme=programme,
        phase=services.current_phase(programme.timeline, month),
        waves=services.active_waves(programme.timeline, month),
        links=services.project_links([p.id for p in programme.projects]),
        budget=budget.baseline_table if budget else None,
        risks=risk_services.list_risks(programme.id),
        benefits=benefit_services.list_benefits(programme.id, with_links=False),
        stakeholders=organisation_services.list_stakeholders(programme.id),
        governance=organisation_services.governance_tree(bodies),
        can_edit=can(current_user, Action.EDIT_PROGRAMME, programme),
    )


@bp.get("/programmes/<slug>/history")
def history(slug):
    programme = services.get_programme_for(current_user, slug)
    # The master data with its phases and waves (moved by an approved change request too).
    return render_template(
        "programmes/history.html",
        programme=programme,
        history=history_of_many([programme, *programme.timeline]),
    )


@bp.route("/programmes/<slug>/edit", methods=["GET", "POST"])
def edit(slug):
    programme = services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    form = ProgrammeForm(obj=programme)
    return save_form(
        form,
        lambda: services.update_programme(
            current_user, programme, form.changes(), form.expected_version
        ),
        template="programmes/edit.html",
        success_url=url_for("programmes.show", slug=slug),
        success_message=_("Stamdata er gemt."),
        programme=programme,
    )


@bp.get("/programmes/<slug>/tracks/<int:number>")
def track(slug, number):
    programme = services.get_programme_for(current_user, slug)
    track = services.get_track(programme, number)
    return render_template(
        "programmes/track.html",
        programme=programme,
        track=track,
        risks=[r for r in risk_services.list_risks(programme.id) if r.track_id == track.id],
        budget=budget_services.baseline_table(programme.id),
        history=history_of(track),
        can_edit=can(current_user, Action.EDIT_TRACK, track),
        indicator_readings=indicator_services.readings_where(Indicator.track_id == track.id),
    )


@bp.route("/programmes/<slug>/tracks/<int:number>/edit", methods=["GET", "POST"])
def edit_track(slug, number):
    programme = services.get_programme_for(current_user, slug)
    track = services.get_track(programme, number)
    require(current_user, Action.EDIT_TRACK, track)
    form = TrackForm(obj=track)
    if not form.is_submitted():
        form.deliverables_text.data = "\n".join(d.text for d in track.deliverables)
    return save_form(
        form,
        lambda: services.update_track(
            current_user,
            track,
            {**form.changes("name", "description"), "deliverables": form.deliverable_lines()},
            form.expected_version,
        ),
        template="programmes/track_edit.html",
        success_url=url_for("programmes.track", slug=slug, number=number),
        success_message=_("Sporet er gemt."),
        programme=programme,
        track=track,
    )


@bp.get("/programmes/<slug>/projects/<code>")
def project(slug, code):
    programme = services.get_programme_for(current_user, slug)
    project = services.get_project(programme, code)
    return render_template(
        "programmes/project.html",
        programme=programme,
        project=project,
        bodies=organisation_services.bodies_of_project(project.id),
        history=history_of(project),
        can_edit=can(current_user, Action.EDIT_PROJECT, project),
        indicator_readings=indicator_services.readings_where(Indicator.project_id == project.id),
    )


def _track_choices(programme):
    return options(
        [("", _("Intet spor (tværgående)"))] + [(str(t.id), t.label) for t in programme.tracks]
    )


@bp.route("/programmes/<slug>/projects/new", methods=["GET", "POST"])
def new_project(slug):
    programme = services.get_programme_for(current_user, slug)
    if not any(can(current_user, Action.EDIT_PROJECT, t) for t in programme.tracks):
        require(current_user, Action.EDIT_PROJECT, programme)
    form = NewProjectForm()
    form.track_id.choices = _track_choices(programme)
    return save_form(
        form,
        lambda: services.create_project(current_user, programme, form.changes()),
        template="programmes/project_edit.html",
        success_url=lambda p: url_for("programmes.project", slug=slug, code=p.code),
        success_message=_("Projektet er oprettet."),
        programme=programme,
        project=None,
    )


@bp.route("/programmes/<slug>/projects/<code>/edit", methods=["GET", "POST"])
def edit_project(slug, code):
    programme = services.get_programme_for(current_user, slug)
    project = services.get_project(programme, code)
    require(current_user, Action.EDIT_PROJECT, project)
    form = ProjectForm(obj=project)
    form.track_id.choices = _track_choices(programme)
    return save_form(
        form,
        lambda: services.update_project(
            current_user, project, form.changes(), form.expected_version
        ),
        template="programmes/project_edit.html",
        success_url=lambda _r: url_for("programmes.project", slug=slug, code=project.code),
        success_message=_("Projektet er gemt."),
        programme=programme,
        project=project,
    )
