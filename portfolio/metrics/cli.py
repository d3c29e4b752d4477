"""`flask sources …`: list the metric adapters and preview or check a source.

Options are given as `--option KEY=VALUE`, repeated. VALUE is read as JSON when it is valid
JSON (numbers, true/false/null, "quoted text", [lists], {objects}) and as plain text
otherwise, so `table=STRAF42` and `variables=HERKOMST1=00;Tid=2023` need no quoting while
`suppression_markers=["<5",".."]` gives a list. A dotted KEY sets one entry of a mapping:
`--option parameters.year=2023` or `--option status_map.x=suppressed`.
"""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import AppGroup

from portfolio.metrics.adapters import available_adapters
from portfolio.metrics.adapters.base import DEFAULT_TIMEOUT, SourceError, log_source_error
from portfolio.metrics.observations import FetchResult
from portfolio.metrics.services import check_source, observations_to_json, preview_source

sources_cli = AppGroup("sources", help="Metric sources: list adapters, preview and check sources.")


def parse_option_pairs(pairs: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """Turn repeated KEY=VALUE texts into a config dict; raise click.UsageError if malformed."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise click.UsageError(f"--option must be KEY=VALUE, got {pair!r}")
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        except RecursionError:  # nested deeper than Python's limit: no config is
            raise click.UsageError(f"--option {key}: the JSON is nested too deeply") from None
        target = options
        *parents, leaf = key.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
            if not isinstance(target, dict):
                raise click.UsageError(f"--option {key}: {parent} is already set to a value")
        if leaf in target:
            raise click.UsageError(f"--option {key} is given more than once")
        target[leaf] = value
    return options


def _common(func):
    for decorator in reversed(
        [
            click.option(
                "--type", "source_type", required=True, help="Adapter type, e.g. jsonstat."
            ),
            click.option("--location", default=None, help="URL, file path or database URL."),
            click.option(
                "--option",
                "option_pairs",
                multiple=True,
                metavar="KEY=VALUE",
                help="A config option (repeatable; VALUE may be JSON).",
            ),
            click.option(
                "--timeout",
                type=click.FloatRange(min=0, min_open=True),
                default=DEFAULT_TIMEOUT,
                show_default=True,
                help="Seconds the whole fetch may take.",
            ),
        ]
    ):
        func = decorator(func)
    return func


def _table(result: FetchResult) -> str:
    rows = [
        (
            o.period,
            ", ".join(f"{k}={v}" for k, v in o.dimensions.items()),
            "" if o.value is None else str(o.value),
            o.status.value,
            o.raw_status or "",
        )
        for o in result.observations
    ]
    header = ("period", "dimensions", "value", "status", "raw_status")
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    lines = []
    for number, row in enumerate([header, *rows]):
        cells = [
            cell.rjust(width) if index == 2 and number else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


@sources_cli.command("list")
def list_command():
    """List the metric adapters and whether each can run here."""
    for info in available_adapters():
        state = "enabled" if info.enabled else f"disabled: {info.reason}"
        click.echo(f"{info.type}\t{info.label}\t{state}")


@sources_cli.command("preview")
@_common
@click.option("--json", "as_json", is_flag=True, help="Print the observations as JSON.")
def preview_command(source_type, location, option_pairs, timeout, as_json):
    """Fetch a source and print its normalised observations (nothing is stored)."""
    options = parse_option_pairs(option_pairs)
    try:
        result = preview_source(source_type, location, options, timeout=timeout)
    except SourceError as error:
        # The message never holds what the source said; the detail goes to the log.
        log_source_error(error, f"{source_type} preview")
        raise click.ClickException(error.message) from None
    if as_json:
        click.echo(observations_to_json(result.observations))
        return
    click.echo(_table(result))
    counts = ", ".join(f"{status.value}: {n}" for status, n in result.status_counts().items())
    click.echo("")
    click.echo(f"{len(result.observations)} observations ({counts or 'none'})")
    if result.unit:
        click.echo(f"unit: {result.unit}")
    if result.revision:
        click.echo(f"revision: {result.revision}")
    for note in result.notes:
        click.echo(f"note: {note}")


@sources_cli.command("check")
@_common
def check_command(source_type, location, option_pairs, timeout):
    """Check that a source can be read with these settings."""
    options = parse_option_pairs(option_pairs)
    check = check_source(source_type, location, options, timeout=timeout)
    if not check.ok:
        raise click.ClickException(check.message)
    click.echo(check.message)


metrics_cli = AppGroup("metrics", help="Metrics: refresh them from their sources.")


@metrics_cli.command("refresh")
@click.option("--metric", "metric_key", default=None, help="Refresh this metric now (forced).")
@click.option(
    "--all", "every", is_flag=True, help="Refresh every metric, due or not, paused or not."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 128),
    default=None,
    help="Sources fetched at once (default METRICS_REFRESH_WORKERS, else 32).",
)
@click.option("--no-mail", is_flag=True, help="Skip the mail step (reminders and the outbox).")
def refresh_command(metric_key, every, workers, no_mail):
    """Fetch the due metrics from their sources and store what changed."""
    from portfolio.metrics.refresh import RefreshLocked, refresh_due

    if metric_key and every:
        raise click.UsageError("--metric and --all cannot be combined")
    bar = None

    def start(count: int) -> None:
        nonlocal bar
        bar = click.progressbar(length=count, label="Refreshing metrics", file=None)
        bar.__enter__()

    try:
        report = refresh_due(
            metric_key=metric_key,
            every=every,
            workers=workers,
            on_start=start,
            progress=lambda n: bar.update(n),
        )
    except RefreshLocked as error:
        raise click.ClickException(
            f"Another metrics refresh is running ({error}); this one did nothing."
        ) from None
    except LookupError:
        raise click.ClickException(f"No metric has the key {metric_key!r}.") from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    click.echo(
        f"Refreshed {len(report.succeeded)} of {len(report.outcomes)} metrics in "
        f"{report.seconds:.1f} s: {report.new} new and {report.revised} revised observations."
    )
    if report.paused_skipped:
        click.echo(
            f"Skipped {len(report.paused_skipped)} due metrics of paused sources "
            "(refresh one with --metric KEY to resume its source)."
        )
    for key in report.sources_paused:
        click.echo(f"Paused source {key} after repeated failures.")
    for outcome in report.failed:
        click.echo(f"failed: {outcome.key}: {outcome.error}", err=True)
    if not no_mail:
        # The same job sends the mail (never a request): reminders, then the outbox.
        from portfolio.mail.cli import run_mail_step

        click.echo(run_mail_step())
    if report.failed:
        raise SystemExit(1)
