"""Pages of the portfolio, a programme, its tracks and its projects."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audit.services import history_of, history_of_many
from portfolio.auth import people
from portfolio.auth.permissions import Action, can, require
from portfolio.benefits import services as benefit_services
from portfolio.budgets import services as budget_services
from portfolio.budgets import transfer
from portfolio.charts.cache import chart_alt_text, chart_version, render_chart
from portfolio.charts.web import chart_response, chart_url
from portfolio.core import clock
from portfolio.core.forms import Form, commit_or_flash, options, save_form
from portfolio.core.i18n import locale_code
from portfolio.core.pagecache import render_blocks
from portfolio.core.pagination import paged, requested_page
from portfolio.core.responses import versioned_svg
from portfolio.indicators import services as indicator_services
from portfolio.indicators.models import Indicator
from portfolio.organisation import services as organisation_services
from portfolio.programmes import projects, services
from portfolio.programmes.caching import (
    cached_portfolio_entry,
    cached_portfolio_page,
    cached_programme_page,
    drawn_rows,
)
from portfolio.programmes.forms import (
    DependencyForm,
    NewProjectForm,
    ProgrammeForm,
    ProjectForm,
    ProjectStepForm,
    TrackForm,
)
from portfolio.programmes.timeline import timeline_data
from portfolio.risks import services as risk_services
from portfolio.status import portfolio
from portfolio.status import services as status_services
from portfolio.status.forms import MilestoneForm, NewMilestoneForm

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
            drawn=drawn_rows(page.items),
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
    planned = sorted(
        projects.planned_projects(programme.projects),
        key=lambda p: (p.track.number if p.track else 10**6, p.position, p.code),
    )
    return programme.id, render_blocks(
        "programmes/show.html",
        programme=programme,
        planned=planned,
        retired=[p for p in programme.projects if p.is_retired],
        editable={p.id for p in programme.projects if can(current_user, Action.EDIT_PROJECT, p)},
        step_form=ProjectStepForm(),
        timeline=_timeline(programme) if programme.timeline or planned else None,
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
        planned=projects.planned_projects(track.projects),
        timeline=_timeline(programme, track),
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


@bp.get("/programmes/<slug>/timeline.svg")
def timeline_chart(slug):
    programme = services.get_programme_for(current_user, slug, Action.VIEW_PROGRAMME)
    return chart_response("timeline", timeline_data(programme, clock.today()))


@bp.get("/programmes/<slug>/tracks/<int:number>/timeline.svg")
def track_timeline_chart(slug, number):
    programme = services.get_programme_for(current_user, slug)
    track = services.get_track(programme, number)
    return chart_response("timeline", timeline_data(programme, clock.today(), track))


def _timeline(programme, track=None) -> dict:
    """The chart's address and text alternative for a page that shows the timeline."""
    data = timeline_data(programme, clock.today(), track)
    if track is None:
        src = chart_url("programmes.timeline_chart", "timeline", data, slug=programme.slug)
    else:
        src = chart_url(
            "programmes.track_timeline_chart",
            "timeline",
            data,
            slug=programme.slug,
            number=track.number,
        )
    return {"src": src, "alt": chart_alt_text("timeline", data, locale=locale_code())}


@bp.get("/programmes/<slug>/projects/<code>")
def project(slug, code):
    programme = services.get_programme_for(current_user, slug)
    project = services.get_project(programme, code)
    can_edit = can(current_user, Action.EDIT_PROJECT, project)
    dependency_form = None
    if can_edit and not project.is_retired:
        dependency_form = DependencyForm()
        dependency_form.depends_on_id.choices = _dependency_choices(programme, project)
    return render_template(
        "programmes/project.html",
        programme=programme,
        project=project,
        milestones=status_services.project_milestones(project),
        conflicts=projects.start_conflicts(project),
        bodies=organisation_services.bodies_of_project(project.id),
        history=history_of(project),
        can_edit=can_edit,
        can_edit_milestones=can(current_user, Action.EDIT_MILESTONE, project),
        dependency_form=dependency_form,
        step_form=ProjectStepForm(obj=project),
        indicator_readings=indicator_services.readings_where(Indicator.project_id == project.id),
    )


def _track_choices(programme, current_track_id=None):
    # A retired track takes no new work; a project already on it keeps it as a choice.
    tracks = [t for t in programme.tracks if not t.is_retired or t.id == current_track_id]
    return options([("", _("Intet spor (tværgående)"))] + [(str(t.id), t.label) for t in tracks])


def _dependency_choices(programme, project):
    taken = {d.depends_on_id for d in project.depends_on}
    return options(
        [("", "–")]
        + [
            (str(p.id), f"{p.code} {p.name}")
            for p in programme.projects
            if p.id != project.id and p.id not in taken and not p.is_retired
        ]
    )


def _owner_choices(form, current=None):
    form.owner_user_id.choices = options(people.user_choices(current))


@bp.route("/programmes/<slug>/projects/new", methods=["GET", "POST"])
def new_project(slug):
    programme = services.get_programme_for(current_user, slug)
    if not any(can(current_user, Action.EDIT_PROJECT, t) for t in programme.tracks):
        require(current_user, Action.EDIT_PROJECT, programme)
    form = NewProjectForm()
    form.track_id.choices = _track_choices(programme)
    _owner_choices(form)
    return save_form(
        form,
        lambda: projects.create_project(current_user, programme, form.changes()),
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
    _owner_choices(form, project.owner_user)
    return save_form(
        form,
        lambda: projects.update_project(
            current_user, project, form.changes(), form.expected_version
        ),
        template="programmes/project_edit.html",
        success_url=lambda _r: url_for("programmes.project", slug=slug, code=project.code),
        success_message=_("Projektet er gemt."),
        programme=programme,
        project=project,
    )


def _project_step(slug, code, step, message, anchor=""):
    """Retire, restore or move a project from a button, at the version the page showed."""
    programme = services.get_programme_for(current_user, slug)
    project = services.get_project(programme, code)
    require(current_user, Action.EDIT_PROJECT, project)
    form = ProjectStepForm()
    if form.validate():
        commit_or_flash(lambda: step(project, form.expected_version), message)
    else:
        flash(_("Intet er ændret: formularen var forældet. Indlæs siden igen."), "error")
    if request.form.get("back") == "programme":
        return redirect(url_for("programmes.show", slug=slug) + "#projekter")
    return redirect(url_for("programmes.project", slug=slug, code=project.code) + anchor)


@bp.post("/programmes/<slug>/projects/<code>/retire")
def retire_project(slug, code):
    return _project_step(
        slug,
        code,
        lambda p, v: projects.retire_project(current_user, p, v),
        _("Projektet er taget ud af planen. Det kan sættes ind igen."),
    )


@bp.post("/programmes/<slug>/projects/<code>/restore")
def restore_project(slug, code):
    return _project_step(
        slug,
        code,
        lambda p, v: projects.restore_project(current_user, p, v),
        _("Projektet er sat ind i planen igen."),
    )


@bp.post("/programmes/<slug>/projects/<code>/move/<direction>")
def move_project(slug, code, direction):
    if direction not in ("up", "down"):
        abort(404)
    return _project_step(
        slug,
        code,
        lambda p, _v: projects.move_project(current_user, p, -1 if direction == "up" else 1),
        _("Rækkefølgen er gemt."),
    )


@bp.post("/programmes/<slug>/projects/<code>/dependencies")
def add_dependency(slug, code):
    programme = services.get_programme_for(current_user, slug)
    project = services.get_project(programme, code)
    require(current_user, Action.EDIT_PROJECT, project)
    form = DependencyForm()
    form.depends_on_id.choices = _dependency_choices(programme, project)
    if form.validate():
        other = next(p for p in programme.projects if p.id == form.depends_on_id.data)
        commit_or_flash(
            lambda: projects.add_dependency(
                current_user, project, other, form.description.data or ""
            ),
            _("Afhængigheden er gemt."),
        )
    else:
        flash(_("Afhængigheden er ikke gemt: vælg et af programmets projekter."), "error")
    return redirect(url_for("programmes.project", slug=slug, code=project.code) + "#afhaengigheder")


@bp.post("/programmes/<slug>/projects/<code>/dependencies/<int:dependency_id>/delete")
def remove_dependency(slug, code, dependency_id):
    programme = services.get_programme_for(current_user, slug)
    project = services.get_project(programme, code)
    dependency = projects.get_dependency(project, dependency_id)
    require(current_user, Action.EDIT_PROJECT, project)
    form = Form()
    if form.validate():
        commit_or_flash(
            lambda: projects.remove_dependency(current_user, dependency),
            _("Afhængigheden er fjernet."),
        )
    return redirect(url_for("programmes.project", slug=slug, code=project.code) + "#afhaengigheder")


def _project_milestone_form(form, project):
    """A milestone of this project: its track follows the project's."""
    form.track_id.choices = options(
        [(str(project.track_id), project.track.label)]
        if project.track
        else [("", _("Hele programmet"))]
    )
    form.project_id.choices = options([(str(project.id), f"{project.code} {project.name}")])


@bp.route("/programmes/<slug>/projects/<code>/milestones/new", methods=["GET", "POST"])
def new_project_milestone(slug, code):
    programme = services.get_programme_for(current_user, slug)
    project = services.get_project(programme, code)
    require(current_user, Action.EDIT_MILESTONE, project)
    form = NewMilestoneForm(project_id=project.id, track_id=project.track_id)
    _project_milestone_form(form, project)
    return save_form(
        form,
        lambda: status_services.create_milestone(
            current_user,
            programme,
            {**form.changes(), "project_id": project.id, "track_id": project.track_id},
        ),
        template="programmes/project_milestone.html",
        success_url=url_for("programmes.project", slug=slug, code=code) + "#milepaele",
        success_message=_("Milepælen er oprettet."),
        programme=programme,
        project=project,
        milestone=None,
    )


@bp.route(
    "/programmes/<slug>/projects/<code>/milestones/<int:project_milestone_id>/edit",
    methods=["GET", "POST"],
)
def edit_project_milestone(slug, code, project_milestone_id):
    programme = services.get_programme_for(current_user, slug)
    project = services.get_project(programme, code)
    milestone = status_services.get_milestone(programme, project_milestone_id)
    if milestone.project_id != project.id:
        abort(404)
    require(current_user, Action.EDIT_MILESTONE, milestone)
    form = MilestoneForm(obj=milestone)
    _project_milestone_form(form, project)
    return save_form(
        form,
        lambda: status_services.update_milestone(
            current_user,
            milestone,
            {**form.changes(), "project_id": project.id, "track_id": project.track_id},
            form.expected_version,
        ),
        template="programmes/project_milestone.html",
        success_url=url_for("programmes.project", slug=slug, code=code) + "#milepaele",
        success_message=_("Milepælen er gemt."),
        programme=programme,
        project=project,
        milestone=milestone,
        history=history_of(milestone),
    )
