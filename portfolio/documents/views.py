"""The programme model's documents from a programme's pages: today's, the issued ones, and
the lessons learned the evaluation report carries."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.auth.permissions import Action, can
from portfolio.core import clock
from portfolio.core.forms import commit_or_flash, save_form
from portfolio.core.urls import id_arg
from portfolio.documents import services
from portfolio.documents.builders import KINDS, NEEDS_REPORT, kind_titles
from portfolio.documents.forms import DeleteLessonForm, IssueForm, LessonForm, NewLessonForm
from portfolio.programmes import services as programme_services
from portfolio.reports import services as report_services
from portfolio.reports.pdf import PdfUnavailable

bp = Blueprint("documents", __name__, url_prefix="/programmes/<slug>/documents")


def _pdf_unavailable():
    return render_template(
        "errors/error.html",
        status=503,
        title=_("PDF kan ikke dannes her"),
        message=_(
            "Serveren mangler tekstbiblioteket Pango, som PDF-dannelsen bruger. "
            "Hent dokumentet som Word i stedet."
        ),
        plain=True,
    ), 503


def _attachment(written) -> Response:
    return Response(
        written.content,
        mimetype=written.mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{written.filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def _issue_form(programme) -> IssueForm:
    form = IssueForm()
    form.report_id.choices = [("", _("Intet møde"))] + [
        (str(r.id), r.title) for r in report_services.list_reports(programme)
    ]
    return form


@bp.get("")
def index(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    titles = kind_titles()
    return render_template(
        "documents/index.html",
        programme=programme,
        kinds=[(kind, titles[kind]) for kind in KINDS],
        needs_report=NEEDS_REPORT,
        has_reports=bool(report_services.list_reports(programme)),
        issued=services.list_issued(programme),
        lessons=services.list_lessons(programme),
        form=_issue_form(programme),
        can_issue=can(current_user, Action.ISSUE_DOCUMENTS, programme),
        can_edit=can(current_user, Action.EDIT_PROGRAMME, programme),
        titles=titles,
    )


@bp.get("/<document_kind>.<file_format>")
def download(slug, document_kind, file_format):
    if document_kind not in KINDS or file_format not in services.FORMATS:
        abort(404)
    programme = programme_services.get_programme_for(current_user, slug)
    report_id = request.args.get("report", type=id_arg)
    report = report_services.get_report(programme, report_id) if report_id else None
    try:
        document = services.build(programme, document_kind, clock.today(), report)
        return _attachment(services.write(document, file_format))
    except PdfUnavailable:
        return _pdf_unavailable()


@bp.post("/<document_kind>/issue")
def issue(slug, document_kind):
    if document_kind not in KINDS:
        abort(404)
    programme = programme_services.get_programme_for(current_user, slug, Action.ISSUE_DOCUMENTS)
    form = _issue_form(programme)
    if not form.validate():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for("documents.index", slug=slug))
    report = (
        report_services.get_report(programme, form.report_id.data) if form.report_id.data else None
    )
    title = kind_titles()[document_kind]
    commit_or_flash(
        lambda: services.issue(
            current_user,
            programme,
            document_kind,
            today=clock.today(),
            report=report,
            version_label=form.version_label.data,
            note=form.note.data or "",
        ),
        _(
            "%(title)s er udstedt og frosset; senere ændringer i data påvirker den ikke.",
            title=title,
        ),
    )
    return redirect(url_for("documents.index", slug=slug) + "#issued")


@bp.get("/issued/<int:issued_id>.<file_format>")
def issued_file(slug, issued_id, file_format):
    programme = programme_services.get_programme_for(current_user, slug)
    issued = services.get_issued(programme, issued_id)
    return _attachment(services.issued_file(issued, file_format))


@bp.route("/lessons/new", methods=["GET", "POST"])
def new_lesson(slug):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    form = NewLessonForm()
    return save_form(
        form,
        lambda: services.create_lesson(current_user, programme, form.changes()),
        template="documents/lesson_edit.html",
        success_url=url_for("documents.index", slug=slug) + "#lessons",
        success_message=_("Erfaringen er gemt."),
        programme=programme,
        lesson=None,
    )


@bp.route("/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
def edit_lesson(slug, lesson_id):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    lesson = services.get_lesson(programme, lesson_id)
    form = LessonForm(obj=lesson) if request.method == "GET" else LessonForm()
    if request.method == "GET":
        form.version.data = lesson.version
    return save_form(
        form,
        lambda: services.update_lesson(current_user, lesson, form.changes(), form.expected_version),
        template="documents/lesson_edit.html",
        success_url=url_for("documents.index", slug=slug) + "#lessons",
        success_message=_("Erfaringen er gemt."),
        programme=programme,
        lesson=lesson,
        delete_form=DeleteLessonForm(),
    )


@bp.post("/lessons/<int:lesson_id>/delete")
def delete_lesson(slug, lesson_id):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_PROGRAMME)
    lesson = services.get_lesson(programme, lesson_id)
    if DeleteLessonForm().validate():
        commit_or_flash(
            lambda: services.delete_lesson(current_user, lesson), _("Erfaringen er slettet.")
        )
    return redirect(url_for("documents.index", slug=slug) + "#lessons")
