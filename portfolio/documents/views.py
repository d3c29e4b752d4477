"""The programme model's documents from a programme's pages: a list, and the downloads."""

from flask import Blueprint, Response, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.core import clock
from portfolio.documents import services
from portfolio.documents.builders import KINDS, kind_titles
from portfolio.programmes import services as programme_services
from portfolio.reports.pdf import PdfUnavailable

bp = Blueprint("documents", __name__, url_prefix="/programmes/<slug>/documents")


@bp.get("")
def index(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    titles = kind_titles()
    return render_template(
        "documents/index.html",
        programme=programme,
        kinds=[(kind, titles[kind]) for kind in KINDS],
    )


@bp.get("/<document_kind>.<file_format>")
def download(slug, document_kind, file_format):
    if document_kind not in KINDS or file_format not in services.FORMATS:
        abort(404)
    programme = programme_services.get_programme_for(current_user, slug)
    document = services.build(programme, document_kind, clock.today())
    try:
        written = services.write(document, file_format)
    except PdfUnavailable:
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
    return Response(
        written.content,
        mimetype=written.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{written.filename}"'},
    )
