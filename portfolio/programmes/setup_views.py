"""The set-up pages: a new programme, its "Opsætning" page (tracks, phases and waves), and
the first approved budget of a programme that has none."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portfolio.auth.permissions import Action, can, require
from portfolio.budgets import first as first_budget_service
from portfolio.budgets import services as budget_services
from portfolio.budgets.services import parse_amount
from portfolio.core.errors import RuleViolation
from portfolio.core.forms import commit_or_flash, options, save_form
from portfolio.extensions import db
from portfolio.programmes import services, setup
from portfolio.programmes.setup_forms import (
    FirstBudgetForm,
    NewProgrammeForm,
    NewTimelineItemForm,
    NewTrackForm,
    RetireTrackForm,
    StepForm,
    TimelineItemForm,
    VersionForm,
)

bp = Blueprint("setup", __name__)


def _setup_url(slug: str, anchor: str = "") -> str:
    return url_for("setup.page", slug=slug) + (f"#{anchor}" if anchor else "")


# ------------------------------------------------------------------ a new programme


@bp.route("/programmes/new", methods=["GET", "POST"])
def new_programme():
    require(current_user, Action.CREATE_PROGRAMME)
    form = NewProgrammeForm()
    visible = services.list_programmes(current_user)
    form.template.choices = options(
        [("", _("Ingen: et tomt program"))] + [(p.slug, p.name) for p in visible]
    )
    if not form.is_submitted():
        form.shift_timeline.data = True
        form.template.data = request.args.get("template", "")

    def save():
        template = None
        if form.template.data:
            template = services.get_programme_for(current_user, form.template.data)
        values = form.changes()
        for name in ("template", "shift_timeline"):
            values.pop(name, None)
        programme, copied = setup.create_programme(
            current_user, values, template=template, shift_timeline=bool(form.shift_timeline.data)
        )
        if template is not None:
            flash(
                _(
                    "Fra skabelonen er kopieret %(tracks)d spor, %(timeline)d faser og bølger"
                    " og %(projects)d projekter, men ingen tal.",
                    tracks=copied.tracks,
                    timeline=copied.timeline,
                    projects=copied.projects,
                ),
                "info",
            )
        return programme

    return save_form(
        form,
        save,
        template="programmes/setup/new_programme.html",
        success_url=lambda _programme: url_for("setup.page", slug=form.slug.data),
        success_message=_("Programmet er oprettet. Sæt nu spor, faser og budget op."),
    )


# ------------------------------------------------------------------ the set-up page


@bp.get("/programmes/<slug>/setup")
def page(slug):
    programme = services.get_programme_for(current_user, slug)
    can_edit = can(current_user, Action.EDIT_PROGRAMME, programme)
    has_budget = budget_services.latest_baseline(programme.id) is not None
    return render_template(
        "programmes/setup/page.html",
        programme=programme,
        tracks=sorted(programme.tracks, key=lambda t: t.number),
        timeline=sorted(programme.timeline, key=lambda t: t.position),
        can_edit=can_edit,
        can_rebaseline=can(current_user, Action.REBASELINE, programme),
        has_budget=has_budget,
        tracks_locked=setup.budget_refers_to_tracks(programme),
        warnings={
            t.id: setup.period_warning(programme, t.start_month, t.end_month)
            for t in programme.timeline
        },
        step_form=StepForm(formdata=None),
        version_form=VersionForm(formdata=None),
    )


# ------------------------------------------------------------------ tracks


@bp.route("/programmes/<slug>/setup/tracks/new", methods=["GET", "POST"])
def new_track(slug):
    programme = services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    form = NewTrackForm()
    return save_form(
        form,
        lambda: setup.create_track(
            current_user,
            programme,
            {**form.changes("name", "description"), "deliverables": form.deliverable_lines()},
        ),
        template="programmes/setup/track_new.html",
        success_url=lambda t: _setup_url(slug, "spor"),
        success_message=_("Sporet er oprettet."),
        programme=programme,
    )


def _track(slug, number):
    programme = services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    return programme, services.get_track(programme, number)


@bp.post("/programmes/<slug>/tracks/<int:number>/move")
def move_track(slug, number):
    _programme, track = _track(slug, number)
    form = StepForm()
    if form.validate():
        commit_or_flash(
            lambda: setup.move_track(current_user, track, form.offset, form.expected_version),
            _("Sporet er flyttet."),
        )
    else:
        flash(_("Sporet blev ikke flyttet. Indlæs siden igen."), "error")
    return redirect(_setup_url(slug, "spor"))


@bp.route("/programmes/<slug>/tracks/<int:number>/retire", methods=["GET", "POST"])
def retire_track(slug, number):
    programme, track = _track(slug, number)
    form = RetireTrackForm(obj=track)
    return save_form(
        form,
        lambda: setup.retire_track(
            current_user, track, form.reason.data or "", form.expected_version
        ),
        template="programmes/setup/track_retire.html",
        success_url=_setup_url(slug, "spor"),
        success_message=_("Sporet er sat som udgået."),
        programme=programme,
        track=track,
        attachments=setup.track_attachments(track),
    )


@bp.post("/programmes/<slug>/tracks/<int:number>/reinstate")
def reinstate_track(slug, number):
    _programme, track = _track(slug, number)
    form = VersionForm()
    if form.validate():
        commit_or_flash(
            lambda: setup.reinstate_track(current_user, track, form.expected_version),
            _("Sporet er taget i brug igen."),
        )
    else:
        flash(_("Sporet blev ikke ændret. Indlæs siden igen."), "error")
    return redirect(_setup_url(slug, "spor"))


@bp.post("/programmes/<slug>/tracks/<int:number>/delete")
def delete_track(slug, number):
    _programme, track = _track(slug, number)
    form = VersionForm()
    if form.validate():
        commit_or_flash(
            lambda: setup.delete_track(current_user, track, form.expected_version),
            _("Sporet er slettet."),
        )
    else:
        flash(_("Sporet blev ikke slettet. Indlæs siden igen."), "error")
    return redirect(_setup_url(slug, "spor"))


# ------------------------------------------------------------------ phases and waves


@bp.route("/programmes/<slug>/setup/timeline/new", methods=["GET", "POST"])
def new_timeline_item(slug):
    programme = services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    form = NewTimelineItemForm()
    return save_form(
        form,
        lambda: _saved_item(
            programme, setup.create_timeline_item(current_user, programme, form.changes())
        ),
        template="programmes/setup/timeline_edit.html",
        success_url=lambda _item: _setup_url(slug, "tidsplan"),
        success_message=_("Fasen eller bølgen er oprettet."),
        programme=programme,
        item=None,
    )


def _saved_item(programme, item):
    warning = setup.period_warning(programme, item.start_month, item.end_month)
    if warning:
        flash(warning, "info")
    return item


@bp.route("/programmes/<slug>/timeline/<int:timeline_id>/edit", methods=["GET", "POST"])
def edit_timeline_item(slug, timeline_id):
    programme = services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    item = setup.get_timeline_item(programme, timeline_id)
    form = TimelineItemForm(obj=item)

    def save():
        setup.update_timeline_item(current_user, item, form.changes(), form.expected_version)
        return _saved_item(programme, item)

    return save_form(
        form,
        save,
        template="programmes/setup/timeline_edit.html",
        success_url=_setup_url(slug, "tidsplan"),
        success_message=_("Fasen eller bølgen er gemt."),
        programme=programme,
        item=item,
    )


@bp.post("/programmes/<slug>/timeline/<int:timeline_id>/move")
def move_timeline_item(slug, timeline_id):
    programme = services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    item = setup.get_timeline_item(programme, timeline_id)
    form = StepForm()
    if form.validate():
        commit_or_flash(
            lambda: setup.move_timeline_item(
                current_user, item, form.offset, form.expected_version
            ),
            _("Fasen eller bølgen er flyttet."),
        )
    else:
        flash(_("Fasen eller bølgen blev ikke flyttet. Indlæs siden igen."), "error")
    return redirect(_setup_url(slug, "tidsplan"))


@bp.post("/programmes/<slug>/timeline/<int:timeline_id>/delete")
def delete_timeline_item(slug, timeline_id):
    programme = services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    item = setup.get_timeline_item(programme, timeline_id)
    form = VersionForm()
    if form.validate():
        commit_or_flash(
            lambda: setup.delete_timeline_item(current_user, item, form.expected_version),
            _("Fasen eller bølgen er slettet."),
        )
    else:
        flash(_("Fasen eller bølgen blev ikke slettet. Indlæs siden igen."), "error")
    return redirect(_setup_url(slug, "tidsplan"))


# ------------------------------------------------------------------ the first budget


@bp.route("/programmes/<slug>/budget/first", methods=["GET", "POST"])
def first_budget(slug):
    programme = services.get_programme_for(current_user, slug, Action.REBASELINE)
    if budget_services.latest_baseline(programme.id) is not None:
        flash(
            _("Programmet har allerede et godkendt budget. Registrér en ny budgetversion."), "info"
        )
        return redirect(url_for("budgets.rebaseline", slug=slug))
    form = FirstBudgetForm()
    label = form.cross_cutting_label.data if form.is_submitted() else ""
    rows = first_budget_service.first_rows(programme, label)
    periods = first_budget_service.first_periods(programme)
    raw = {
        (row.key, period): request.form.get(f"cell-{row.key}-{period}", "")
        for row in rows
        for period in periods
    }
    cell_errors: dict[tuple[str, str], str] = {}
    amounts = {}
    status = 200
    if form.is_submitted():
        for key, text in raw.items():
            try:
                amounts[key] = parse_amount(text)
            except ValueError as error:
                cell_errors[key] = str(error)
        if form.validate() and not cell_errors and form.approved_on.data is not None:
            try:
                baseline = first_budget_service.create_first_baseline(
                    current_user,
                    programme,
                    approved_on=form.approved_on.data,
                    approved_by=form.approved_by.data or "",
                    decision=form.decision.data or "",
                    document=form.document.data or "",
                    cross_cutting_label=form.cross_cutting_label.data or "",
                    amounts=amounts,
                )
                db.session.commit()
            except RuleViolation as error:
                db.session.rollback()
                placed = False
                for name, messages in error.errors.items():
                    if name in form._fields:
                        form[name].errors = list(form[name].errors) + messages
                        placed = True
                    else:
                        form.form_errors.extend(messages)
                        placed = True
                if not placed:
                    form.form_errors.append(error.message)
                status = 422
            else:
                count = sum(1 for v in amounts.values() if v is not None)
                flash(
                    ngettext(
                        "Det første godkendte budget (version %(n)d) er registreret med"
                        " %(num)d beløb.",
                        "Det første godkendte budget (version %(n)d) er registreret med"
                        " %(num)d beløb.",
                        count,
                        n=baseline.number,
                    ),
                    "success",
                )
                return redirect(url_for("budgets.index", slug=slug))
        else:
            status = 422
    return render_template(
        "programmes/setup/first_budget.html",
        programme=programme,
        form=form,
        rows=rows,
        periods=periods,
        raw=raw,
        cell_errors=cell_errors,
    ), status
