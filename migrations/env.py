"""Alembic environment for Styrbord, run through Flask-Migrate (`flask --app app db …`)."""

import logging

import sqlalchemy as sa
from alembic import context
from flask import current_app

log = logging.getLogger("alembic.env")
config = context.config
db = current_app.extensions["migrate"].db


def render_item(type_, obj, autogen_context):
    """Write the app's own column types as the plain database types they store.

    Migrations then describe the schema alone and never import application code that
    may change later.
    """
    if type_ == "type" and isinstance(obj, sa.types.TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def _options() -> dict:
    return {
        "target_metadata": db.metadata,
        "compare_type": True,
        "render_as_batch": True,  # SQLite can only alter tables by copying them
        "render_item": render_item,
    }


def run_offline() -> None:
    context.configure(url=str(db.engine.url), literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    def skip_empty(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            log.info("No changes in schema detected.")

    with db.engine.connect() as connection:
        context.configure(
            connection=connection, process_revision_directives=skip_empty, **_options()
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
