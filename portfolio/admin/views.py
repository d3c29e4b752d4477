"""Administration pages: users and roles, and the audit log."""

import datetime as dt

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.admin import services
from portfolio.admin.forms import (
    AuditFilterForm,
    ConfirmProgrammeFileForm,
    GroupRoleForm,
    MembershipForm,
    NewUserForm,
    ProgrammeFileForm,
    UserForm,
)
from portfolio.audit import presentation as audit_presentation
from portfolio.audit.services import history_of
from portfolio.auth import services as auth_services
from portfolio.auth.models import Role
from portfolio.auth.permissions import Action, require
from portfolio.benefits.models import Benefit
from portfolio.core.errors import RuleViolation
from portfolio.core.forms import options, save_form
from portfolio.core.pagination import Page, requested_page
from portfolio.extensions import db
from portfolio.programmes.models import Programme, Track
from portfolio.seed.programme_file import ProgrammeFileError, decode_programme_file

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def only_admins():
    require(current_user, Action.MANAGE_USERS)


@bp.get("/users")
def users():
    return render_template("admin/users.html", users=services.list_users(current_user))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = NewUserForm()
    return save_form(
        form,
        lambda: services.create_user(
            current_user,
            email=form.email.data,
            name=form.name.data,
            password=form.password.data,
            is_admin=form.is_admin.data,
        ),
        template="admin/user_new.html",
        success_url=lambda user: url_for("admin.user", user_id=user.id),
        success_message=_("Brugeren er oprettet."),
    )


def _membership_form() -> MembershipForm:
    form = MembershipForm(prefix="m")
    programmes = db.session.scalars(db.select(Programme).order_by(Programme.name)).all()
    tracks = db.session.scalars(db.select(Track).order_by(Track.programme_id, Track.number)).all()
    benefits = db.session.scalars(
        db.select(Benefit).order_by(Benefit.programme_id, Benefit.code)
    ).all()
    short = {p.id: p.short_name for p in programmes}
    form.programme_id.choices = options(
        [("", _("Alle programmer"))] + [(str(p.id), p.name) for p in programmes]
    )
    form.track_id.choices = options(
        [("", "–")] + [(str(t.id), f"{short[t.programme_id]}: {t.label}") for t in tracks]
    )
    form.benefit_id.choices = options(
        [("", "–")] + [(str(b.id), f"{short[b.programme_id]}: {b.code} {b.name}") for b in benefits]
    )
    return form


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id):
    user = auth_services.get_user(user_id)
    form = UserForm(obj=user)
    return save_form(
        form,
        lambda: services.update_user(current_user, user, form.changes(), form.expected_version),
        template="admin/user.html",
        success_url=url_for("admin.user", user_id=user_id),
        success_message=_("Brugeren er gemt."),
        user=user,
        membership_form=_membership_form(),
        tokens=auth_services.list_tokens(user),
        history=history_of(user),
    )


@bp.post("/users/<int:user_id>/memberships")
def add_membership(user_id):
    user = auth_services.get_user(user_id)
    form = _membership_form()
    if form.validate():
        try:
            services.grant(
                current_user,
                user,
                role=form.role.data,
                programme_id=form.programme_id.data,
                track_id=form.track_id.data,
                benefit_id=form.benefit_id.data,
            )
            db.session.commit()
        except RuleViolation as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Rollen er tildelt."), "success")
            return redirect(url_for("admin.user", user_id=user_id))
    else:
        flash(_("Rollen blev ikke tildelt. Vælg rolle og program."), "error")
    page = render_template(
        "admin/user.html",
        user=user,
        form=UserForm(obj=user),
        membership_form=form,
        conflict=None,
        tokens=auth_services.list_tokens(user),
        history=history_of(user),
    )
    return page, 422


@bp.post("/users/<int:user_id>/memberships/<int:membership_id>/delete")
def remove_membership(user_id, membership_id):
    user = auth_services.get_user(user_id)
    services.revoke(current_user, user, membership_id)
    db.session.commit()
    flash(_("Rollen er fjernet."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id):
    """Give the user a generated password and show it on this one page, once."""
    user = auth_services.get_user(user_id)
    try:
        password = services.reset_password(current_user, user)
        db.session.commit()
    except RuleViolation as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("admin.user", user_id=user_id))
    # 201 and the page itself rather than a redirect: the password must not travel in the
    # session cookie or an address, and no cache or back button may keep a copy.
    response = make_response(
        render_template("admin/password_reset.html", user=user, password=password), 201
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
def revoke_token(user_id, token_id):
    user = auth_services.get_user(user_id)
    token = services.revoke_token(current_user, user, token_id)
    db.session.commit()
    flash(_("Tokenet »%(name)s« er tilbagekaldt.", name=token.name), "success")
    return redirect(url_for("admin.user", user_id=user_id))


def _report_lines(counter) -> list[tuple[str, int]]:
    """Name each kind of object as the history does, in alphabetical order."""
    return sorted((audit_presentation.entity_name(table), n) for table, n in counter.items() if n)


def _programme_file_page(form, *, report=None, text=None, problems=(), status=200):
    return render_template(
        "admin/programme_file.html",
        form=form,
        confirm_form=ConfirmProgrammeFileForm(formdata=None, text=text) if text else None,
        report=report,
        created=_report_lines(report.created) if report else [],
        updated=_report_lines(report.updated) if report else [],
        problems=problems,
    ), status


@bp.route("/programme-file", methods=["GET", "POST"])
def programme_file():
    """Upload a programme file and see what importing it would create and change."""
    form = ProgrammeFileForm()
    if not form.validate_on_submit():
        return _programme_file_page(form, status=422 if form.is_submitted() else 200)
    try:
        text = decode_programme_file(form.file.data.read())
        report = services.import_programme_file(current_user, text, apply=False)
    except ProgrammeFileError as error:
        return _programme_file_page(form, problems=error.problems, status=422)
    return _programme_file_page(form, report=report, text=text if report.changed else None)


@bp.post("/programme-file/confirm")
def confirm_programme_file():
    """Import the previewed file, in one transaction."""
    form = ConfirmProgrammeFileForm()
    if not form.validate():
        flash(_("Filen blev ikke indlæst. Vælg den igen."), "error")
        return redirect(url_for("admin.programme_file"))
    try:
        report = services.import_programme_file(current_user, form.text.data, apply=True)
        db.session.commit()
    except ProgrammeFileError as error:
        return _programme_file_page(ProgrammeFileForm(), problems=error.problems, status=422)
    names = ", ".join(report.programmes)
    if report.changed:
        flash(_("Programfilen er indlæst: %(names)s.", names=names), "success")
    else:
        flash(_("Styrbord havde allerede alt i filen; intet er ændret."), "info")
    return redirect(url_for("programmes.show", slug=report.programmes[0]))


def _audit_filters(form: AuditFilterForm) -> services.AuditFilter:
    return services.AuditFilter(
        programme_id=form.programme_id.data,
        entity=form.entity.data or None,
        actor=form.actor.data or None,
        action=form.action.data or None,
        since=form.since.data,
        until=form.until.data,
        text=form.text.data or None,
    )


def _audit_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    programmes = db.session.scalars(db.select(Programme).order_by(Programme.name)).all()
    form.programme_id.choices = options(
        [("", _("Alle"))] + [(str(p.id), p.short_name) for p in programmes]
    )
    # Offered by the names users know ("Budgetlinje"); the filter's value is the table.
    form.entity.choices = options(
        [("", _("Alle")), *audit_presentation.entity_choices(services.audit_entities())]
    )
    return form


@bp.get("/audit")
def audit():
    require(current_user, Action.VIEW_AUDIT)
    form = _audit_form()
    valid = form.validate()
    page = (
        services.audit_page(current_user, _audit_filters(form), requested_page())
        if valid
        else Page(items=[], number=1, per_page=services.PAGE_SIZE, total=0)
    )
    return render_template(
        "admin/audit.html",
        form=form,
        entries=page.items,
        total=page.total,
        page=page,
    ), 200 if valid else 422


@bp.get("/audit.csv")
def audit_csv():
    require(current_user, Action.VIEW_AUDIT)
    form = _audit_form()
    if not form.validate():
        return redirect(url_for("admin.audit", **request.args))
    body = services.audit_csv(current_user, _audit_filters(form))
    name = f"styrbord-historik-{dt.date.today().isoformat()}.csv"  # noqa: DTZ011
    return Response(
        "\ufeff" + body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _group_role_form() -> GroupRoleForm:
    form = GroupRoleForm(prefix="g")
    programmes = db.session.scalars(db.select(Programme).order_by(Programme.name)).all()
    form.programme_id.choices = options(
        [("", _("Alle programmer"))] + [(str(p.id), p.name) for p in programmes]
    )
    return form


def _group_roles_page(form: GroupRoleForm, status: int = 200):
    config = current_app.config
    page = render_template(
        "admin/group_roles.html",
        form=form,
        mappings=services.list_group_roles(current_user),
        oidc_enabled=bool(config.get("OIDC_ISSUER")),
        role_sync=config["OIDC_ROLE_SYNC"],
        groups_claim=config["OIDC_GROUPS_CLAIM"],
    )
    return page, status


@bp.get("/group-roles")
def group_roles():
    """The OIDC group → role mapping the administrators keep."""
    return _group_roles_page(_group_role_form())


@bp.post("/group-roles")
def add_group_role():
    form = _group_role_form()
    if not form.validate():
        return _group_roles_page(form, 422)
    role = form.role.data
    if not isinstance(role, Role):  # the form checked the choice; this tells mypy
        return _group_roles_page(form, 422)
    try:
        services.add_group_role(
            current_user,
            claim_value=form.claim_value.data,
            role=role,
            programme_id=form.programme_id.data,
        )
        db.session.commit()
    except RuleViolation as error:
        db.session.rollback()
        form.claim_value.errors = [
            *form.claim_value.errors,
            *error.errors.get("claim_value", [] if error.errors else [error.message]),
        ]
        return _group_roles_page(form, 422)
    flash(_("Koblingen er gemt. Den gælder fra brugernes næste login."), "success")
    return redirect(url_for("admin.group_roles"))


@bp.post("/group-roles/<int:mapping_id>/delete")
def remove_group_role(mapping_id):
    services.remove_group_role(current_user, mapping_id)
    db.session.commit()
    flash(_("Koblingen er fjernet. Den gælder fra brugernes næste login."), "success")
    return redirect(url_for("admin.group_roles"))
