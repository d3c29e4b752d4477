"""Metric source admin pages: the sources, one source with its metrics, and their forms."""

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.audit.services import history_of
from portfolio.auth.permissions import Action, can
from portfolio.core.errors import RuleViolation
from portfolio.core.forms import commit_or_flash, save_form
from portfolio.core.text import clean_text
from portfolio.extensions import db
from portfolio.metrics import sources as services
from portfolio.metrics.adapters.base import SourceConfigError
from portfolio.metrics.forms import MetricForm, NewMetricForm, NewSourceForm, SourceForm, StepForm
from portfolio.metrics.models import MetricSource
from portfolio.metrics.sources import SOURCES

bp = Blueprint("sources", __name__, url_prefix="/metrics/sources")


@bp.app_template_filter("source_type")
def source_type_label(type_: str) -> str:
    """Show a source's type in words, as the "Ny kilde" page lists them."""
    return services.adapter_label(type_)


@bp.app_context_processor
def _sources_link():
    """Let the main menu link the sources for those who may manage them (not only admins)."""
    return {"may_manage_sources": lambda: can(current_user, Action.MANAGE_SOURCES, SOURCES)}


def _typed(prefix: str) -> dict[str, str]:
    """The option fields typed beside the form, cleaned as every form field is (core/text)."""
    return {
        name.removeprefix(prefix): clean_text(value)
        for name, value in request.form.items()
        if isinstance(name, str) and name.startswith(prefix)  # a nameless multipart part: None
    }


def _option_context(source_type: str, config: dict, stored_secrets: dict | None) -> dict:
    fields = services.option_fields(source_type)
    if request.method == "POST":
        typed = _typed("opt-")
        values = {f.name: typed.get(f.name, "") for f in fields}
    else:
        values = {f.name: services.option_value_text(f, config) for f in fields}
    return {
        "option_fields": fields,
        "option_values": values,
        # Only whether a secret is stored, never its value.
        "stored_secrets": set(stored_secrets or ()),
        "has_location": services.has_location(source_type),
    }


def _cleared() -> set[str]:
    return {
        name.removeprefix("clear-")
        for name in request.form
        if isinstance(name, str) and name.startswith("clear-")
    }


def _wants_preview() -> bool:
    """Tell whether the form was sent with its "Forhåndsvis" button rather than "Gem"."""
    return request.method == "POST" and request.form.get("action") == "preview"


def _preview(
    form: SourceForm, source_type: str, source: MetricSource | None, context: dict[str, Any]
) -> tuple[str, int]:
    """Read the source with the form's unsaved settings and show the form with the result.

    Nothing is stored: the settings are checked as a save checks them (CSRF and version
    included), the source is read through its adapter, and the session is rolled back.
    """
    preview = None
    status = 422
    if form.validate():
        try:
            preview = services.preview_settings(
                current_user,
                source_type,
                form.changes(),
                _typed("opt-"),
                _typed("secret-"),
                _cleared(),
                source,
            )
            status = 200
        except RuleViolation as error:
            for name, messages in error.errors.items():
                field = form._fields.get(name)
                if field is not None:
                    field.errors = [*field.errors, *messages]
            preview = services.SourcePreview(threshold=0, error=error.message)
    # A preview changes nothing; anything a driver left in the session is thrown away.
    db.session.rollback()
    return (
        render_template(
            "metrics/source_edit.html",
            form=form,
            conflict=None,
            preview=preview,
            secrets_typed=any(v.strip() for v in _typed("secret-").values()),
            **context,
        ),
        status,
    )


@bp.get("/")
def index():
    rows = services.list_sources(current_user)
    return render_template("metrics/sources.html", rows=rows)


@bp.route("/new", methods=["GET", "POST"])
def new():
    services.require_manager(current_user)
    source_type = request.values.get("type", "")
    adapters = services.adapter_choices()
    enabled = {type_ for type_, _label, is_enabled, _reason in adapters if is_enabled}
    if source_type not in enabled:
        return render_template("metrics/source_type.html", adapters=adapters)
    form = NewSourceForm()
    context = {"source": None, "source_type": source_type, **_option_context(source_type, {}, None)}
    if _wants_preview():
        return _preview(form, source_type, None, context)
    return save_form(
        form,
        lambda: services.create_source(
            current_user, source_type, form.changes(), _typed("opt-"), _typed("secret-")
        ),
        template="metrics/source_edit.html",
        success_url=lambda s: url_for("sources.show", source_id=s.id),
        success_message=_("Kilden er oprettet."),
        **context,
    )


@bp.get("/<int:source_id>")
def show(source_id):
    source = services.get_source(current_user, source_id)
    return render_template(
        "metrics/source.html",
        source=source,
        step_form=StepForm(obj=source),
        history=history_of(source),
    )


@bp.route("/<int:source_id>/edit", methods=["GET", "POST"])
def edit(source_id):
    source = services.get_source(current_user, source_id)
    form = SourceForm(obj=source)
    if not form.is_submitted():
        # Never the stored URL itself: its password or key stays masked (•••• keeps it).
        form.location.data = source.shown_location
    try:
        context = _option_context(source.type, source.config or {}, source.secret_config)
    except SourceConfigError as error:  # its adapter is gone or disabled here
        flash(error.message, "error")
        return redirect(url_for("sources.show", source_id=source_id))
    if _wants_preview():
        return _preview(
            form, source.type, source, {"source": source, "source_type": source.type, **context}
        )
    clear = _cleared()
    return save_form(
        form,
        lambda: services.update_source(
            current_user,
            source,
            form.changes(),
            _typed("opt-"),
            _typed("secret-"),
            clear,
            form.expected_version,
        ),
        template="metrics/source_edit.html",
        success_url=url_for("sources.show", source_id=source_id),
        success_message=_("Kilden er gemt."),
        source=source,
        source_type=source.type,
        **context,
    )


@bp.post("/<int:source_id>/test")
def test_connection(source_id):
    source = services.get_source(current_user, source_id)
    form = StepForm()
    if form.validate():
        check = services.test_source(current_user, source)
        if check.ok:
            flash(_("Forbindelsen virker. %(message)s", message=check.message), "success")
        else:
            flash(_("Forbindelsen fejlede: %(message)s", message=check.message), "error")
    # Testing changes nothing; anything a driver left in the session is thrown away.
    db.session.rollback()
    return redirect(url_for("sources.show", source_id=source_id))


@bp.post("/<int:source_id>/resume")
def resume(source_id):
    source = services.get_source(current_user, source_id)
    form = StepForm()
    if not form.validate():
        flash(_("Formularen mangler sin version. Indlæs siden igen."), "error")
        return redirect(url_for("sources.show", source_id=source_id))
    commit_or_flash(
        lambda: services.resume_source(current_user, source, form.expected_version),
        _("Kilden er genoptaget og læses ved næste opdatering."),
    )
    return redirect(url_for("sources.show", source_id=source_id))


@bp.route("/<int:source_id>/metrics/new", methods=["GET", "POST"])
def new_metric(source_id):
    source = services.get_source(current_user, source_id)
    form = NewMetricForm()
    return save_form(
        form,
        lambda: services.create_metric(current_user, source, form.changes()),
        template="metrics/metric_edit.html",
        success_url=url_for("sources.show", source_id=source_id) + "#metrikker",
        success_message=_("Metrikken er oprettet."),
        source=source,
        metric=None,
    )


@bp.route("/<int:source_id>/metrics/<int:metric_id>/edit", methods=["GET", "POST"])
def edit_metric(source_id, metric_id):
    source = services.get_source(current_user, source_id)
    metric = services.get_metric(current_user, source, metric_id)
    form = MetricForm(obj=metric)
    if not form.is_submitted():
        form.filters.data = services.filters_text(metric.filters)
    return save_form(
        form,
        lambda: services.update_metric(current_user, metric, form.changes(), form.expected_version),
        template="metrics/metric_edit.html",
        success_url=url_for("sources.show", source_id=source_id) + "#metrikker",
        success_message=_("Metrikken er gemt."),
        source=source,
        metric=metric,
        history=history_of(metric),
    )
