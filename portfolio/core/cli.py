"""`flask db grant-runtime`: the runtime role's privileges, beside Flask-Migrate's `db` commands."""

import click
from flask.cli import with_appcontext

from portfolio.core.errors import DomainError
from portfolio.core.roles import grant_runtime_role
from portfolio.extensions import db


@click.command("grant-runtime")
@click.argument("role")
@with_appcontext
def grant_runtime_command(role: str) -> None:
    """Grant a runtime ROLE the app's privileges and no ownership (PostgreSQL, as owner).

    Read and write on the app's tables, read and append only on the audit trail, no
    ownership: the role cannot ALTER a table, disable a trigger or TRUNCATE. Run it again
    after every `db upgrade`.
    """
    try:
        grant = grant_runtime_role(role)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    click.echo(
        f"Granted {grant.role}: read and write on {len(grant.read_write)} tables, read and"
        f" append only on {', '.join(grant.append_only) or 'none'}, read on"
        f" {', '.join(grant.read_only)}, and the use of {len(grant.sequences)} id sequences."
    )
    click.echo(
        f"{grant.role} owns none of them, so it cannot alter a table, disable a trigger or"
        " truncate. Point the app's DATABASE_URL at it; keep migrating as the owner."
    )
