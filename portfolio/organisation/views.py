"""Stakeholder and governance forms (the programme page lists both)."""

from typing import cast

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audit.services import history_of
from portfolio.auth.permissions import Action, can, require
from portfolio.core.forms import commit_or_flash, options, save_form
from portfolio.organisation import services
from portfolio.organisation.forms import (
    BodyForm,
    DeleteForm,
    MemberForm,
    MoveForm,
    NewBodyForm,
    NewStakeholderForm,
    StakeholderForm,
)
from portfolio.organisation.models import GovernanceBody
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


@bp.route("/stakeholders/<int:stakeholder_id>/delete", methods=["GET", "POST"])
def delete_stakeholder(slug, stakeholder_id):
    programme = programme_services.get_programme_for(current_user, slug)
    stakeholder = services.get_stakeholder(programme, stakeholder_id)
    require(current_user, Action.EDIT_STAKEHOLDER, stakeholder)
    name = stakeholder.name
    return _delete_step(
        lambda: services.delete_stakeholder(current_user, stakeholder),
        programme=programme,
        active="organisation.stakeholders",
        heading=_("Slet interessent"),
        what=_("Interessenten »%(name)s« fjernes fra programmets liste.", name=name),
        done=_("Interessenten er slettet."),
        back_url=url_for("organisation.stakeholders", slug=slug),
        cancel_url=url_for(
            "organisation.edit_stakeholder", slug=slug, stakeholder_id=stakeholder_id
        ),
    )


def _delete_step(delete, *, programme, active, heading, what, done, back_url, cancel_url):
    """Show what a deletion removes (GET); delete once the box is ticked (POST)."""
    form = DeleteForm()
    status = 200
    if form.is_submitted():
        if form.validate() and commit_or_flash(delete, done):
            return redirect(back_url)
        status = 422
    return render_template(
        "organisation/delete.html",
        programme=programme,
        active=active,
        heading=heading,
        what=what,
        form=form,
        cancel_url=cancel_url,
    ), status


# --- Governance bodies and their members ------------------------------------------------

# The body's page holds its own form and the one adding a member: their fields (both have a
# "name") need ids of their own.
MEMBER_PREFIX = "member"


def _body_choices(form, programme, body=None) -> None:
    below = services.self_and_below(programme, body) if body is not None else set()
    form.parent_id.choices = options(
        [("", _("Intet (øverst)"))]
        + [
            (str(b.id), "\u2003" * depth + b.name)
            for depth, b in services.governance_tree(services.governance_bodies(programme.id))
            if b.id not in below
        ]
    )
    form.track_id.choices = options(
        [("", _("Intet spor"))] + [(str(t.id), t.label) for t in programme.tracks]
    )
    form.project_id.choices = options(
        [("", _("Intet projekt"))] + [(str(p.id), f"{p.code} {p.name}") for p in programme.projects]
    )


@bp.get("/organisation/")
def bodies(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    bodies = services.governance_bodies(programme.id)
    return render_template(
        "organisation/bodies.html",
        programme=programme,
        governance=services.governance_tree(bodies),
        order=[b.id for b in bodies],
        can_edit=can(current_user, Action.EDIT_PROGRAMME, programme),
        move_form=MoveForm(),
    )


@bp.route("/organisation/new", methods=["GET", "POST"])
def new_body(slug):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    form = NewBodyForm()
    _body_choices(form, programme)
    return save_form(
        form,
        lambda: services.create_body(current_user, programme, form.changes()),
        template="organisation/body_edit.html",
        success_url=lambda body: url_for(
            "organisation.edit_body", slug=slug, body_id=cast(GovernanceBody, body).id
        ),
        success_message=_("Organet er oprettet. Tilføj dets medlemmer nedenfor."),
        programme=programme,
        body=None,
    )


@bp.route("/organisation/<int:body_id>/edit", methods=["GET", "POST"])
def edit_body(slug, body_id):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    body = services.get_body(programme, body_id)
    form = BodyForm(obj=body)
    _body_choices(form, programme, body)
    return save_form(
        form,
        lambda: services.update_body(current_user, body, form.changes(), form.expected_version),
        template="organisation/body_edit.html",
        success_url=url_for("organisation.bodies", slug=slug),
        success_message=_("Organet er gemt."),
        programme=programme,
        body=body,
        member_form=MemberForm(formdata=None, prefix=MEMBER_PREFIX),
        move_form=MoveForm(formdata=None),
        history=history_of(body),
    )


@bp.route("/organisation/<int:body_id>/delete", methods=["GET", "POST"])
def delete_body(slug, body_id):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    body = services.get_body(programme, body_id)
    members = len(body.members)
    return _delete_step(
        lambda: services.delete_body(current_user, body),
        programme=programme,
        active="organisation.bodies",
        heading=_("Slet organ"),
        what=_("Organet »%(name)s« slettes med sine %(n)d medlemmer.", name=body.name, n=members),
        done=_("Organet er slettet."),
        back_url=url_for("organisation.bodies", slug=slug),
        cancel_url=url_for("organisation.edit_body", slug=slug, body_id=body_id),
    )


@bp.post("/organisation/<int:body_id>/move")
def move_body(slug, body_id):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    body = services.get_body(programme, body_id)
    form = MoveForm()
    if form.validate():
        commit_or_flash(
            lambda: services.move_body(current_user, body, form.step), _("Organet er flyttet.")
        )
    else:
        flash(_("Vælg op eller ned."), "error")
    return redirect(url_for("organisation.bodies", slug=slug) + f"#organ-{body_id}")


@bp.post("/organisation/<int:body_id>/members")
def add_member(slug, body_id):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    body = services.get_body(programme, body_id)
    member_form = MemberForm(prefix=MEMBER_PREFIX)
    if member_form.validate() and commit_or_flash(
        lambda: services.add_member(current_user, body, member_form.changes()),
        _("Medlemmet er tilføjet."),
    ):
        return redirect(
            url_for("organisation.edit_body", slug=slug, body_id=body_id) + "#medlemmer"
        )
    form = BodyForm(obj=body)
    _body_choices(form, programme, body)
    return render_template(
        "organisation/body_edit.html",
        form=form,
        conflict=None,
        programme=programme,
        body=body,
        member_form=member_form,
        move_form=MoveForm(formdata=None),
        history=history_of(body),
    ), 422


@bp.route("/organisation/<int:body_id>/members/<int:member_id>/edit", methods=["GET", "POST"])
def edit_member(slug, body_id, member_id):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    body = services.get_body(programme, body_id)
    member = services.get_member(body, member_id)
    form = MemberForm(obj=member)
    return save_form(
        form,
        lambda: services.update_member(current_user, member, form.changes()),
        template="organisation/member_edit.html",
        success_url=url_for("organisation.edit_body", slug=slug, body_id=body_id) + "#medlemmer",
        success_message=_("Medlemmet er gemt."),
        programme=programme,
        body=body,
        member=member,
    )


@bp.route("/organisation/<int:body_id>/members/<int:member_id>/delete", methods=["GET", "POST"])
def remove_member(slug, body_id, member_id):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    body = services.get_body(programme, body_id)
    member = services.get_member(body, member_id)
    edit_url = url_for("organisation.edit_body", slug=slug, body_id=body_id)
    return _delete_step(
        lambda: services.remove_member(current_user, member),
        programme=programme,
        active="organisation.bodies",
        heading=_("Fjern medlem"),
        what=_("»%(name)s« fjernes fra »%(body)s«.", name=member.name, body=body.name),
        done=_("Medlemmet er fjernet."),
        back_url=edit_url + "#medlemmer",
        cancel_url=edit_url,
    )


@bp.post("/organisation/<int:body_id>/members/<int:member_id>/move")
def move_member(slug, body_id, member_id):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    body = services.get_body(programme, body_id)
    member = services.get_member(body, member_id)
    form = MoveForm()
    if form.validate():
        commit_or_flash(
            lambda: services.move_member(current_user, member, form.step),
            _("Medlemmet er flyttet."),
        )
    else:
        flash(_("Vælg op eller ned."), "error")
    return redirect(url_for("organisation.edit_body", slug=slug, body_id=body_id) + "#medlemmer")
