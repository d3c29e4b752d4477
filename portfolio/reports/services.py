"""Status reports: made from the status page as it is, frozen, approved, compared."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from portfolio.audit.versions import apply_changes
from portfolio.auth.models import User
from portfolio.auth.permissions import Action, require
from portfolio.charts.cache import chart_alt_text, render_chart
from portfolio.core.confirmation import Confirmation
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.i18n import format_day, format_timestamp
from portfolio.core.locking import delete_once
from portfolio.core.models import utcnow
from portfolio.core.text import has_visible_text
from portfolio.extensions import db
from portfolio.programmes.models import Programme
from portfolio.reports.models import ReportChart, ReportStatus, StatusReport
from portfolio.status.charts import CHARTS
from portfolio.status.services import load_status_data
from portfolio.status.snapshot import build_snapshot


def list_reports(programme: Programme) -> list[StatusReport]:
    return list(
        db.session.scalars(
            sa.select(StatusReport)
            .where(StatusReport.programme_id == programme.id)
            .order_by(StatusReport.meeting_on.desc(), StatusReport.id.desc())
        )
    )


def get_report(programme: Programme, report_id: int) -> StatusReport:
    report = db.session.get(StatusReport, report_id)
    if report is None or report.programme_id != programme.id:
        raise NotFound(_("Statusrapporten findes ikke."))
    return report


def create_report(
    actor: User,
    programme: Programme,
    *,
    title: str,
    meeting_on: dt.date,
    today: dt.date,
    locale: str = "da",
) -> StatusReport:
    """Freeze the status page as it is now, charts included, into a draft report."""
    require(actor, Action.MANAGE_REPORTS, programme)
    if not has_visible_text(title):
        raise RuleViolation(
            _("Rapporten skal have en titel."), errors={"title": [_("Feltet skal udfyldes.")]}
        )
    snapshot = build_snapshot(load_status_data(programme), today)
    report = StatusReport(
        programme_id=programme.id,
        title=title.strip(),
        meeting_on=meeting_on,
        snapshot=snapshot,
        created_by=actor.email,
    )
    for name, (kind, build) in CHARTS.items():
        data = build(snapshot)
        report.charts.append(
            ReportChart(
                name=name,
                svg=render_chart(kind, data, locale=locale),
                alt_text=chart_alt_text(kind, data, locale=locale),
            )
        )
    db.session.add(report)
    db.session.flush()
    return report


def _check_draft(report: StatusReport) -> None:
    if report.is_locked:
        raise RuleViolation(_("Rapporten er godkendt og kan ikke ændres."))


def update_report(
    actor: User,
    report: StatusReport,
    *,
    title: str,
    meeting_on: dt.date,
    expected_version: int | None = None,
) -> list[str]:
    """Rename a draft or move its meeting date; its content stays as frozen."""
    require(actor, Action.MANAGE_REPORTS, report)
    _check_draft(report)
    return apply_changes(
        report, {"title": title.strip(), "meeting_on": meeting_on}, expected_version
    )


def approve_report(actor: User, report: StatusReport, expected_version: int | None = None) -> None:
    """Approve a draft; an approved report is locked for good."""
    require(actor, Action.MANAGE_REPORTS, report)
    _check_draft(report)
    apply_changes(
        report,
        {"status": ReportStatus.APPROVED, "approved_at": utcnow(), "approved_by": actor.email},
        expected_version,
    )


def approval_confirmation(report: StatusReport, *, today: dt.date) -> Confirmation:
    """Say what approving the report locks and what its frozen content lacks."""
    snapshot = report.snapshot
    locked = [
        _(
            "Rapporten »%(title)s« (møde %(day)s) godkendes og låses: den kan ikke omdøbes, "
            "få ny mødedato eller slettes bagefter.",
            title=report.title,
            day=format_day(report.meeting_on),
        ),
        _(
            "Lys, tal, risici, grafer og kommentarer er dem, der blev frosset %(when)s; "
            "senere data ændrer dem aldrig.",
            when=format_timestamp(report.created_at),
        ),
    ]
    missing = []
    days = (report.meeting_on - today).days
    if days > 0:
        missing.append(
            ngettext(
                "Mødedatoen er om %(num)d dag (%(day)s).",
                "Mødedatoen er om %(num)d dage (%(day)s).",
                days,
                day=format_day(report.meeting_on),
            )
        )
    lights = snapshot.get("lights", {})
    unknown = [v["label"] for v in lights.values() if v["light"]["colour"] == "none"]
    if unknown:
        missing.append(
            ngettext(
                "%(num)d af %(total)d lys er uden vurdering (%(names)s).",
                "%(num)d af %(total)d lys er uden vurdering (%(names)s).",
                len(unknown),
                total=len(lights),
                names=", ".join(unknown),
            )
        )
    tracks = snapshot.get("tracks", [])
    silent = [str(t["number"]) for t in tracks if not (t.get("commentary") or "").strip()]
    if silent:
        missing.append(
            ngettext(
                "%(num)d af %(total)d spor har ingen statuskommentar (spor %(numbers)s).",
                "%(num)d af %(total)d spor har ingen statuskommentar (spor %(numbers)s).",
                len(silent),
                total=len(tracks),
                numbers=", ".join(silent),
            )
        )
    return Confirmation(locked=locked, missing=missing)


def delete_report(actor: User, report: StatusReport) -> None:
    """Delete a draft (a mistaken one); approved reports are kept."""
    require(actor, Action.MANAGE_REPORTS, report)
    _check_draft(report)
    delete_once(report)
    db.session.flush()


@dataclass
class LightChange:
    dimension: str
    label: str
    before: str
    after: str


@dataclass
class Comparison:
    older: StatusReport
    newer: StatusReport
    lights: list[LightChange]
    budget: list[tuple[str, str | None, str | None]]
    opened: list[dict]
    closed: list[dict]
    rescored: list[tuple[dict, dict]]


def compare_reports(first: StatusReport, second: StatusReport) -> Comparison:
    """Compare two reports: lights, budget figures, risks opened, closed and rescored."""
    older, newer = sorted((first, second), key=lambda r: (r.meeting_on, r.created_at, r.id))
    a, b = older.snapshot, newer.snapshot
    lights = [
        LightChange(
            dim,
            b["lights"][dim]["label"],
            a["lights"][dim]["light"]["colour"],
            b["lights"][dim]["light"]["colour"],
        )
        for dim in b["lights"]
        if dim in a["lights"]
    ]
    budget = []
    for key, label in (
        ("baseline_total", _("Godkendt budget")),
        ("estimate_total", _("Skønnet totalomkostning")),
        ("forecast_total", _("Prognose i alt")),
        ("actual_total", _("Forbrug i alt")),
    ):
        budget.append((label, (a.get("budget") or {}).get(key), (b.get("budget") or {}).get(key)))
    old_risks = {r["code"]: r for r in a["risks"]}
    new_risks = {r["code"]: r for r in b["risks"]}
    opened = [
        r
        for code, r in new_risks.items()
        if r["is_open"] and (code not in old_risks or not old_risks[code]["is_open"])
    ]
    closed = [
        r
        for code, r in new_risks.items()
        if not r["is_open"] and (code in old_risks and old_risks[code]["is_open"])
    ]
    closed += [r for code, r in old_risks.items() if code not in new_risks and r["is_open"]]
    rescored = [
        (old_risks[code], r)
        for code, r in new_risks.items()
        if code in old_risks and old_risks[code]["score"] != r["score"]
    ]
    return Comparison(older, newer, lights, budget, opened, closed, rescored)
