"""Pages of the portfolio, a programme, its tracks and its projects."""

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audit.services import history_of
from portfolio.auth.permissions import Action, can, require
from portfolio.benefits import services as benefit_services
from portfolio.budgets import services as budget_services
from portfolio.budgets import transfer
from portfolio.charts.cache import chart_alt_text, chart_version, render_chart
from portfolio.charts.web import chart_url
from portfolio.core import clock
from portfolio.core.forms import options, save_form
from portfolio.core.i18n import locale_code
from portfolio.core.pagecache import render_blocks
from portfolio.core.pagination import paged, requested_page
from portfolio.core.responses import versioned_svg
from portfolio.indicators import services as indicator_services
from portfolio.indicators.models import Indicator
from portfolio.organisation import services as organisation_services
from portfolio.programmes import services
from portfolio.programmes.caching import (
    cached_portfolio_entry,
    cached_portfolio_page,
    cached_programme_page,
)
from portfolio.programmes.forms import NewProjectForm, ProgrammeForm, ProjectForm, TrackForm
from portfolio.risks import services as risk_services
from portfolio.status import portfolio

bp = Blueprint("programmes", __name__)


def _roadmap(view, page):
    return portfolio.roadmap_data(page.items, clock.today(), "")


@bp.get("/")
def overview():
    """The portfolio, drawn once per data version, query and set of rights (caching.py)."""

    def draw():
        view = portfolio.portfolio_overview(current_user, request.args, clock.today())
        page = paged(view.rows, requested_page(), services.OVERVIEW_PAGE_SIZE)
        roadmap = _roadmap(view, page)
        query = view.choices.query()
        if page.number > 1:
            query["page"] = str(page.number)
        return render_blocks(
            "programmes/overview.html",
            view=view,
            page=page,
            programmes=page.items,
            query=query,
            roadmap_url=chart_url("programmes.roadmap", "roadmap", roadmap, **query),
            roadmap_alt=chart_alt_text("roadmap", roadmap, locale=locale_code()),
            can_create=can(current_user, Action.CREATE_PROGRAMME),
        )

    return cached_portfolio_page("overview", draw)


@bp.get("/portfolio/roadmap.svg")
def roadmap():
    """The overview's roadmap chart: the same programmes, filters and page as the page."""

    def draw():
        view = portfolio.portfolio_overview(current_user, request.args, clock.today())
        data = _roadmap(view, paged(view.rows, requested_page(), services.OVERVIEW_PAGE_SIZE))
        locale = locale_code()
        return {
            "svg": render_chart("roadmap", data, locale=locale).decode(),
            "version": chart_version("roadmap", data, locale=locale),
        }

    entry = cached_portfolio_entry("roadmap", draw)
    return versioned_svg(entry["version"], lambda: entry["svg"].encode())


@bp.get("/portfolio/budgets.xlsx")
def portfolio_budgets():
    """The budgets of the programmes the overview shows (all the user may see unless the
    query string filters them), in one workbook for the finance office, in its order."""
    view = portfolio.portfolio_overview(current_user, request.args, clock.today())
    exported = transfer.export_portfolio(
        current_user, [row.programme for row in view.rows], locale=locale_code()
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
        can_edit_stakeholders=can(current_user, Action.EDIT_STAKEHOLDER, programme),
    )


@bp.get("/programmes/<slug>/history")
def history(slug):
    programme = services.get_programme_for(current_user, slug)
    return render_template(
        "programmes/history.html", programme=programme, history=history_of(programme)
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


def _track_choices(programme, current_track_id=None):
    # A retired track takes no new work; a project already on it keeps it as a choice.
    tracks = [t for t in programme.tracks if not t.is_retired or t.id == current_track_id]
    return options([("", _("Intet spor (tværgående)"))] + [(str(t.id), t.label) for t in tracks])


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
    form.track_id.choices = _track_choices(programme, project.track_id)
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
