"""`flask backup …`: write the whole database to a file, check such a file, restore it."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portfolio.audit.context import current_actor
from portfolio.backup import services
from portfolio.backup.services import BackupError, BackupSummary

backup_cli = AppGroup("backup", help="Back up the whole database to a file, and restore it.")

FILE = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))


def _size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB"):
        if value < 1024:
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def _describe(summary: BackupSummary) -> str:
    made_by = " ".join(filter(None, [summary.app, summary.app_version]))
    return (
        f"Backup of a {summary.dialect} database at schema revision"
        f" {summary.schema_revision or '(none)'},"
        f" taken {summary.created_at:%Y-%m-%d %H:%M:%S} UTC by {made_by}."
    )


def _totals(summary: BackupSummary) -> str:
    return f"{summary.table_count} tables, {summary.row_count} rows, {_size(summary.size)}"


def _per_table(summary: BackupSummary) -> None:
    width = max((len(table.name) for table in summary.tables), default=0)
    for table in summary.tables:
        click.echo(f"  {table.name:<{width}}  {table.row_count:>8}")


@backup_cli.command("create")
@FILE
def create_command(file: Path):
    """Write a consistent snapshot of every table to FILE (a new file)."""
    try:
        summary = services.create_backup(file)
    except BackupError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Wrote {summary.path}: {_totals(summary)}.")
    click.echo(f"Schema revision {summary.schema_revision or '(none)'}; content SHA-256")
    click.echo(f"  {summary.content_sha256}")


@backup_cli.command("verify")
@FILE
def verify_command(file: Path):
    """Check FILE's header and every checksum, and list its tables; change nothing."""
    try:
        summary = services.verify_backup(file)
    except BackupError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"{summary.path} is intact: {_totals(summary)}.")
    click.echo(_describe(summary))
    click.echo(f"Content SHA-256 {summary.content_sha256}")
    _per_table(summary)


@backup_cli.command("restore")
@FILE
def restore_command(file: Path):
    """Load FILE into this empty database (same schema revision), all or nothing."""
    try:
        actor = current_actor().label
        summary = services.restore_backup(file, actor=actor)
    except BackupError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Restored {summary.path}: {summary.table_count} tables, {summary.row_count} rows.")
    click.echo(_describe(summary))
    _per_table(summary)
    click.echo(f"Added one audit entry (action 'restore', by {actor!r}) recording it.")
