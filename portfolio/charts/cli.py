"""`flask charts prune`: drop stored charts nobody has asked for in a while.

Chart keys change whenever the data does, and a timeline's key holds the day, so the
`chart_cache` table only grows; docs/deploy.md schedules this command daily.
"""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from portfolio.charts.cache import prune_chart_cache

charts_cli = AppGroup("charts", help="The stored charts.")


@charts_cli.command("prune")
@click.option(
    "--older-than-days",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Delete charts stored more than this many days ago (they are drawn again if needed).",
)
def prune_command(older_than_days: int) -> None:
    """Delete stored charts older than the given number of days."""
    removed = prune_chart_cache(dt.timedelta(days=older_than_days))
    click.echo(f"Pruned {removed} stored charts older than {older_than_days} days.")
