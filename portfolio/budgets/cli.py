"""`flask export budget` and `flask import budget`: the budget workbook from the shell."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portfolio.auth import services as auth_services
from portfolio.budgets import transfer
from portfolio.budgets.excel_texts import LOCALES
from portfolio.budgets.models import BudgetKind
from portfolio.core.errors import DomainError
from portfolio.extensions import db
from portfolio.programmes import services as programme_services

export_cli = AppGroup("export", help="Write files from the data.")
import_cli = AppGroup("import", help="Read files into the data.")


class _Operator:
    """The operator at the shell: may read everything (the shell grants the database)."""

    is_authenticated = True
    is_active = True
    is_admin = True
    id = None
    email = "cli"
    memberships = ()


def _user(email: str | None):
    if email is None:
        return _Operator()
    user = auth_services.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user {email}.")
    return user


@export_cli.command("budget")
@click.argument("slug")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: exports/<slug>-budget-<date>.xlsx).",
)
@click.option("--as", "email", help="Export as this user (checks their access).")
@click.option(
    "--lang",
    type=click.Choice(LOCALES),
    default="da",
    show_default=True,
    help="Language of the workbook's sheet names, headers and notes.",
)
def export_budget_command(slug, output, email, lang):
    """Write a programme's budget workbook (Excel)."""
    try:
        programme = programme_services.get_programme(slug)
        exported = transfer.export_budget(_user(email), programme, locale=lang)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    path = output or Path(current_app.config["EXPORT_DIR"]) / exported.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_bytes(exported.content)
    temporary.replace(path)
    click.echo(f"Wrote {path} ({len(exported.content):,} bytes).")


@import_cli.command("budget")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["forecast", "actual"]), required=True)
@click.option(
    "--as",
    "email",
    required=True,
    help="The user the import is made as and recorded for (needs the right).",
)
@click.option(
    "--lang",
    type=click.Choice(LOCALES),
    default="da",
    show_default=True,
    help="Language of the problems reported (the workbook may be in either language).",
)
def import_budget_command(slug, file, kind, email, lang):
    """Import forecast or actual spend from a budget workbook; all or nothing."""
    user = _user(email)
    try:
        programme = programme_services.get_programme(slug)
        outcome = transfer.import_budget(
            user, programme, BudgetKind(kind), file.name, file.read_bytes(), locale=lang
        )
        db.session.commit()
    except transfer.ImportRefused as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        raise click.ClickException(
            f"{error.message} ({len(error.problems)} problem(er); intet er gemt)"
        ) from error
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    if outcome.unchanged:
        click.echo("No changes: the figures were already the same.")
    else:
        click.echo(f"Imported {kind} from {file.name}: {len(outcome.changes)} cells changed.")
