"""`flask mail …`: send the outbox, queue reminders, invite, and put a message back."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portfolio.auth import services as auth_services
from portfolio.core.clock import today
from portfolio.core.errors import DomainError
from portfolio.extensions import db

mail_cli = AppGroup("mail", help="Mail: queue reminders and send the outbox.")


def run_mail_step() -> str:
    """The scheduled job's mail step: queue today's reminders, then send what is due."""
    from portfolio.mail.services import queue_reminders, send_outbox

    queued = queue_reminders(today())
    report = send_outbox()
    line = (
        f"Mail: {queued} reminders queued; {report.sent} sent, {report.retrying} to retry,"
        f" {report.failed} failed, {report.uncertain} uncertain."
    )
    from flask import current_app

    if not current_app.config.get("MAIL_SERVER"):
        line += " MAIL_SERVER is not set: nothing was sent."
    return line


@mail_cli.command("send")
def send_command():
    """Queue the reminders that are due and send the outbox (the timer runs this too)."""
    click.echo(run_mail_step())


@mail_cli.command("requeue")
@click.argument("message_id", type=int)
def requeue_command(message_id):
    """Send an uncertain or failed message again (check first that it never arrived)."""
    from portfolio.mail.services import requeue

    try:
        requeue(message_id)
        db.session.commit()
    except LookupError:
        raise click.ClickException(f"No message {message_id} in the outbox.") from None
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Message {message_id} is queued again.")


@mail_cli.command("invite")
@click.argument("email")
@click.option("--as", "actor_email", required=True, help="The administrator who invites.")
def invite_command(email, actor_email):
    """Queue an invitation: a link for the user to choose their password."""
    from portfolio.mail.services import invite

    user = auth_services.get_user_by_email(email)
    actor = auth_services.get_user_by_email(actor_email)
    if user is None or actor is None:
        raise click.ClickException(f"No user {email if user is None else actor_email}.")
    try:
        invite(actor, user)
        db.session.commit()
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Invitation to {user.email} queued; the next `flask mail send` sends it.")
