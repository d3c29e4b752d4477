"""`flask seed …` and `flask setup`: load the embedded data and prepare a first run."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from portfolio.auth import services as auth_services
from portfolio.budgets.cli import export_cli, import_cli
from portfolio.core.errors import DomainError
from portfolio.extensions import db
from portfolio.programmes import services as programme_services
from portfolio.programmes.models import Programme
from portfolio.seed.loader import SeedError, load_seed, read_seed_file

seed_cli = AppGroup("seed", help="Load data into the database.")


def _seed_ddns() -> None:
    try:
        seed = read_seed_file()
    except SeedError as error:
        raise click.ClickException(str(error)) from error
    report = load_seed(seed)
    db.session.commit()
    if report.total_created:
        created = ", ".join(f"{n} {t}" for t, n in sorted(report.created.items()))
        click.echo(f"Seeded the DDNS data: created {created}.")
    else:
        click.echo("The DDNS data is already loaded; nothing changed.")


@seed_cli.command("ddns")
def seed_ddns_command():
    """Load the DDNS programme basis and the KL initiative (idempotent)."""
    _seed_ddns()


@click.command("setup")
def setup_command():
    """Prepare an empty database: load DDNS and its demo metrics, create an administrator."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Programme)) == 0:
        _seed_ddns()
    if current_app.config.get("DEMO_METRICS", True):
        _seed_demo_metrics()
    password = auth_services.create_first_admin()
    if password is not None:
        db.session.commit()
        click.echo("")
        click.echo("Created the first administrator (shown only this once):")
        click.echo(f"  e-mail:   {auth_services.FIRST_ADMIN_EMAIL}")
        click.echo(f"  password: {password}")
        click.echo("Change it after signing in, or create your own users with")
        click.echo("  flask --app app users create EMAIL --role admin")
        click.echo("")


@seed_cli.command("synthetic")
@click.option(
    "--scale",
    type=click.IntRange(1, 1000),
    default=1,
    show_default=True,
    help="Number of synthetic programmes (100 ≈ a large agency's portfolio).",
)
def seed_synthetic_command(scale):
    """Generate a synthetic portfolio for performance measurements."""
    import time

    from portfolio.seed.synthetic import generate

    started = time.perf_counter()
    with click.progressbar(length=scale, label="Generating programmes") as bar:
        try:
            counts = generate(scale, progress=bar.update)
        except ValueError as error:
            raise click.ClickException(str(error)) from error
    seconds = time.perf_counter() - started
    click.echo(f"Generated {sum(counts.values()):,} rows in {seconds:.1f} s:")
    for table, count in sorted(counts.items()):
        click.echo(f"  {table:<22} {count:>9,}")


def _seed_demo_metrics() -> None:
    from portfolio.metrics.refresh import RefreshLocked, refresh_due
    from portfolio.seed.demo_metrics import seed_demo_metrics

    try:
        report = seed_demo_metrics()
    except LookupError as error:
        raise click.ClickException(str(error)) from error
    if report.register_built:
        click.echo("Built the demo register database from portfolio/seed/demo/register.sql.")
    if report.sources or report.metrics or report.indicators:
        click.echo(
            f"Created {report.sources} demo sources, {report.metrics} metrics and "
            f"{report.indicators} indicators (DEMODATA)."
        )
    try:
        refreshed = refresh_due(demo=True)
    except RefreshLocked:
        click.echo("A metrics refresh is running; the demo metrics will be refreshed by it.")
        return
    click.echo(
        f"Refreshed {len(refreshed.succeeded)} demo metrics: {refreshed.new} new and "
        f"{refreshed.revised} revised observations."
    )
    for outcome in refreshed.failed:
        click.echo(f"failed: {outcome.key}: {outcome.error}", err=True)


@seed_cli.command("demo-metrics")
def seed_demo_metrics_command():
    """Create the demo data platform's sources, metrics and DDNS indicators; refresh them."""
    _seed_demo_metrics()


def _counts(counter) -> str:
    return ", ".join(f"{n} {table}" for table, n in sorted(counter.items()) if n)


@export_cli.command("programme")
@click.argument("slug")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
def export_programme_command(slug, output):
    """Write a programme as a reviewable YAML programme file (docs/programme-file.md)."""
    from portfolio.seed.programme_file import export_programme

    try:
        programme = programme_services.get_programme(slug)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    text = export_programme(programme)
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.partial")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(output)
    click.echo(f"Wrote {output}.", err=True)


@import_cli.command("programme")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_programme_command(file):
    """Create or update programmes from a programme file, in one transaction."""
    from portfolio.seed.programme_file import (
        ProgrammeFileError,
        decode_programme_file,
        import_programmes,
    )

    try:
        text = decode_programme_file(file.read_bytes())
    except OSError as error:
        raise click.ClickException(f"{file}: cannot be read ({error.strerror}).") from error
    except ProgrammeFileError as error:
        raise click.ClickException(f"{file}: {error}; nothing changed.") from error
    try:
        report = import_programmes(text)
    except ProgrammeFileError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(f"{file}: {problem}", err=True)
        raise click.ClickException(
            f"{file}: {len(error.problems)} problem(s); nothing changed."
        ) from error
    except Exception:
        db.session.rollback()
        raise
    names = ", ".join(report.programmes)
    if not report.changed:
        db.session.rollback()
        click.echo(f"{file}: Styrbord already holds {names} as in the file; nothing changed.")
        return
    db.session.commit()
    parts = []
    if report.total_created:
        parts.append(f"created {_counts(report.created)}")
    if sum(report.updated.values()):
        parts.append(f"updated {_counts(report.updated)}")
    click.echo(f"{file}: imported {names}: {'; '.join(parts)}.")


@click.command("programme-schema")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of printing.",
)
def programme_schema_command(output):
    """Write the programme file's JSON Schema (docs/programme-file.schema.json)."""
    from portfolio.seed.programme_file import programme_file_schema_text

    text = programme_file_schema_text()
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.")
    else:
        click.echo(text, nl=False)
