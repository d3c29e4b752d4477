"""`flask export document SLUG KIND`: a programme model document as Word or PDF."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale

from portfolio.budgets.cli import export_cli
from portfolio.core import clock
from portfolio.core.errors import DomainError
from portfolio.documents import services
from portfolio.documents.builders import KINDS
from portfolio.programmes import services as programme_services
from portfolio.reports import services as report_services
from portfolio.reports.pdf import PdfUnavailable


@export_cli.command("document")
@click.argument("slug")
@click.argument("kind", type=click.Choice(KINDS))
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: exports/<slug>-<kind>-<date>.<format>).",
)
@click.option(
    "--format", "file_format", type=click.Choice(sorted(services.FORMATS)), default="docx"
)
@click.option("--lang", type=click.Choice(["da", "en"]), default="da", show_default=True)
@click.option(
    "--report",
    "report_id",
    type=int,
    help="The meeting's status report (id) a document belongs to; a steering group pack "
    "is built for the latest meeting without it.",
)
def export_document_command(slug, kind, output, file_format, lang, report_id):
    """Write one of the programme model's documents, built from the data."""
    with force_locale(lang):
        try:
            programme = programme_services.get_programme(slug)
            report = report_services.get_report(programme, report_id) if report_id else None
            document = services.build(programme, kind, clock.today(), report)
            written = services.write(document, file_format)
        except DomainError as error:
            raise click.ClickException(error.message) from error
        except PdfUnavailable as error:
            raise click.ClickException("PDF cannot be made here: WeasyPrint is missing.") from error
    path = output or Path(current_app.config["EXPORT_DIR"]) / written.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_bytes(written.content)
    temporary.replace(path)
    click.echo(f"Wrote {path} ({len(written.content):,} bytes).")
