"""Annex pages: the list with its order, the forms (with the file upload) and the download.

An annex form's request may be as large as ANNEX_MAX_BYTES plus the form's other fields;
every other request keeps MAX_CONTENT_LENGTH. The limit is raised for these routes before
anything reads the request (a URL value preprocessor runs before the CSRF check, which
reads the form). A request above it is answered with the form again, saying in Danish how
large a file may be, with status 413, rather than with a bare error page.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from portfolio.audit.services import history_of
from portfolio.auth.permissions import Action, can
from portfolio.core.errorpages import error_response
from portfolio.core.errors import DomainError, RuleViolation
from portfolio.core.forms import commit_or_flash, save_form
from portfolio.organisation.forms import DeleteForm, MoveForm
from portfolio.programmes import annexes as services
from portfolio.programmes import services as programme_services
from portfolio.programmes.annex_files import (
    CheckedFile,
    check_file,
    content_disposition,
    too_large_message,
)

bp = Blueprint("annexes", __name__, url_prefix="/programmes/<slug>/annexes")

# Room for the form's other fields and the multipart boundaries beside the file.
FORM_OVERHEAD = 256 * 1024
_UPLOADS = {"annexes.new", "annexes.edit"}


def _max_bytes() -> int:
    return int(current_app.config["ANNEX_MAX_BYTES"])


@bp.url_value_preprocessor
def allow_large_uploads(endpoint, values):
    if endpoint in _UPLOADS and request.method == "POST":
        request.max_content_length = _max_bytes() + FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """An upload above the limit: the form again, with the limit in words (413)."""
    slug = (request.view_args or {}).get("slug", "")
    annex_id = (request.view_args or {}).get("annex_id")
    try:
        programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
        annex = services.get_annex(programme, annex_id) if annex_id is not None else None
    except DomainError:
        # Not someone who may upload here (or nothing to upload to): the plain answer.
        return error_response(413)
    form = services.AnnexForm(formdata=None, obj=annex) if annex else services.NewAnnexForm(None)
    form.file.errors = [too_large_message(_max_bytes())]
    form.form_errors.append(_("Bilaget er ikke gemt: filen er for stor."))
    return render_template(
        "programmes/annex_edit.html",
        form=form,
        conflict=None,
        programme=programme,
        annex=annex,
        max_mb=_max_bytes() // (1024 * 1024),
    ), 413


@bp.app_template_filter("filesize")
def filesize(size: int | None) -> str:
    """A file's size in kB or MB, in the user's language (1,2 MB)."""
    if size is None:
        return "–"
    if size < 1024 * 1024:
        return _("%(n)s kB", n=format_decimal(max(1, round(size / 1024))))
    return _("%(n)s MB", n=format_decimal(round(size / (1024 * 1024), 1)))


def _checked_upload(form) -> CheckedFile | None:
    """The form's file, checked (RuleViolation on the field when refused), or None."""
    storage = form.file.data
    if storage is None or not getattr(storage, "filename", None):
        return None
    limit = _max_bytes()
    content = storage.stream.read(limit + 1)
    return check_file(storage.filename, content, limit)


@bp.get("/")
def index(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    annexes = services.list_annexes(programme.id)
    return render_template(
        "programmes/annexes.html",
        programme=programme,
        annexes=annexes,
        can_edit=can(current_user, Action.EDIT_PROGRAMME, programme),
        move_form=MoveForm(formdata=None),
    )


@bp.route("/new", methods=["GET", "POST"])
def new(slug):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    form = services.NewAnnexForm()

    def save():
        return services.create_annex(current_user, programme, form.changes(), _checked_upload(form))

    return save_form(
        form,
        save,
        template="programmes/annex_edit.html",
        success_url=url_for("annexes.index", slug=slug),
        success_message=_("Bilaget er oprettet."),
        programme=programme,
        annex=None,
        max_mb=_max_bytes() // (1024 * 1024),
    )


@bp.route("/<int:annex_id>/edit", methods=["GET", "POST"])
def edit(slug, annex_id):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    annex = services.get_annex(programme, annex_id)
    form = services.AnnexForm(obj=annex)
    if not form.is_submitted():
        form.remove_file.data = False

    def save():
        checked = _checked_upload(form)
        if checked is not None and form.remove_file.data:
            message = _("Vælg enten en ny fil eller at fjerne den nuværende, ikke begge.")
            raise RuleViolation(message, errors={"remove_file": [message]})
        return services.update_annex(
            current_user,
            annex,
            form.changes(),
            form.expected_version,
            checked=checked,
            remove_file=bool(form.remove_file.data),
        )

    return save_form(
        form,
        save,
        template="programmes/annex_edit.html",
        success_url=url_for("annexes.index", slug=slug),
        success_message=_("Bilaget er gemt."),
        programme=programme,
        annex=annex,
        max_mb=_max_bytes() // (1024 * 1024),
        history=history_of(annex),
    )


@bp.route("/<int:annex_id>/delete", methods=["GET", "POST"])
def delete(slug, annex_id):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    annex = services.get_annex(programme, annex_id)
    form = DeleteForm()
    status = 200
    if form.is_submitted():
        if form.validate() and commit_or_flash(
            lambda: services.delete_annex(current_user, annex), _("Bilaget er slettet.")
        ):
            return redirect(url_for("annexes.index", slug=slug))
        status = 422
    what = (
        _("Bilaget »%(title)s« slettes med sin fil.", title=annex.title)
        if annex.has_file
        else _("Bilaget »%(title)s« slettes.", title=annex.title)
    )
    return render_template(
        "organisation/delete.html",
        programme=programme,
        active="programmes.show",
        heading=_("Slet bilag"),
        what=what,
        form=form,
        cancel_url=url_for("annexes.edit", slug=slug, annex_id=annex_id),
    ), status


@bp.post("/<int:annex_id>/move")
def move(slug, annex_id):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    annex = services.get_annex(programme, annex_id)
    form = MoveForm()
    if form.validate():
        commit_or_flash(
            lambda: services.move_annex(current_user, annex, form.step), _("Bilaget er flyttet.")
        )
    else:
        flash(_("Vælg op eller ned."), "error")
    return redirect(url_for("annexes.index", slug=slug) + f"#bilag-{annex_id}")


@bp.get("/<int:annex_id>/file")
def download(slug, annex_id):
    """The annex's file, for whoever may see the programme: always as a download, of the
    type it was checked to be, never run or shown by the browser, never kept by a proxy."""
    programme = programme_services.get_programme_for(current_user, slug)
    annex = services.get_annex(programme, annex_id, with_content=True)
    if not annex.has_file or annex.file_content is None:
        return redirect(url_for("annexes.index", slug=slug))
    response = Response(annex.file_content, mimetype=None)
    response.headers["Content-Type"] = annex.file_type or "application/octet-stream"
    response.headers["Content-Disposition"] = content_disposition(annex.file_name or "bilag")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Length"] = str(len(annex.file_content))
    response.headers["ETag"] = f'"{annex.file_sha256}"'
    return response
