"""Indicator pages: the trend chart, and the forms to add, edit, delete and enter values."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portfolio.auth.permissions import can, require
from portfolio.benefits import services as benefit_services
from portfolio.charts.cache import chart_alt_text
from portfolio.charts.web import chart_response, chart_url
from portfolio.core import clock
from portfolio.core.forms import enum_choices, options, save_form
from portfolio.core.i18n import locale_code
from portfolio.extensions import db
from portfolio.indicators import editing, services
from portfolio.indicators.charts import trend_data
from portfolio.indicators.due import next_due
from portfolio.indicators.forms import IndicatorForm, ManualValueForm, NewIndicatorForm
from portfolio.indicators.models import IndicatorKind
from portfolio.metrics.models import Metric
from portfolio.programmes import services as programme_services
from portfolio.risks import services as risk_services

bp = Blueprint("indicators", __name__, url_prefix="/programmes/<slug>/indicators")

SUBJECTS = ("benefit", "track", "project", "risk")


def _subject(programme, subject: str, code: str):
    if subject == "benefit":
        return benefit_services.get_benefit(programme, code)
    if subject == "track":
        if not code.isdigit():
            abort(404)
        return programme_services.get_track(programme, int(code))
    if subject == "project":
        return programme_services.get_project(programme, code)
    if subject == "risk":
        return risk_services.get_risk(programme, code)
    abort(404)


def subject_url(programme, subject_obj) -> str:
    """Return the page an indicator's subject is shown on."""
    name = type(subject_obj).__name__
    slug = programme.slug
    if name == "Benefit":
        return url_for("benefits.show", slug=slug, code=subject_obj.code)
    if name == "Track":
        return url_for("programmes.track", slug=slug, number=subject_obj.number)
    if name == "Project":
        return url_for("programmes.project", slug=slug, code=subject_obj.code)
    return url_for("risks.show", slug=slug, code=subject_obj.code)


def _prepare(form: IndicatorForm, subject_obj) -> None:
    metrics = db.session.scalars(db.select(Metric).order_by(Metric.key))
    form.metric_id.choices = options(
        [("", _("Manuel indtastning"))] + [(m.id, f"{m.key} – {m.name}") for m in metrics]
    )
    kinds = (
        [IndicatorKind.BENEFIT]
        if type(subject_obj).__name__ == "Benefit"
        else [IndicatorKind.KEY_RISK]
        if type(subject_obj).__name__ == "Risk"
        else [IndicatorKind.DELIVERY, IndicatorKind.DATA_QUALITY]
    )
    form.kind.members = tuple(kinds)
    form.kind.choices = enum_choices(IndicatorKind, kinds)


# The trend in full (a benefit's page), narrow (the same on a phone) and small (a row of a
# track's, project's or risk's table).
TREND_KINDS = {
    "trend": "indicator_trend",
    "trend-narrow": "indicator_trend_narrow",
    "trend-small": "indicator_thumbnail",
}


@bp.get("/<indicator_code>/<any(trend, 'trend-narrow', 'trend-small'):size>.svg")
def trend(slug, indicator_code, size):
    programme = programme_services.get_programme_for(current_user, slug)
    indicator = editing.get_indicator(programme, indicator_code)
    reading = services.readings_for([indicator])[indicator.id]
    return chart_response(TREND_KINDS[size], trend_data(reading))


@bp.route("/new/<subject>/<code>", methods=["GET", "POST"])
def new(slug, subject, code):
    programme = programme_services.get_programme_for(current_user, slug)
    subject_obj = _subject(programme, subject, code)
    require(current_user, editing.edit_action(subject_obj), subject_obj)
    form = NewIndicatorForm()
    _prepare(form, subject_obj)
    return save_form(
        form,
        lambda: editing.create_indicator(
            current_user,
            programme,
            subject_obj,
            {**form.changes(), "trajectory": form.trajectory.data},
        ),
        template="indicators/edit.html",
        success_url=subject_url(programme, subject_obj),
        success_message=_("Indikatoren er oprettet."),
        programme=programme,
        subject=subject_obj,
        indicator=None,
    )


@bp.route("/<indicator_code>/edit", methods=["GET", "POST"])
def edit(slug, indicator_code):
    programme = programme_services.get_programme_for(current_user, slug)
    indicator = editing.get_indicator(programme, indicator_code)
    subject_obj = indicator.subject
    require(current_user, editing.edit_action(subject_obj), subject_obj)
    form = IndicatorForm(obj=indicator)
    _prepare(form, subject_obj)
    if not form.is_submitted():
        form.trajectory.data = editing.format_trajectory(indicator)
    return save_form(
        form,
        lambda: editing.update_indicator(
            current_user, indicator, form.changes(), form.expected_version
        ),
        template="indicators/edit.html",
        success_url=subject_url(programme, subject_obj),
        success_message=_("Indikatoren er gemt."),
        programme=programme,
        subject=subject_obj,
        indicator=indicator,
    )


@bp.post("/<indicator_code>/delete")
def delete(slug, indicator_code):
    programme = programme_services.get_programme_for(current_user, slug)
    indicator = editing.get_indicator(programme, indicator_code)
    subject_obj = indicator.subject
    editing.delete_indicator(current_user, indicator)
    db.session.commit()
    flash(_("Indikatoren %(code)s er slettet.", code=indicator_code), "success")
    return redirect(subject_url(programme, subject_obj))


@bp.route("/<indicator_code>/values", methods=["GET", "POST"])
def values(slug, indicator_code):
    programme = programme_services.get_programme_for(current_user, slug)
    indicator = editing.get_indicator(programme, indicator_code)
    require(current_user, editing.value_action(indicator), indicator.subject)
    form = ManualValueForm()
    reading = services.readings_for([indicator])[indicator.id]
    return save_form(
        form,
        lambda: editing.record_value(
            current_user,
            indicator,
            period=form.period.data,
            value=form.value.data,
            status=form.status.data,
            note=form.note.data,
        ),
        template="indicators/values.html",
        success_url=url_for("indicators.values", slug=slug, indicator_code=indicator_code),
        success_message=_("Værdien er gemt."),
        programme=programme,
        indicator=indicator,
        reading=reading,
        entries=editing.manual_values(indicator),
        awaited=next_due(indicator, clock.today()),
        subject_url=subject_url(programme, indicator.subject),
        can_edit=can(current_user, editing.edit_action(indicator.subject), indicator.subject),
    )


@bp.app_context_processor
def indicator_helpers():
    """Helpers the indicator partials use on any page that includes them."""
    from portfolio.indicators.disclosure import counts_are_protected, threshold_for

    def trend_chart(programme, reading, size: str = "trend") -> dict:
        """The trend chart's address (with its version) and its text alternative."""
        data = trend_data(reading)
        kind = TREND_KINDS[size]
        return {
            "src": chart_url(
                "indicators.trend",
                kind,
                data,
                slug=programme.slug,
                indicator_code=reading.indicator.code,
                size=size,
            ),
            "alt": chart_alt_text(kind, data, locale=locale_code()),
        }

    return {
        "trend_chart": trend_chart,
        "disclosure_threshold": threshold_for,
        "counts_protected": counts_are_protected,
        "subject_url": subject_url,
    }
