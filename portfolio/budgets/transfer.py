"""The budget workbook: export the programme's budget to Excel, import forecast and actuals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _

from portfolio.auth.permissions import Action, can, require
from portfolio.budgets import services
from portfolio.budgets.importer import ImportProblem, checksum, parse_budget_import
from portfolio.budgets.models import LASTING, TOTAL, BudgetImport, BudgetKind
from portfolio.budgets.portfolio_workbook import build_portfolio_workbook
from portfolio.budgets.workbook import build_budget_workbook, workbook_filename
from portfolio.budgets.workbook_data import (
    BaselineVersion,
    BenefitRow,
    BudgetWorkbook,
    RiskRow,
    WorkbookRow,
)
from portfolio.core.errors import NotFound, PermissionDenied, RuleViolation
from portfolio.core.i18n import translate
from portfolio.core.models import utcnow
from portfolio.core.text import clean_text
from portfolio.extensions import db

if TYPE_CHECKING:
    from portfolio.auth.models import User
    from portfolio.programmes.models import Programme


class ImportRefused(RuleViolation):
    """The uploaded workbook has problems; nothing was written."""

    def __init__(self, problems: tuple[ImportProblem, ...]):
        super().__init__(_("Filen blev ikke indlæst. Ret problemerne, og prøv igen."))
        self.problems = problems


def _version(baseline, rows) -> BaselineVersion:
    table = services.baseline_table(baseline.programme_id, baseline)
    return BaselineVersion(
        number=baseline.number,
        approved_on=baseline.approved_on,
        approved_by=baseline.approved_by,
        document=baseline.document,
        reason=baseline.reason,
        decision=baseline.decision,
        amounts={r.row.position: dict(r.amounts) for r in table.rows if r.amounts},
    )


def workbook_data(
    actor, programme, *, exported_at: dt.datetime | None = None, locale: str = "da"
) -> BudgetWorkbook:
    """Gather what the budget workbook shows, as plain data for the builder, with the
    workbook's texts (and the registers' labels) in `locale`."""
    from portfolio.benefits.services import list_benefits
    from portfolio.risks.services import list_risks

    require(actor, Action.VIEW_PROGRAMME, programme)
    overview = services.budget_overview(programme)
    if overview is None:
        raise NotFound(_("Programmet har intet godkendt budget at eksportere."))
    table = overview.baseline_table
    rows = [
        WorkbookRow(
            position=f.row.position,
            label=f.row.label,
            note=f.row.label_note,
            track_number=f.row.track.number if f.row.track else None,
            baseline=f.baseline,
            forecast=f.forecast,
            actual=f.actual,
            printed_total=overview.printed_row_total(f.row.id),
            estimate={
                y: amount
                for y in overview.years
                if (amount := f.estimate(y, y in overview.closed_years)) is not None
            },
        )
        for f in overview.rows
    ]
    versions = [_version(b, rows) for b in overview.versions]
    current = next(v for v in versions if v.number == overview.baseline.number)
    printed = {
        k: v for k, v in table.printed_columns.items() if k in (*overview.years, TOTAL, LASTING)
    }
    return BudgetWorkbook(
        programme_name=programme.name,
        programme_slug=programme.slug,
        programme_short_name=programme.short_name,
        years=overview.years,
        rows=rows,
        printed_column_totals=printed,
        baseline=current,
        versions=versions,
        risks=[
            RiskRow(
                code=r.code,
                title=r.title,
                description=r.description,
                consequence_text=r.consequence_text,
                probability=translate(str(r.probability.label), locale),
                consequence=translate(str(r.consequence.label), locale),
                score=r.score,
                owner=r.owner_label or "",
                status=translate(str(r.status.label), locale),
                track=r.track.label if r.track else "",
            )
            for r in list_risks(programme.id)
        ],
        benefits=[
            BenefitRow(
                code=b.code,
                name=b.name,
                types=[translate(str(t.label), locale) for t in b.types],
                description=b.description,
                recipients=[x.name for x in b.recipients],
                owner=b.owner_label or "",
            )
            for b in list_benefits(programme.id)
        ],
        exported_at=exported_at or utcnow(),
        exported_by=getattr(actor, "email", None) or "system",
        source_document=programme.source_document or "",
        budget_note=programme.budget_note,
        timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
        locale=locale,
        closed_years=sorted(overview.closed_years),
    )


@dataclass
class Export:
    filename: str
    content: bytes


def export_budget(actor, programme, *, today: dt.date | None = None, locale: str = "da") -> Export:
    """Build the programme's budget workbook (its texts in `locale`) and its file name."""
    from portfolio.core.clock import today as local_today

    data = workbook_data(actor, programme, locale=locale)
    return Export(
        workbook_filename(programme.slug, today or local_today()), build_budget_workbook(data)
    )


def export_portfolio(
    actor: User,
    programmes: Sequence[Programme],
    *,
    today: dt.date | None = None,
    locale: str = "da",
) -> Export:
    """Build one workbook with the budgets of the given programmes (those the actor may see
    that have an approved budget; the others are left out), for the finance office."""
    from portfolio.core.clock import today as local_today

    if not programmes:
        raise PermissionDenied(
            _("Du har endnu ikke adgang til nogen programmer. Kontakt en administrator.")
        )
    exported_at = utcnow()
    books = []
    for programme in programmes:
        if not can(actor, Action.VIEW_PROGRAMME, programme):
            continue
        try:
            books.append(workbook_data(actor, programme, exported_at=exported_at, locale=locale))
        except NotFound:  # no approved budget yet
            continue
    if not books:
        raise NotFound(_("Ingen af dine programmer har et godkendt budget at eksportere."))
    content = build_portfolio_workbook(
        books,
        exported_at=exported_at,
        exported_by=getattr(actor, "email", None) or "system",
        timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
        locale=locale,
    )
    day = (today or local_today()).isoformat()
    return Export(f"portefoelje-budgetter-{day}.xlsx", content)


@dataclass
class ImportOutcome:
    kind: BudgetKind
    changes: list[services.CellChange]
    record: BudgetImport | None

    @property
    def unchanged(self) -> bool:
        return not self.changes


def import_budget(
    actor, programme, kind: BudgetKind, file_name: str, content: bytes, *, locale: str = "da"
) -> ImportOutcome:
    """Check an uploaded workbook completely, then store its figures in one go.

    The workbook may be in Danish or English; its problems are reported in `locale`.

    The sheet replaces every figure of its kind: a cell left empty removes a figure.
    Importing the same file again changes nothing and records nothing.
    """
    require(actor, Action.EDIT_BUDGET, programme)
    if kind is BudgetKind.BASELINE:
        raise RuleViolation(_("Et godkendt budget kan ikke indlæses; kun prognose og forbrug."))
    rows = services.budget_rows(programme.id)
    result = parse_budget_import(
        content,
        kind=kind.value,
        row_labels={r.position: r.label for r in rows},
        periods=[*services.programme_years(programme), LASTING],
        max_bytes=current_app.config["BUDGET_IMPORT_MAX_BYTES"],
        programme_slug=programme.slug,
        programme_name=programme.name,
        locale=locale,
    )
    if not result.ok:
        raise ImportRefused(result.problems)
    by_position = {r.position: r.id for r in rows}
    current = services.current_values(programme, kind)
    values = {key: None for key in current}
    values.update(
        {(by_position[pos], period): amount for (pos, period), amount in result.values.items()}
    )
    changes = services.set_amounts(actor, programme, kind, values)
    record = None
    if changes:
        record = BudgetImport(
            programme_id=programme.id,
            kind=kind,
            file_name=clean_text(file_name).strip()[:255] or "budget.xlsx",
            checksum=checksum(content),
            user_id=getattr(actor, "id", None),
            imported_by=getattr(actor, "email", "system"),
            cells_changed=len(changes),
        )
        db.session.add(record)
        db.session.flush()
    return ImportOutcome(kind, changes, record)


def recent_imports(programme_id: int, limit: int = 10) -> list[BudgetImport]:
    return list(
        db.session.scalars(
            db.select(BudgetImport)
            .where(BudgetImport.programme_id == programme_id)
            .order_by(BudgetImport.imported_at.desc(), BudgetImport.id.desc())
            .limit(limit)
        )
    )
