"""Status reports: list, create, show, print, PDF, compare, approve."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.auth.permissions import Action, can, require
from portfolio.core import clock
from portfolio.core.confirmation import Confirmation
from portfolio.core.forms import commit_or_flash, save_form
from portfolio.core.i18n import format_timestamp, locale_code
from portfolio.core.responses import content_version, versioned_svg
from portfolio.core.urls import id_arg
from portfolio.extensions import db
from portfolio.programmes import services as programme_services
from portfolio.reports import services
from portfolio.reports.forms import ApproveForm, DeleteForm, NewReportForm, ReportForm
from portfolio.reports.pdf import PAGE, PAGES, PdfUnavailable, html_to_pdf, page_css

bp = Blueprint("reports", __name__, url_prefix="/programmes/<slug>/reports")


@bp.get("/")
def index(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    reports = services.list_reports(programme)
    return render_template(
        "reports/index.html",
        programme=programme,
        reports=reports,
        form=NewReportForm(meeting_on=clock.today()),
        can_manage=can(current_user, Action.MANAGE_REPORTS, programme),
    )


@bp.post("/")
def create(slug):
    programme = programme_services.get_programme_for(current_user, slug, Action.MANAGE_REPORTS)
    form = NewReportForm()
    if not form.validate():
        return render_template(
            "reports/index.html",
            programme=programme,
            reports=services.list_reports(programme),
            form=form,
            can_manage=True,
        ), 422
    report = services.create_report(
        current_user,
        programme,
        title=form.title.data,
        meeting_on=form.meeting_on.data,
        today=clock.today(),
        locale=locale_code(),
    )
    db.session.commit()
    flash(
        _("Statusrapporten er oprettet og frosset; senere ændringer i data påvirker den ikke."),
        "success",
    )
    return redirect(url_for("reports.show", slug=slug, report_id=report.id))


def _report(slug, report_id):
    programme = programme_services.get_programme_for(current_user, slug)
    return programme, services.get_report(programme, report_id)


def _render(programme, report, *, print_view=False, for_pdf=False):
    charts = {c.name: c for c in report.charts}
    return render_template(
        "reports/show.html",
        programme=programme,
        report=report,
        snapshot=report.snapshot,
        chart_urls={
            name: url_for(
                "reports.chart",
                slug=programme.slug,
                report_id=report.id,
                name=name,
                v=content_version(chart.svg),
            )
            for name, chart in charts.items()
        },
        alt_texts={name: chart.alt_text for name, chart in charts.items()},
        print_view=print_view or for_pdf,
        for_pdf=for_pdf,
        can_manage=can(current_user, Action.MANAGE_REPORTS, programme),
    )


@bp.get("/<int:report_id>")
def show(slug, report_id):
    programme, report = _report(slug, report_id)
    return _render(programme, report, print_view=request.args.get("print") == "1")


@bp.get("/<int:report_id>/charts/<name>.svg")
def chart(slug, report_id, name):
    _programme, report = _report(slug, report_id)
    chart = next((c for c in report.charts if c.name == name), None)
    if chart is None:
        abort(404)
    # Frozen with the report; the version still names the picture, so an address the
    # browser kept can never show another report's chart under a reused id.
    return versioned_svg(content_version(chart.svg), lambda: chart.svg)


@bp.get("/<int:report_id>.pdf")
def pdf(slug, report_id):
    programme, report = _report(slug, report_id)
    html = _render(programme, report, for_pdf=True)
    charts = {
        url_for("reports.chart", slug=slug, report_id=report.id, name=c.name): c.svg
        for c in report.charts
    }
    static = current_app.static_folder

    def fetch(url):
        path = urlsplit(url).path
        if path in charts:
            return charts[path], "image/svg+xml"
        if path.startswith("/static/"):
            with open(f"{static}/{path.removeprefix('/static/')}", "rb") as handle:
                return handle.read(), "text/css"
        return b"", "text/plain"  # nothing else is fetched, least of all the network

    try:
        document = html_to_pdf(
            html,
            request.url_root,
            fetch,
            css=page_css(
                page_of=_("Side %(page)s af %(pages)s", page=PAGE, pages=PAGES),
                draft_mark=None if report.is_locked else _("KLADDE – ikke godkendt"),
            ),
        )
    except PdfUnavailable:
        return render_template(
            "errors/error.html",
            status=503,
            title=_("PDF kan ikke dannes her"),
            message=_(
                "Serveren mangler tekstbiblioteket Pango, som "
                "PDF-dannelsen bruger. Brug udskriftsvisningen og "
                "browserens »Gem som PDF«."
            ),
            plain=True,
        ), 503
    name = f"{programme.slug}-statusrapport-{report.meeting_on.isoformat()}.pdf"
    return Response(
        document,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/<int:report_id>/edit", methods=["GET", "POST"])
def edit(slug, report_id):
    programme, report = _report(slug, report_id)
    require(current_user, Action.MANAGE_REPORTS, report)
    form = ReportForm(obj=report)
    return save_form(
        form,
        lambda: services.update_report(
            current_user,
            report,
            title=form.title.data,
            meeting_on=form.meeting_on.data,
            expected_version=form.expected_version,
        ),
        template="reports/edit.html",
        success_url=url_for("reports.show", slug=slug, report_id=report_id),
        success_message=_("Rapporten er gemt."),
        programme=programme,
        report=report,
    )


@bp.route("/<int:report_id>/approve", methods=["GET", "POST"])
def approve(slug, report_id):
    """Show what approving locks and what is missing (GET); approve once confirmed (POST)."""
    programme, report = _report(slug, report_id)
    require(current_user, Action.MANAGE_REPORTS, report)
    show_url = url_for("reports.show", slug=slug, report_id=report_id)
    if request.method == "GET" and report.is_locked:
        return redirect(show_url)  # approved already: nothing to confirm
    form = ApproveForm(obj=report) if request.method == "GET" else ApproveForm()
    if request.method == "POST" and form.validate():
        commit_or_flash(
            lambda: services.approve_report(current_user, report, form.expected_version),
            _("Rapporten er godkendt og låst."),
        )
        return redirect(show_url)
    return render_template(
        "_confirm.html",
        programme=programme,
        active="status.page",
        heading=_("Godkend og lås statusrapporten"),
        intro=_(
            "En godkendt statusrapport er styregruppens udgave for mødet og kan aldrig ændres. "
            "Læs rapporten igennem, før du godkender den."
        ),
        confirmation=services.approval_confirmation(report, today=clock.today()),
        form=form,
        action_url=url_for("reports.approve", slug=slug, report_id=report_id),
        button=_("Godkend og lås"),
        cancel_url=show_url,
    ), (422 if request.method == "POST" else 200)


@bp.route("/<int:report_id>/delete", methods=["GET", "POST"])
def delete(slug, report_id):
    """Show what deleting a draft loses (GET); delete it once confirmed (POST)."""
    programme, report = _report(slug, report_id)
    require(current_user, Action.MANAGE_REPORTS, report)
    show_url = url_for("reports.show", slug=slug, report_id=report_id)
    if request.method == "GET" and report.is_locked:
        return redirect(show_url)  # an approved report is kept: nothing to delete
    form = DeleteForm()
    if request.method == "POST" and form.validate():
        services.delete_report(current_user, report)
        db.session.commit()
        flash(_("Kladden er slettet."), "success")
        return redirect(url_for("reports.index", slug=slug))
    return render_template(
        "_confirm.html",
        programme=programme,
        active="status.page",
        heading=_("Slet kladden"),
        locked_heading=_("Det går tabt"),
        intro=_(
            "Kladden slettes med de tal og grafer, der blev frosset %(when)s. En ny rapport "
            "fryser dagens data, ikke dem fra dengang.",
            when=format_timestamp(report.created_at),
        ),
        confirmation=Confirmation(
            locked=[_("Kladden »%(title)s« kan ikke genskabes.", title=report.title)]
        ),
        form=form,
        action_url=url_for("reports.delete", slug=slug, report_id=report_id),
        button=_("Slet kladde"),
        cancel_url=show_url,
    ), (422 if request.method == "POST" else 200)


@bp.get("/compare")
def compare(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    first = request.args.get("a", type=id_arg)
    second = request.args.get("b", type=id_arg)
    if not first or not second or first == second:
        flash(_("Vælg to forskellige rapporter at sammenligne."), "error")
        return redirect(url_for("reports.index", slug=slug))
    comparison = services.compare_reports(
        services.get_report(programme, first), services.get_report(programme, second)
    )
    return render_template("reports/compare.html", programme=programme, comparison=comparison)
