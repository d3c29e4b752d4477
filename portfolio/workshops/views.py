"""Workshop pages: the list with the follow-up plan, a workshop, its agenda items, actions."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audit.services import history_of
from portfolio.auth import people
from portfolio.auth.permissions import Action, can, require
from portfolio.charts.web import chart_response, chart_url
from portfolio.core import clock
from portfolio.core.forms import commit_or_flash, options, save_form
from portfolio.core.i18n import locale_code
from portfolio.core.security import local_target
from portfolio.programmes import services as programme_services
from portfolio.programmes.models import ProgrammeStatus
from portfolio.workshops import services
from portfolio.workshops.export import (
    achievement_text,
    build_workshop_workbook,
    last_point,
    number_text,
    period_text,
    progress_text,
    workbook_filename,
)
from portfolio.workshops.forms import (
    ActionFilterForm,
    ActionForm,
    ActionStatusForm,
    ItemForm,
    NewWorkshopForm,
    StepForm,
    WorkshopForm,
)
from portfolio.workshops.models import ActionStatus, FollowUpPhase, WorkshopStatus
from portfolio.workshops.trend import trend_data

bp = Blueprint("workshops", __name__, url_prefix="/programmes/<slug>/workshops")


@bp.app_template_filter("progress_label")
def progress_label(value: str | None) -> str:
    """Show a stored progress value ("at_risk") by its Danish label."""
    return progress_text(value)


@bp.app_template_filter("snapshot_number")
def snapshot_number(text: str | None, decimals: int | None = None) -> str:
    """Show a snapshot's decimal string as a number in the reader's language."""
    return number_text(text, decimals, locale_code())


@bp.app_template_filter("plan_period")
def plan_period(period: str | None, frequency: str | None) -> str:
    return period_text(period, frequency, locale_code())


@bp.app_template_filter("achievement")
def achievement_filter(text: str | None) -> str:
    return achievement_text(text, locale_code())


@bp.app_template_filter("last_point")
def last_point_filter(indicator: dict) -> dict | None:
    return last_point(indicator)


def _benefit_choices(form, programme, workshop=None):
    on_agenda = [item.benefit_id for item in workshop.items] if workshop else []
    form.benefit_ids.choices = options(
        (b.id, f"{b.code} {b.name}") for b in services.agenda_choices(programme.id, on_agenda)
    )


@bp.get("/")
def index(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    workshops = services.list_workshops(programme.id)
    today = clock.today()
    plan = None
    if services.is_closing(programme, today):
        plan = services.follow_up_plan(
            programme, workshops, services.programme_benefits(programme.id)
        )
    return render_template(
        "workshops/index.html",
        programme=programme,
        groups=[(s, [w for w in workshops if w.status is s]) for s in WorkshopStatus],
        plan=plan,
        can_plan=can(current_user, Action.MANAGE_WORKSHOPS, programme),
    )


@bp.route("/new", methods=["GET", "POST"])
def new(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    require(current_user, Action.MANAGE_WORKSHOPS, programme)
    form = NewWorkshopForm()
    _benefit_choices(form, programme)
    if not form.is_submitted():
        form.held_on.data = clock.today()
        # Once the programme has closed, its workshops are the follow-up after closure.
        form.phase.data = (
            FollowUpPhase.AFTER_CLOSURE
            if programme.status is ProgrammeStatus.CLOSED
            else FollowUpPhase.DURING
        )
    return save_form(
        form,
        lambda: services.plan_workshop(current_user, programme, form.changes()),
        template="workshops/edit.html",
        success_url=lambda w: url_for("workshops.show", slug=slug, workshop_id=w.id),
        success_message=_("Workshoppen er planlagt."),
        programme=programme,
        workshop=None,
    )


@bp.get("/<int:workshop_id>")
def show(slug, workshop_id):
    programme = programme_services.get_programme_for(current_user, slug)
    workshop = services.get_workshop(programme, workshop_id)
    today = clock.today()
    print_view = request.args.get("print") == "1"
    figures = services.shown_snapshots(workshop.items, today=today)
    return render_template(
        "workshops/show.html",
        programme=programme,
        workshop=workshop,
        figures=figures,
        # The trend charts on the page and its print view, as on each benefit's page.
        chart_urls={
            item.id: _chart_url(programme, workshop, item, figures.get(item.id) or {})
            for item in workshop.items
        },
        print_view=print_view,
        can_manage=can(current_user, Action.MANAGE_WORKSHOPS, programme),
        manageable=services.manageable_benefit_ids(current_user, workshop),
        action_form=_action_form(workshop),
        status_forms={a.id: ActionStatusForm(obj=a, prefix=f"a{a.id}") for a in workshop.actions},
        history=history_of(workshop),
    )


def _action_form(workshop, formdata=None):
    form = ActionForm(formdata=formdata)
    allowed = services.manageable_benefit_ids(current_user, workshop)
    whole = can(current_user, Action.MANAGE_WORKSHOPS, workshop.programme)
    pairs = [("", _("Hele dagsordenen"))] if whole else []
    pairs += [
        (str(item.benefit_id), f"{item.benefit.code} {item.benefit.name}")
        for item in workshop.items
        if item.benefit_id in allowed
    ]
    form.benefit_id.choices = options(pairs)
    form.owner_user_id.choices = options(people.user_choices())
    return form


@bp.route("/<int:workshop_id>/edit", methods=["GET", "POST"])
def edit(slug, workshop_id):
    programme = programme_services.get_programme_for(current_user, slug)
    workshop = services.get_workshop(programme, workshop_id)
    require(current_user, Action.MANAGE_WORKSHOPS, programme)
    form = WorkshopForm(obj=workshop)
    _benefit_choices(form, programme, workshop)
    if not form.is_submitted():
        form.benefit_ids.data = [item.benefit_id for item in workshop.items]
    return save_form(
        form,
        lambda: services.update_workshop(
            current_user, workshop, form.changes(), form.expected_version
        ),
        template="workshops/edit.html",
        success_url=url_for("workshops.show", slug=slug, workshop_id=workshop_id),
        success_message=_("Workshoppen er gemt."),
        programme=programme,
        workshop=workshop,
    )


def _step(slug, workshop_id, kind):
    """Show what a step of the workshop's life locks (GET); take it once confirmed (POST)."""
    programme = programme_services.get_programme_for(current_user, slug)
    workshop = services.get_workshop(programme, workshop_id)
    require(current_user, Action.MANAGE_WORKSHOPS, programme)
    today = clock.today()
    if kind == "hold":
        confirmation = services.hold_confirmation(workshop, today=today)
        heading, button = _("Afhold workshoppen"), _("Afhold workshop (fastfrys tallene)")
        intro = _(
            "Når workshoppen afholdes, fastfryses tallene for hver gevinst på dagsordenen, "
            "som de ser ud nu. Det kan ikke fortrydes."
        )
        message = _("Workshoppen er afholdt: tallene er fastfrosset.")

        def step(version):
            return services.hold_workshop(current_user, workshop, version, today=today)
    else:
        confirmation = services.close_confirmation(workshop)
        heading, button = _("Afslut workshoppen"), _("Afslut workshop (lås referatet)")
        intro = _(
            "Når workshoppen afsluttes, er referatet godkendt og låst. Det kan ikke fortrydes."
        )
        message = _("Workshoppen er afsluttet, og referatet er låst.")

        def step(version):
            return services.close_workshop(current_user, workshop, version)

    show_url = url_for("workshops.show", slug=slug, workshop_id=workshop_id)
    ready = WorkshopStatus.PLANNED if kind == "hold" else WorkshopStatus.HELD
    if request.method == "GET" and workshop.status is not ready:
        return redirect(show_url)  # nothing to confirm: the step was taken already
    form = StepForm(obj=workshop) if request.method == "GET" else StepForm()
    if request.method == "POST" and form.validate():
        commit_or_flash(lambda: step(form.expected_version), message)
        return redirect(show_url)
    return render_template(
        "_confirm.html",
        programme=programme,
        active="workshops.index",
        heading=heading,
        intro=intro,
        confirmation=confirmation,
        form=form,
        action_url=url_for(f"workshops.{kind}", slug=slug, workshop_id=workshop_id),
        button=button,
        cancel_url=show_url,
    ), (422 if request.method == "POST" else 200)


@bp.route("/<int:workshop_id>/hold", methods=["GET", "POST"])
def hold(slug, workshop_id):
    return _step(slug, workshop_id, "hold")


@bp.route("/<int:workshop_id>/close", methods=["GET", "POST"])
def close(slug, workshop_id):
    return _step(slug, workshop_id, "close")


@bp.get("/<int:workshop_id>/benefits/<code>")
def item(slug, workshop_id, code):
    programme = programme_services.get_programme_for(current_user, slug)
    workshop = services.get_workshop(programme, workshop_id)
    agenda_item = services.get_item(workshop, code)
    return _item_page(programme, workshop, agenda_item, ItemForm(obj=agenda_item))


def _chart_url(programme, workshop, agenda_item, snap):
    """Return a function giving a trend chart's address, versioned by the figures shown."""
    indicators = {i.get("code"): i for i in snap.get("indicators") or []}

    def url(trend_code: str) -> str:
        data = trend_data(indicators[trend_code])
        return chart_url(
            "workshops.trend",
            "indicator_trend",
            data,
            slug=programme.slug,
            workshop_id=workshop.id,
            code=agenda_item.benefit.code,
            trend_code=trend_code,
        )

    return url


def _item_page(programme, workshop, agenda_item, form, conflict=None, status=200):
    snap = services.shown_snapshot(agenda_item, today=clock.today())
    return render_template(
        "workshops/item.html",
        programme=programme,
        workshop=workshop,
        item=agenda_item,
        snap=snap,
        earlier=services.earlier_items(agenda_item),
        chart_url=_chart_url(programme, workshop, agenda_item, snap),
        can_record=services.can_record(current_user, agenda_item)
        and workshop.status is WorkshopStatus.HELD,
        form=form,
        conflict=conflict,
        history=history_of(agenda_item),
    ), status


@bp.get("/<int:workshop_id>/benefits/<code>/trend/<trend_code>.svg")
def trend(slug, workshop_id, code, trend_code):
    """Draw an indicator's trend from the figures the item shows (frozen once held)."""
    programme = programme_services.get_programme_for(current_user, slug)
    workshop = services.get_workshop(programme, workshop_id)
    agenda_item = services.get_item(workshop, code)
    snap = services.shown_snapshot(agenda_item, today=clock.today())
    indicator = next((i for i in snap.get("indicators") or [] if i.get("code") == trend_code), None)
    data = trend_data(indicator) if indicator else None
    if data is None:
        abort(404)
    return chart_response("indicator_trend", data)


@bp.post("/<int:workshop_id>/benefits/<code>")
def record_item(slug, workshop_id, code):
    programme = programme_services.get_programme_for(current_user, slug)
    workshop = services.get_workshop(programme, workshop_id)
    agenda_item = services.get_item(workshop, code)
    if not services.can_record(current_user, agenda_item):
        abort(403)
    form = ItemForm()
    snap = services.shown_snapshot(agenda_item, today=clock.today())
    return save_form(
        form,
        lambda: services.record_item(
            current_user,
            agenda_item,
            assessment=form.assessment.data,
            comment=form.comment.data,
            decisions=form.decisions.data,
            expected_version=form.expected_version,
        ),
        template="workshops/item.html",
        success_url=url_for("workshops.show", slug=slug, workshop_id=workshop_id)
        + f"#gevinst-{code}",
        success_message=_("Referatet for %(code)s er gemt.", code=code),
        programme=programme,
        workshop=workshop,
        item=agenda_item,
        snap=snap,
        earlier=services.earlier_items(agenda_item),
        chart_url=_chart_url(programme, workshop, agenda_item, snap),
        can_record=True,
        history=history_of(agenda_item),
    )


@bp.post("/<int:workshop_id>/actions")
def add_action(slug, workshop_id):
    programme = programme_services.get_programme_for(current_user, slug)
    workshop = services.get_workshop(programme, workshop_id)
    if not services.can_manage_any(current_user, workshop):
        abort(403)
    form = _action_form(workshop, formdata=request.form)
    back = url_for("workshops.show", slug=slug, workshop_id=workshop_id) + "#handlinger"
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(back)
    commit_or_flash(
        lambda: services.add_action(current_user, workshop, {**form.data, "today": clock.today()}),
        _("Handlingen er tilføjet."),
    )
    return redirect(back)


@bp.post("/<int:workshop_id>/actions/<int:workshop_action_id>")
def update_action(slug, workshop_id, workshop_action_id):
    programme = programme_services.get_programme_for(current_user, slug)
    workshop = services.get_workshop(programme, workshop_id)
    action = services.get_action(workshop, workshop_action_id)
    require(
        current_user,
        Action.MANAGE_WORKSHOPS,
        services.action_target(workshop, action.benefit_id),
    )
    form = ActionStatusForm(prefix=f"a{action.id}")
    back = local_target(
        request.form.get("next"),
        url_for("workshops.show", slug=slug, workshop_id=workshop_id) + "#handlinger",
    )
    if not form.validate():
        flash(_("Vælg en status, og indlæs siden igen, hvis fejlen gentager sig."), "error")
        return redirect(back)
    commit_or_flash(
        lambda: services.update_action_status(
            current_user,
            action,
            form.status.data,
            form.expected_version,
            today=clock.today(),
        ),
        _("Handlingen er opdateret."),
    )
    return redirect(back)


@bp.get("/actions")
def actions(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    benefits = services.programme_benefits(programme.id)
    form = ActionFilterForm(request.args)
    form.status.choices = options([("", _("Alle"))] + [(s.value, s.label) for s in ActionStatus])
    form.benefit.choices = options(
        [("", _("Alle gevinster"))] + [(b.code, f"{b.code} {b.name}") for b in benefits]
    )
    status = next((s for s in ActionStatus if s.value == form.status.data), None)
    benefit = next((b for b in benefits if b.code == form.benefit.data), None)
    rows = services.list_actions(
        programme.id,
        status=status,
        benefit_id=benefit.id if benefit else None,
        today=clock.today(),
    )
    return render_template(
        "workshops/actions.html",
        programme=programme,
        rows=rows,
        filter_form=form,
        status_forms={
            row.action.id: ActionStatusForm(obj=row.action, prefix=f"a{row.action.id}")
            for row in rows
            if can(
                current_user,
                Action.MANAGE_WORKSHOPS,
                services.action_target(row.action.workshop, row.action.benefit_id),
            )
        },
    )


@bp.get("/<int:workshop_id>/workshop.xlsx")
def export(slug, workshop_id):
    programme = programme_services.get_programme_for(current_user, slug)
    workshop = services.get_workshop(programme, workshop_id)
    today = clock.today()
    content = build_workshop_workbook(
        workshop,
        services.shown_snapshots(workshop.items, today=today),
        locale=locale_code(),
    )
    filename = workbook_filename(programme.slug, workshop)
    return Response(
        content,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
