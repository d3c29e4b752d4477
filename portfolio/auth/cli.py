"""`flask users …`: accounts and roles from the command line (operators with shell access)."""

import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from portfolio.auth import services
from portfolio.auth.models import Membership, Role
from portfolio.core.errors import DomainError
from portfolio.extensions import db

users_cli = AppGroup("users", help="Manage user accounts and roles.")

ROLE_CHOICES = ["admin", "editor", *[r.value for r in Role]]


def _role(name: str) -> Role | None:
    """Map a CLI role name to a programme role; None means administrator.

    "editor" is kept as the name of the secretariat role, which edits everything.
    """
    if name == "admin":
        return None
    return Role.SECRETARIAT if name == "editor" else Role(name)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _apply_role(user, role_name: str, programme_slug, track_number, benefit_code) -> None:
    from portfolio.programmes import services as programme_services

    role = _role(role_name)
    if role is None:
        user.is_admin = True
        return
    programme = track = benefit = None
    if programme_slug:
        programme = programme_services.get_programme(programme_slug)
    if track_number is not None:
        if programme is None:
            raise click.UsageError("--track needs --programme")
        track = programme_services.get_track(programme, track_number)
    if benefit_code:
        if programme is None:
            raise click.UsageError("--benefit needs --programme")
        from portfolio.benefits import services as benefit_services

        benefit = benefit_services.get_benefit(programme, benefit_code)
    services.grant_role(user, role, programme=programme, track=track, benefit=benefit)


def _fail(error: DomainError):
    details = "; ".join(m for messages in getattr(error, "errors", {}).values() for m in messages)
    raise click.ClickException(f"{error.message} {details}".strip())


scope_options = [
    click.option("--programme", "programme_slug", help="Programme slug, e.g. ddns."),
    click.option("--track", "track_number", type=int, help="Track number (track leads)."),
    click.option("--benefit", "benefit_code", help="Benefit code, e.g. GH1 (benefit owners)."),
]


def with_scope(func):
    for option in reversed(scope_options):
        func = option(func)
    return func


@users_cli.command("create")
@click.argument("email")
@click.option("--role", "role_name", type=click.Choice(ROLE_CHOICES), required=True)
@click.option("--name", default="", help="Full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_scope
def create_command(
    email, role_name, name, password_stdin, programme_slug, track_number, benefit_code
):
    """Create a user with a role (password from a prompt or standard input)."""
    password = _read_password(password_stdin)
    try:
        user = services.create_user(email, password, name=name)
        _apply_role(user, role_name, programme_slug, track_number, benefit_code)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        _fail(error)
    click.echo(f"Created {user.email} ({role_name}).")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role_name", metavar="ROLE", type=click.Choice(ROLE_CHOICES))
@with_scope
def set_role_command(email, role_name, programme_slug, track_number, benefit_code):
    """Replace a user's role (in one programme, or everywhere when none is given)."""
    user = services.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user {email}.")
    try:
        from portfolio.programmes import services as programme_services

        programme_id = (
            programme_services.get_programme(programme_slug).id if programme_slug else None
        )
        if role_name == "admin":
            user.is_admin = True
        else:
            user.is_admin = False
            for membership in list(user.memberships):
                if programme_id is None or membership.programme_id == programme_id:
                    services.revoke_membership(membership)
            db.session.expire(user, ["memberships"])
            _apply_role(user, role_name, programme_slug, track_number, benefit_code)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        _fail(error)
    click.echo(f"{user.email} is now {role_name}.")


@users_cli.command("set-password")
@click.argument("email")
@click.option(
    "--generate", is_flag=True, help="Choose a random password and print it (shown once)."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_command(email, generate, password_stdin):
    """Set a user's password (prompted twice, hidden); the user's sessions and tokens end."""
    if generate and password_stdin:
        raise click.UsageError("--generate and --password-stdin exclude each other.")
    user = services.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user {email}.")
    password = None if generate else _read_password(password_stdin)
    try:
        if password is None:
            password = services.reset_password(user)
            shown = password
        else:
            services.change_password(user, password)
            shown = None
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        _fail(error)
    if shown is not None:
        # Alone on standard output, so a script can take it; the note goes to stderr.
        click.echo(shown)
    click.echo(
        f"Password set for {user.email}; their sessions and API tokens have ended.",
        err=shown is not None,
    )


@users_cli.command("list")
def list_command():
    """List users with their roles."""
    users = services.list_users()
    memberships = db.session.scalars(sa.select(Membership)).all()
    by_user: dict[int, list[str]] = {}
    for m in memberships:
        where = m.programme.slug if m.programme else "*"
        if m.track is not None:
            where += f"/spor {m.track.number}"
        if m.benefit is not None:
            where += f"/{m.benefit.code}"
        by_user.setdefault(m.user_id, []).append(f"{m.role.value}@{where}")
    for user in users:
        roles = (["admin"] if user.is_admin else []) + by_user.get(user.id, [])
        state = "" if user.is_active else " (deactivated)"
        click.echo(f"{user.email}\t{', '.join(roles) or '-'}{state}")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="CLI", show_default=True, help="What the token is for.")
def token_command(email, name):
    """Print a new personal API token for the user (their other tokens keep working).

    The user sees it, and can revoke it, on their account page; an administrator on the
    user's page in the administration.
    """
    user = services.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user {email}.")
    try:
        token = services.issue_token(user, name)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        _fail(error)
    click.echo(token)


docs_cli = AppGroup("docs", help="Generate documentation from the code.")


@docs_cli.command("permissions")
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to this file instead of printing.",
)
def permissions_command(output):
    """Write the permission table (docs/permissions.md) from portfolio/auth/permissions.py."""
    from portfolio.auth.permissions import permission_table_markdown

    text = permission_table_markdown()
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"Wrote {output}.")
    else:
        click.echo(text, nl=False)
