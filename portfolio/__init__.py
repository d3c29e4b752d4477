"""Styrbord: a programme portfolio and benefits tracker for the Danish public sector."""

import click
from flask import Flask

from portfolio.config import INSTANCE_DIR, PROJECT_ROOT, load_config
from portfolio.core.urls import IdConverter


def create_app(config: dict | None = None) -> Flask:
    """Create and configure the Flask application."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(load_config(config))
    app.url_map.converters["int"] = IdConverter
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_errorhandlers(app)
    return app


def register_extensions(app: Flask) -> None:
    from portfolio import models  # noqa: F401  (every table known before use)
    from portfolio.audit import listeners as audit_listeners
    from portfolio.audit import presentation as audit_presentation
    from portfolio.auth import services as auth_services
    from portfolio.core import database, i18n, security
    from portfolio.core import logging as structured_logging
    from portfolio.extensions import babel, csrf, db, limiter, login_manager, migrate

    security.init_app(app)
    structured_logging.init_app(app)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations"), compare_type=True, render_as_batch=True
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    auth_services.init_login(app)
    audit_listeners.install()
    # Histories, the audit log and the edit-conflict table all show rows through this.
    app.jinja_env.globals["readable_history"] = audit_presentation.present


def register_blueprints(app: Flask) -> None:
    import portfolio.api.changes  # noqa: F401  (change requests, on the API blueprint)
    from portfolio.admin.views import bp as admin_bp
    from portfolio.api.views import bp as api_bp
    from portfolio.auth.views import bp as auth_bp
    from portfolio.benefits.views import bp as benefits_bp
    from portfolio.budgets.views import bp as budgets_bp
    from portfolio.calendars.views import bp as calendars_bp
    from portfolio.changes.views import bp as changes_bp
    from portfolio.core.views import bp as core_bp
    from portfolio.documents.views import bp as documents_bp
    from portfolio.indicators.views import bp as indicators_bp
    from portfolio.mail.views import bp as mail_bp
    from portfolio.metrics.views import bp as sources_bp
    from portfolio.organisation.views import bp as organisation_bp
    from portfolio.programmes.annex_views import bp as annexes_bp
    from portfolio.programmes.setup_views import bp as setup_bp
    from portfolio.programmes.views import bp as programmes_bp
    from portfolio.reports.views import bp as reports_bp
    from portfolio.risks.views import bp as risks_bp
    from portfolio.status.views import bp as status_bp
    from portfolio.workshops.views import bp as workshops_bp

    for blueprint in (
        core_bp,
        auth_bp,
        programmes_bp,
        setup_bp,
        status_bp,
        reports_bp,
        risks_bp,
        budgets_bp,
        changes_bp,
        benefits_bp,
        indicators_bp,
        workshops_bp,
        organisation_bp,
        annexes_bp,
        admin_bp,
        sources_bp,
        documents_bp,
        calendars_bp,
        mail_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
    # Browsers ask for /favicon.ico whatever a page links: answer with the static icon.
    app.add_url_rule("/favicon.ico", endpoint="static", defaults={"filename": "favicon.svg"})


def register_commands(app: Flask) -> None:
    from portfolio.auth.cli import docs_cli, users_cli
    from portfolio.backup.cli import backup_cli
    from portfolio.budgets.cli import export_cli, import_cli
    from portfolio.charts.cli import charts_cli
    from portfolio.core.cli import grant_runtime_command
    from portfolio.documents import cli as document_cli  # noqa: F401 (adds `export document`)
    from portfolio.mail.cli import mail_cli
    from portfolio.metrics.cli import metrics_cli, sources_cli
    from portfolio.seed.cli import programme_schema_command, seed_cli, setup_command

    app.cli.add_command(users_cli)
    docs_cli.add_command(programme_schema_command)
    app.cli.add_command(docs_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(setup_command)
    app.cli.add_command(sources_cli)
    app.cli.add_command(metrics_cli)
    app.cli.add_command(charts_cli)
    app.cli.add_command(mail_cli)
    # Flask-Migrate's `db` group (registered with the extension): roles sit beside migrating.
    migrate_group = app.cli.commands["db"]
    assert isinstance(migrate_group, click.Group)  # Flask-Migrate registers a group
    migrate_group.add_command(grant_runtime_command)


def register_errorhandlers(app: Flask) -> None:
    from portfolio.core import errorpages

    errorpages.init_app(app)
