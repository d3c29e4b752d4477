"""Pages of change requests: the list, a request with its changes, drafting, the decision."""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audit.services import history_of
from portfolio.auth.permissions import Action, can, require
from portfolio.budgets import services as budget_services
from portfolio.budgets.models import LASTING
from portfolio.changes import services
from portfolio.changes.forms import (
    ITEM_FORMS,
    ChangeRequestForm,
    DecideForm,
    ItemForm,
    NewChangeRequestForm,
    RemoveItemForm,
    SubmitForm,
)
from portfolio.changes.models import ChangeKind, ChangeRequest, ChangeStatus
from portfolio.core import clock
from portfolio.core.forms import commit_or_flash, options, save_form
from portfolio.extensions import db
from portfolio.indicators.models import Indicator
from portfolio.programmes import services as programme_services
from portfolio.programmes.models import Programme
from portfolio.status.models import Milestone

bp = Blueprint("changes", __name__, url_prefix="/programmes/<slug>/change-requests")


def _programme(slug: str) -> Programme:
    return programme_services.get_programme_for(current_user, slug)


@bp.get("")
def index(slug):
    programme = _programme(slug)
    return render_template(
        "changes/index.html",
        programme=programme,
        requests=services.list_requests(programme.id),
        can_edit=can(current_user, Action.EDIT_CHANGE_REQUEST, programme),
    )


@bp.route("/new", methods=["GET", "POST"])
def new(slug):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_CHANGE_REQUEST)
    form = NewChangeRequestForm()
    if not form.is_submitted():
        form.requested_on.data = clock.today()
    return save_form(
        form,
        lambda: services.create_request(current_user, programme, form.changes()),
        template="changes/edit.html",
        success_url=lambda r: url_for("changes.show", slug=slug, code=cast(ChangeRequest, r).code),
        success_message=_("Ændringsanmodningen er oprettet som kladde. Tilføj nu ændringerne."),
        programme=programme,
        change_request=None,
    )


@bp.route("/<code>/edit", methods=["GET", "POST"])
def edit(slug, code):
    programme = _programme(slug)
    change_request = services.get_request(programme, code)
    require(current_user, Action.EDIT_CHANGE_REQUEST, change_request)
    form = ChangeRequestForm(obj=change_request)
    return save_form(
        form,
        lambda: services.update_request(
            current_user, change_request, form.changes(), form.expected_version
        ),
        template="changes/edit.html",
        success_url=url_for("changes.show", slug=slug, code=code),
        success_message=_("Ændringsanmodningen er gemt."),
        programme=programme,
        change_request=change_request,
    )


def _item_form(programme: Programme, kind: ChangeKind, change_request: ChangeRequest) -> ItemForm:
    """A blank form proposing one kind of change, at the request's version."""
    form = ITEM_FORMS[kind](prefix=kind.value, formdata=None, version=str(change_request.version))
    _fill_choices(programme, form)
    return form


def _fill_choices(programme: Programme, form: ItemForm) -> None:
    """Offer the programme's phases, milestones, budget rows … in the form's selects."""
    kind = form.kind
    none = [("", "–")]
    if kind is ChangeKind.TIMELINE:
        form.target_id.choices = options(
            none + [(str(t.id), f"{t.name} ({t.kind.label})") for t in programme.timeline]
        )
    elif kind is ChangeKind.MILESTONE:
        rows = db.session.execute(
            sa.select(Milestone.id, Milestone.title)
            .where(Milestone.programme_id == programme.id)
            .order_by(Milestone.planned_on, Milestone.id)
        ).all()
        form.target_id.choices = options(none + [(str(i), title) for i, title in rows])
    elif kind is ChangeKind.BUDGET:
        budget_rows = budget_services.budget_rows(programme.id)
        form.target_id.choices = options(none + [(str(r.id), r.label) for r in budget_rows])
        years = budget_services.programme_years(programme)
        form.period.choices = options(
            [(y, y) for y in years] + [(LASTING, _("Varig drift (årligt)"))]
        )
    elif kind is ChangeKind.INDICATOR:
        indicators = db.session.execute(
            sa.select(Indicator.id, Indicator.code, Indicator.name)
            .where(Indicator.programme_id == programme.id)
            .order_by(Indicator.code)
        ).all()
        form.target_id.choices = options(none + [(str(i), f"{c} {n}") for i, c, n in indicators])
    elif kind is ChangeKind.DELIVERABLE:
        form.track_id.choices = options(none + [(str(t.id), t.label) for t in programme.tracks])
        form.deliverable_id.choices = options(
            none
            + [
                (str(d.id), f"{t.number}.{d.position} {d.text[:70]}")
                for t in programme.tracks
                for d in t.deliverables
            ]
        )
    else:
        form.track_id.choices = options(
            [("", _("Intet spor (tværgående)"))] + [(str(t.id), t.label) for t in programme.tracks]
        )
        form.project_id.choices = options(
            none + [(str(p.id), f"{p.code} {p.name}") for p in programme.projects]
        )


def _show(
    programme: Programme,
    change_request: ChangeRequest,
    *,
    submitted: ItemForm | None = None,
    decide_form: DecideForm | None = None,
    status: int = 200,
):
    draft = change_request.status is ChangeStatus.DRAFT
    may_edit = can(current_user, Action.EDIT_CHANGE_REQUEST, change_request)
    may_decide = can(current_user, Action.DECIDE_CHANGE_REQUEST, change_request)
    item_forms = {}
    if draft and may_edit:
        item_forms = {kind: _item_form(programme, kind, change_request) for kind in ChangeKind}
        if submitted is not None:
            item_forms[submitted.kind] = submitted
    version = str(change_request.version)
    if decide_form is None and may_decide and change_request.status.is_pending:
        decide_form = DecideForm(version=version, decided_on=clock.today())
    items = change_request.items
    return render_template(
        "changes/show.html",
        programme=programme,
        change_request=change_request,
        names=services.target_names(programme, items),
        proposal_text=services.proposal_text,
        shown_value=services.shown_value,
        item_forms=item_forms,
        open_kind=submitted.kind if submitted is not None else None,
        submit_form=SubmitForm(version=version),
        remove_form=RemoveItemForm(version=version),
        decide_form=decide_form,
        can_edit=may_edit and draft,
        can_submit=may_edit
        and change_request.status in (ChangeStatus.DRAFT, ChangeStatus.POSTPONED),
        can_decide=may_decide and change_request.status.is_pending,
        history=history_of(change_request),
    ), status


@bp.get("/<code>")
def show(slug, code):
    programme = _programme(slug)
    return _show(programme, services.get_request(programme, code))


@bp.post("/<code>/items/<change_kind>")
def add_item(slug, code, change_kind):
    programme = _programme(slug)
    change_request = services.get_request(programme, code)
    require(current_user, Action.EDIT_CHANGE_REQUEST, change_request)
    try:
        kind = ChangeKind(change_kind)
    except ValueError:
        abort(404)
    form = ITEM_FORMS[kind](prefix=kind.value)
    _fill_choices(programme, form)
    if form.validate() and commit_or_flash(
        lambda: services.add_item(
            current_user, change_request, kind, form.values(), form.expected_version
        ),
        _("Ændringen er tilføjet anmodningen."),
    ):
        return redirect(url_for("changes.show", slug=slug, code=code) + "#aendringer")
    db.session.rollback()
    return _show(programme, change_request, submitted=form, status=422)


@bp.post("/<code>/items/<int:item_id>/remove")
def remove_item(slug, code, item_id):
    programme = _programme(slug)
    change_request = services.get_request(programme, code)
    require(current_user, Action.EDIT_CHANGE_REQUEST, change_request)
    form = RemoveItemForm()
    if form.validate():
        commit_or_flash(
            lambda: services.remove_item(
                current_user, change_request, item_id, form.expected_version
            ),
            _("Ændringen er fjernet fra anmodningen."),
        )
    return redirect(url_for("changes.show", slug=slug, code=code) + "#aendringer")


@bp.post("/<code>/submit")
def submit(slug, code):
    programme = _programme(slug)
    change_request = services.get_request(programme, code)
    require(current_user, Action.EDIT_CHANGE_REQUEST, change_request)
    form = SubmitForm()
    if form.validate():
        commit_or_flash(
            lambda: services.submit(
                current_user, change_request, clock.today(), form.expected_version
            ),
            _("Anmodningen er indstillet til styregruppens beslutning."),
        )
    return redirect(url_for("changes.show", slug=slug, code=code))


@bp.post("/<code>/decide")
def decide(slug, code):
    programme = _programme(slug)
    change_request = services.get_request(programme, code)
    require(current_user, Action.DECIDE_CHANGE_REQUEST, change_request)
    form = DecideForm()
    messages = {
        ChangeStatus.APPROVED: _("Anmodningen er godkendt, og ændringerne er gennemført."),
        ChangeStatus.REJECTED: _("Anmodningen er afvist. Intet er ændret i programmet."),
        ChangeStatus.POSTPONED: _("Anmodningen er udsat. Intet er ændret i programmet."),
    }
    outcome = form.outcome.data if form.validate() else None
    if outcome is not None and commit_or_flash(
        lambda: services.decide(
            current_user,
            change_request,
            outcome,
            decided_on=form.decided_on.data,
            decision_text=form.decision_text.data or "",
            meeting=form.meeting.data or "",
            expected_version=form.expected_version,
        ),
        messages[outcome],
    ):
        return redirect(url_for("changes.show", slug=slug, code=code))
    db.session.rollback()
    change_request = services.get_request(programme, code)
    return _show(programme, change_request, decide_form=form, status=422)
