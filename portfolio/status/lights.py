"""The rules behind the status page's lights, each stating itself and its numbers.

Schedule and cost follow the rules the Danish Government IT Council (Statens It-råd) uses
for the projects it follows: schedule green when on time, yellow 1–3 months late, red more
than 3 months late; cost see portfolio/budgets/figures.py. Since 2023 the risk picture can
also turn a project red, which the risk rule below expresses on the programme's 3×3 scale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _

from portfolio.core.i18n import format_day, format_month
from portfolio.core.lights import Colour, Light
from portfolio.core.months import Month
from portfolio.indicators.models import Progress
from portfolio.status.models import MilestoneKind, MilestoneStatus

YELLOW_MONTHS = (1, 3)


def months_late(milestone, today: dt.date) -> int:
    """Whole calendar months between the planned date and when it happened or will happen.

    A milestone still open after its planned date counts as expected today at the earliest.
    """
    if milestone.status is MilestoneStatus.CANCELLED:
        return 0
    expected = milestone.done_on or milestone.forecast_on or milestone.planned_on
    if milestone.status is MilestoneStatus.PLANNED and expected < today:
        expected = today
    # Counted on the dates' own years and months: a stored 0001-01-01 is far late, not an
    # error (Month keeps to four-digit years).
    planned = milestone.planned_on
    return max((expected.year - planned.year) * 12 + expected.month - planned.month, 0)


def project_months_late(project, today: dt.date) -> int:
    """Whole months a project in the plan is past its end month without being finished.

    A completed or cancelled project, or one without an end month, is never late; one still
    open in the month after its end month is one month late.
    """
    if project.end_month is None or project.is_finished or project.is_retired:
        return 0
    return max(project.end_month.months_until(Month.of(today)), 0)


@dataclass(frozen=True)
class _Late:
    """One thing the schedule is judged by: a milestone or a project's end month."""

    months: int
    planned: dt.date
    text: str  # how the reason names it
    detail: str  # how "Mest forsinket" shows it


def schedule_light(milestones, today: dt.date, projects=()) -> Light:
    """Green when on time, yellow 1–3 months late, red more than 3 months late.

    Counted: the milestones (a project's own milestones among them, named with their
    project) and the open projects in the plan that have an end month: one not completed
    by then is late by the whole months since. An open project without an end month is not
    counted (the light says how many), nor is a finished one (no completion date is kept
    to judge it by), so the light claims nothing about them.
    """
    rule = _(
        "Statens It-råds regel for tidsplan: grøn når milepælene og projekterne holder; gul "
        "ved 1–3 måneders forsinkelse; rød ved mere end 3 måneders forsinkelse. Forsinkelsen er "
        "hele kalendermåneder fra planlagt til faktisk eller forventet dato; en åben milepæl "
        "efter sin planlagte dato regnes tidligst til i dag. Et projekt, der ikke er afsluttet "
        "efter sin slutmåned, er forsinket med de hele måneder siden; afsluttede og udgåede "
        "projekter og projekter uden slutmåned tæller ikke. Det mest forsinkede afgør."
    )
    planned = [p for p in projects if not p.is_retired]
    by_id = {p.id: p for p in planned}
    counted = [m for m in milestones if m.status is not MilestoneStatus.CANCELLED]
    # A finished project has no completion date to judge it by: it tells nothing either way.
    open_projects = [p for p in planned if not p.is_finished]
    dated = [p for p in open_projects if p.end_month is not None]
    undated = len(open_projects) - len(dated)
    items = [_milestone_item(m, today, by_id.get(getattr(m, "project_id", None))) for m in counted]
    items += [_project_item(p, today) for p in dated]
    undated_note = (
        " "
        + _(
            "%(n)d åbne projekter uden slutmåned tæller ikke med.",
            n=undated,
        )
        if undated
        else ""
    )
    if not items:
        return Light(
            Colour.NONE,
            rule,
            _("Der er ingen milepæle og ingen daterede projekter at vurdere tidsplanen ud fra.")
            + undated_note,
            ((_("Åbne projekter uden slutmåned"), str(undated)),) if undated else (),
        )
    worst = max(items, key=lambda item: (item.months, item.planned))
    late = worst.months
    figures: tuple[tuple[str, str], ...] = (
        (_("Milepæle"), str(len(counted))),
        (_("Forsinkede"), str(sum(1 for m in counted if months_late(m, today) > 0))),
    )
    if open_projects:
        figures += (
            (_("Åbne projekter med slutmåned"), str(len(dated))),
            (
                _("Projekter over slutmåned"),
                str(sum(1 for p in dated if project_months_late(p, today) > 0)),
            ),
            (_("Åbne projekter uden slutmåned"), str(undated)),
        )
    if late:  # "most delayed" of things that are all on time would mislead
        figures += ((_("Mest forsinket"), worst.detail),)
    if late == 0:
        colour = Colour.GREEN
        reason = (
            _("Alle milepæle og daterede projekter holder tidsplanen.")
            if dated
            else _("Alle milepæle holder tidsplanen.")
        )
    elif late <= YELLOW_MONTHS[1]:
        colour = Colour.YELLOW
        reason = _("Op til %(n)d måneders forsinkelse (%(title)s).", n=late, title=worst.text)
    else:
        colour = Colour.RED
        reason = _("%(n)d måneders forsinkelse (%(title)s).", n=late, title=worst.text)
    return Light(colour, rule, reason + undated_note, figures)


def _milestone_item(milestone, today: dt.date, project) -> _Late:
    text = milestone.title
    if project is not None:
        text = _("%(title)s, milepæl i projekt %(code)s", title=milestone.title, code=project.code)
    return _Late(
        months=months_late(milestone, today),
        planned=milestone.planned_on,
        text=text,
        detail=f"{text} ({format_day(milestone.planned_on)} → "
        f"{format_day(milestone.done_on or milestone.forecast_on or today)})",
    )


def _project_item(project, today: dt.date) -> _Late:
    text = _(
        "projekt %(code)s %(name)s er ikke afsluttet, men skulle slutte %(month)s",
        code=project.code,
        name=project.name,
        month=format_month(project.end_month),
    )
    return _Late(
        months=project_months_late(project, today),
        planned=project.end_month.last_day,
        text=text,
        detail=text,
    )


def risk_light(risks) -> Light:
    """Red when an open risk scores 9 (Stor × Stor), yellow from 6, else green.

    No registered risk at all is no evidence of a green risk picture: the light then has
    no assessment. Registered risks that are all closed make it green.
    """
    rule = _(
        "Risikobilledet: rød når en åben risiko har score 9 (stor sandsynlighed og stor "
        "konsekvens); gul når en åben risiko har score 6 eller mere; ellers grøn. Scoren er "
        "sandsynlighed × konsekvens på skalaen Lav = 1, Medium = 2, Stor = 3. Scoren efter "
        "afbødning tæller først, når alle risikoens afbødende handlinger er gennemført; indtil "
        "da tæller bruttoscoren. Er der ingen risici registreret, er risikobilledet ikke vurderet."
    )
    if not risks:
        return Light(
            Colour.NONE,
            rule,
            _("Der er ingen risici registreret, så risikobilledet er ikke vurderet."),
            ((_("Registrerede risici"), "0"),),
        )
    open_risks = [r for r in risks if r.is_open]
    if not open_risks:
        return Light(
            Colour.GREEN,
            rule,
            _("Ingen åbne risici (alle registrerede risici er lukket)."),
            ((_("Registrerede risici"), str(len(risks))), (_("Åbne risici"), "0")),
        )
    worst = max(open_risks, key=lambda r: (r.current_score, r.score))
    score = worst.current_score
    shown = (
        _(
            "%(score)d (%(code)s %(title)s, efter gennemført afbødning)",
            score=score,
            code=worst.code,
            title=worst.title,
        )
        if worst.residual_counts
        else f"{score} ({worst.code} {worst.title})"
    )
    figures = (
        (_("Åbne risici"), str(len(open_risks))),
        (_("Højeste score"), shown),
        (
            _("Risici med score 6 eller mere"),
            str(sum(1 for r in open_risks if r.current_score >= 6)),
        ),
    )
    if score >= 9:
        colour = Colour.RED
        reason = _("%(code)s har stor sandsynlighed og stor konsekvens.", code=worst.code)
    elif score >= 6:
        colour = Colour.YELLOW
        reason = _("%(code)s har score %(score)d.", code=worst.code, score=score)
    else:
        colour = Colour.GREEN
        reason = _("Ingen åben risiko har score 6 eller mere.")
    return Light(colour, rule, reason, figures)


def scope_light(milestones, today: dt.date) -> Light:
    """Deliverables due by today: all delivered green, at least 80 % yellow, else red."""
    rule = _(
        "Omfang og leverancer: af de leverancer, der skulle være leveret i dag, er alle leveret: "
        "grøn; mindst 80 %%: gul; færre: rød. Udgåede leverancer (taget ud af omfanget) tælles "
        "for sig og gør lyset mindst gult."
    )
    deliverables = [m for m in milestones if m.kind is MilestoneKind.DELIVERABLE]
    dropped = [m for m in deliverables if m.status is MilestoneStatus.CANCELLED]
    due = [m for m in deliverables if m.planned_on <= today and m not in dropped]
    delivered = [m for m in due if m.status is MilestoneStatus.DONE]
    figures = (
        (_("Leverancer på tidsplanen i alt"), str(len(deliverables))),
        (_("Forfaldne"), str(len(due))),
        (_("Leveret af de forfaldne"), str(len(delivered))),
        (_("Udgået"), str(len(dropped))),
    )
    if not deliverables:
        return Light(
            Colour.NONE,
            rule,
            _(
                "Der er ingen leverancer på tidsplanen at vurdere omfanget ud fra. Sporenes "
                "leverancer i programgrundlaget tæller først, når de er lagt på tidsplanen "
                "(Milepæle og leverancer)."
            ),
            figures,
        )
    share = len(delivered) / len(due) if due else 1
    if share == 1 and not dropped:
        return Light(Colour.GREEN, rule, _("Alle forfaldne leverancer er leveret."), figures)
    if share >= 0.8:
        reason = _(
            "%(done)d af %(due)d forfaldne leverancer er leveret.",
            done=len(delivered),
            due=len(due),
        )
        if dropped:
            reason += " " + _("%(n)d leverancer er udgået af omfanget.", n=len(dropped))
        return Light(Colour.YELLOW, rule, reason, figures)
    return Light(
        Colour.RED,
        rule,
        _(
            "Kun %(done)d af %(due)d forfaldne leverancer er leveret.",
            done=len(delivered),
            due=len(due),
        ),
        figures,
    )


def manual_benefits_light(assessment) -> Light:
    """The secretariat's own benefits assessment, until indicators measure the benefits."""
    rule = _(
        "Gevinster: programsekretariatets seneste vurdering af gevinstrealiseringen, indtil "
        "gevinsternes indikatorer giver en målt status."
    )
    if assessment is None:
        return Light(Colour.NONE, rule, _("Gevinstrealiseringen er endnu ikke vurderet."))
    return Light(
        assessment.colour,
        rule,
        assessment.note,
        ((_("Vurderet"), f"{format_day(assessment.assessed_on)}, {assessment.assessed_by}"),),
    )


def measured_benefits_light(benefits, *, demo: bool = False) -> Light:
    """The worst of the measured benefits: all on track green, any at risk yellow, any off red.

    `benefits` holds (benefit, progress or None) pairs; a benefit without measured values
    does not count. `demo` says that some of the values come from the demo data platform,
    which the reason then says too: nobody should take a demo light for the real one.
    """
    rule = _(
        "Gevinster, målt: hver indikator vurderes mod sit planlagte forløb (på rette spor, når "
        "seneste værdi er på eller bedre end planen; i risiko, når den er højst 10 %% af den "
        "planlagte forbedring bag planen; ellers ikke på rette spor), og en gevinst har sin "
        "dårligste indikators status. Grøn når alle målte gevinster er på rette spor; gul når "
        "mindst én er i risiko; rød når mindst én ikke er på rette spor. Gevinster uden målte "
        "værdier tæller ikke med; er ingen gevinst målt, gælder sekretariatets vurdering."
    )
    groups = {progress: [] for progress in Progress}
    unmeasured = []
    for benefit, progress in benefits:
        (groups[progress] if progress is not None else unmeasured).append(benefit)

    def names(found) -> str:
        return ", ".join(f"{b.code} {b.name}" for b in found)

    def count(found) -> str:
        return f"{len(found)}: {', '.join(b.code for b in found)}" if found else "0"

    figures = (
        (Progress.ON_TRACK.label, count(groups[Progress.ON_TRACK])),
        (Progress.AT_RISK.label, count(groups[Progress.AT_RISK])),
        (Progress.OFF_TRACK.label, count(groups[Progress.OFF_TRACK])),
        (_("Uden målte værdier"), count(unmeasured)),
    )
    measured = len(benefits) - len(unmeasured)
    summary = _(
        "%(measured)d af %(total)d gevinster er målt: %(on)d på rette spor, %(risk)d i risiko, "
        "%(off)d ikke på rette spor.",
        measured=measured,
        total=len(benefits),
        on=len(groups[Progress.ON_TRACK]),
        risk=len(groups[Progress.AT_RISK]),
        off=len(groups[Progress.OFF_TRACK]),
    )
    if groups[Progress.OFF_TRACK]:
        colour = Colour.RED
        detail = _("Ikke på rette spor: %(names)s.", names=names(groups[Progress.OFF_TRACK]))
    elif groups[Progress.AT_RISK]:
        colour = Colour.YELLOW
        detail = _("I risiko: %(names)s.", names=names(groups[Progress.AT_RISK]))
    else:
        colour = Colour.GREEN
        detail = _("På rette spor: %(names)s.", names=names(groups[Progress.ON_TRACK]))
    reason = f"{summary} {detail}"
    if demo:
        reason += " " + _("Målt på demodata, ikke rigtige tal.")
    return Light(colour, rule, reason, figures, demo=demo)
