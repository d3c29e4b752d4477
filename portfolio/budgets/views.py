"""The budget page, its forms, the workbook export and import, and the budget charts."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portfolio.auth.permissions import Action, can
from portfolio.budgets import services, transfer
from portfolio.budgets.charts import budget_years_chart, cumulative_chart
from portfolio.budgets.forms import AmountGrid, GridForm, ImportForm, RebaselineForm
from portfolio.budgets.models import BudgetKind
from portfolio.charts.cache import chart_alt_text
from portfolio.charts.web import chart_response, chart_url
from portfolio.core.errors import NotFound, RuleViolation, StaleEdit
from portfolio.core.i18n import locale_code
from portfolio.core.pagecache import render_blocks
from portfolio.extensions import db
from portfolio.programmes import services as programme_services
from portfolio.programmes.caching import cached_programme_page

bp = Blueprint("budgets", __name__, url_prefix="/programmes/<slug>")

EDITABLE = {"forecast": BudgetKind.FORECAST, "actual": BudgetKind.ACTUAL}
CHARTS = {
    "budget-years": ("budget_years", budget_years_chart),
    "cumulative-spend": ("cumulative_spend", cumulative_chart),
}


def _overview(programme):
    overview = services.budget_overview(programme)
    if overview is None:
        raise NotFound(_("Programmet har intet godkendt budget."))
    return overview


def _page(programme, overview, *, import_form=None, status=200, problems=()):
    context = _page_context(programme, overview, import_form=import_form, problems=problems)
    return render_template("budgets/index.html", **context), status


def _page_context(programme, overview, *, import_form=None, problems=()) -> dict:
    compare_from = request.args.get("from", type=int)
    compare_to = request.args.get("to", type=int)
    comparison = None
    numbers = {b.number: b for b in overview.versions}
    if compare_from in numbers and compare_to in numbers and compare_from != compare_to:
        comparison = services.compare_baselines(
            programme.id, numbers[compare_from], numbers[compare_to]
        )
    charts = {}
    for name, (kind, build) in CHARTS.items():
        data = build(overview, programme.short_name)
        charts[name] = {
            "src": chart_url("budgets.chart", kind, data, slug=programme.slug, name=name),
            "alt": chart_alt_text(kind, data, locale=locale_code()),
        }
    return dict(
        programme=programme,
        overview=overview,
        comparison=comparison,
        compare_from=compare_from,
        compare_to=compare_to,
        charts=charts,
        imports=transfer.recent_imports(programme.id),
        import_form=import_form or ImportForm(),
        problems=problems,
        can_edit=can(current_user, Action.EDIT_BUDGET, programme),
        can_rebaseline=can(current_user, Action.REBASELINE, programme),
    )


@bp.get("/budget")
def index(slug):
    def draw():
        programme = programme_services.get_programme_for(current_user, slug)
        overview = services.budget_overview(programme)
        if overview is None:
            # No approved baseline yet: an empty page that says what comes next, not a 404.
            return programme.id, render_blocks(
                "budgets/empty.html",
                programme=programme,
                can_rebaseline=can(current_user, Action.REBASELINE, programme),
            )
        context = _page_context(programme, overview)
        return programme.id, render_blocks("budgets/index.html", **context)

    return cached_programme_page("budget", slug, draw)


@bp.get("/budget.xlsx")
def export(slug):
    programme = programme_services.get_programme_for(current_user, slug)
    exported = transfer.export_budget(current_user, programme, locale=locale_code())
    return Response(
        exported.content,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )


@bp.get("/charts/<name>.svg")
def chart(slug, name):
    if name not in CHARTS:
        abort(404)
    programme = programme_services.get_programme_for(current_user, slug)
    kind, build = CHARTS[name]
    return chart_response(kind, build(_overview(programme), programme.short_name))


@bp.route("/budget/<kind>/edit", methods=["GET", "POST"])
def edit(slug, kind):
    if kind not in EDITABLE:
        abort(404)
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_BUDGET)
    overview = _overview(programme)
    budget_kind = EDITABLE[kind]
    form = GridForm()
    rows = [f.row for f in overview.rows]
    grid, conflict, status = None, None, 200
    if form.validate_on_submit():
        grid = AmountGrid(rows, overview.periods, request.form)
        if grid.valid:
            try:
                changes = services.set_amounts(
                    current_user,
                    programme,
                    budget_kind,
                    grid.values,
                    started_from=grid.started_from,
                )
                db.session.commit()
            except StaleEdit as error:
                db.session.rollback()
                conflict, status = error, 409
            except RuleViolation as error:
                db.session.rollback()
                flash(error.message, "error")
                status = 422
            else:
                flash(
                    ngettext(
                        "%(kind)s er gemt (%(num)d celle ændret).",
                        "%(kind)s er gemt (%(num)d celler ændret).",
                        len(changes),
                        kind=budget_kind.label,
                    ),
                    "success",
                )
                return redirect(url_for("budgets.index", slug=slug))
        else:
            status = 422
    elif form.is_submitted():
        status = 400
    current = {
        (f.row.id, p): getattr(f, kind).get(p) for f in overview.rows for p in overview.periods
    }
    return render_template(
        "budgets/edit.html",
        programme=programme,
        overview=overview,
        kind=budget_kind,
        form=form,
        grid=grid,
        current=current,
        conflict=conflict,
    ), status


@bp.route("/budget/rebaseline", methods=["GET", "POST"])
def rebaseline(slug):
    programme = programme_services.get_programme_for(current_user, slug, Action.REBASELINE)
    overview = _overview(programme)
    form = RebaselineForm()
    rows = [f.row for f in overview.rows]
    grid, status = None, 200
    if form.is_submitted():
        grid = AmountGrid(rows, overview.periods, request.form)
        if form.validate() and grid.valid:
            try:
                baseline = services.rebaseline(
                    current_user,
                    programme,
                    approved_on=form.approved_on.data,
                    approved_by=form.approved_by.data,
                    reason=form.reason.data,
                    decision=form.decision.data,
                    document=form.document.data or "",
                    amounts={k: v for k, v in grid.values.items() if v is not None},
                )
                db.session.commit()
            except RuleViolation as error:
                db.session.rollback()
                for name, messages in error.errors.items():
                    if name in form._fields:
                        form[name].errors = list(form[name].errors) + messages
                    else:
                        form.form_errors.extend(messages)
                status = 422
            else:
                flash(_("Budgetversion %(n)d er registreret.", n=baseline.number), "success")
                return redirect(url_for("budgets.index", slug=slug))
        else:
            status = 422
    current = {(f.row.id, p): f.baseline.get(p) for f in overview.rows for p in overview.periods}
    shown = grid.values if grid is not None else current
    empty = sum(1 for key in current if shown.get(key) is None)
    return render_template(
        "budgets/rebaseline.html",
        programme=programme,
        overview=overview,
        form=form,
        grid=grid,
        current=current,
        empty_cells=empty,
        cell_count=len(current),
    ), status


@bp.post("/budget/import")
def upload(slug):
    programme = programme_services.get_programme_for(current_user, slug, Action.EDIT_BUDGET)
    form = ImportForm()
    if not form.validate():
        return _page(programme, _overview(programme), import_form=form, status=422)
    upload = form.file.data
    content = upload.read()
    try:
        outcome = transfer.import_budget(
            current_user,
            programme,
            form.kind.data,
            upload.filename or "",
            content,
            locale=locale_code(),
        )
        db.session.commit()
    except transfer.ImportRefused as error:
        db.session.rollback()
        flash(error.message, "error")
        return _page(
            programme, _overview(programme), import_form=form, status=422, problems=error.problems
        )
    if outcome.unchanged:
        flash(_("Filen gav ingen ændringer; tallene var i forvejen de samme."), "info")
    else:
        flash(
            ngettext(
                "%(kind)s er indlæst fra %(file)s: %(num)d celle ændret.",
                "%(kind)s er indlæst fra %(file)s: %(num)d celler ændret.",
                len(outcome.changes),
                kind=outcome.kind.label,
                file=outcome.record.file_name,
            ),
            "success",
        )
    return redirect(url_for("budgets.index", slug=slug))
