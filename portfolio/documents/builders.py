"""The programme model's documents, built from a programme's data as plain parts.

Each builder is a pure function of `Inputs` (read by services.py): the programme, the status
snapshot the status page and the frozen reports are drawn from, and the benefits' frozen
profiles. Figures are formatted here, once, with the same formatters as the pages, so a
light, an estimate or a deviation reads the same in the Word file, the PDF and on the screen.
Headings follow the state's templates (Den fællesstatslige programmodel v2.0 and the
Statens It-råd's status reporting), in their order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from portfolio.core.i18n import (
    format_amount,
    format_day,
    format_month,
    format_number,
    format_percent,
)
from portfolio.core.lights import Colour
from portfolio.documents.model import Block, Bullets, Document, Facts, Paragraph, Section, Table
from portfolio.programmes.models import Programme
from portfolio.reports.models import StatusReport

KINDS = (
    "gevinstrealiseringsplan",
    "programevalueringsrapport",
    "itraad-status",
    "styregruppepakke",
    "programgrundlag",
)
# The steering group's pack belongs to a meeting: it is built for a status report.
NEEDS_REPORT = frozenset({"styregruppepakke"})


@dataclass(frozen=True)
class Inputs:
    programme: Programme  # loaded with what the builders read
    snapshot: dict  # status.snapshot.build_snapshot
    benefits: list[dict]  # indicators.services.benefit_snapshot, one per benefit
    budget_rows: list[dict]  # per budget row: label, amounts by year, printed total
    today: dt.date
    language: str
    lessons: list = field(default_factory=list)  # documents.models.Lesson, in order
    workshops: list = field(default_factory=list)  # workshops held since the last meeting
    # The meeting's status report (title, meeting_on, snapshot) for the steering group pack.
    report: StatusReport | None = None
    previous_meeting: dt.date | None = None


def kind_titles() -> dict[str, str]:
    return {
        "gevinstrealiseringsplan": _("Gevinstrealiseringsplan"),
        "itraad-status": _("Statusrapport til Statens It-råd"),
        "programgrundlag": _("Programgrundlag"),
        "programevalueringsrapport": _("Programevalueringsrapport"),
        "styregruppepakke": _("Styregruppepakke"),
    }


def build(kind: str, inputs: Inputs) -> Document:
    builders: dict[str, Callable[[Inputs], Document]] = {
        "gevinstrealiseringsplan": benefits_plan,
        "itraad-status": itraad_status,
        "programgrundlag": programme_basis,
        "programevalueringsrapport": evaluation_report,
        "styregruppepakke": steering_group_pack,
    }
    return builders[kind](inputs)


# --- shared pieces ---------------------------------------------------------------------


def _text(value: object) -> str:
    return "–" if value in (None, "") else str(value)


def _mio(value: object) -> str:
    return "–" if value in (None, "") else format_amount(str(value))


def _colour(name: str | None) -> str:
    return Colour(name or "none").label


def _document(kind: str, inputs: Inputs, sections: list[Section], *extra: tuple[str, str]):
    programme = inputs.programme
    title = kind_titles()[kind]
    facts = (
        (_("Program"), f"{programme.name} ({programme.short_name})"),
        (_("Programejer"), _owner(programme)),
        *extra,
        (_("Udarbejdet"), format_day(inputs.today)),
    )
    return Document(
        kind=kind,
        title=title,
        subtitle=programme.name,
        language=inputs.language,
        facts=facts,
        sections=tuple(sections),
        file_stem=f"{programme.slug}-{kind}-{inputs.today.isoformat()}",
        footer=f"{programme.short_name} · {title}",
    )


def _owner(programme) -> str:
    parts = [programme.owner_name, programme.owner_title, programme.owner_organisation]
    return ", ".join(p for p in parts if p) or "–"


def _type_labels(benefit: dict) -> str:
    from portfolio.benefits.models import BenefitType

    return ", ".join(BenefitType(t).label for t in benefit["types"]) or "–"


def _progress(value: str | None) -> str:
    from portfolio.indicators.models import Progress

    return Progress(value).label if value else _("Ikke målt endnu")


def _value(value: str | None, decimals: int) -> str:
    return "–" if value in (None, "") else format_number(Decimal(value), decimals)


def _period(value: str | None) -> str:
    return "–" if not value else format_month(value)


# --- Gevinstrealiseringsplan -------------------------------------------------------------


def benefits_plan(inputs: Inputs) -> Document:
    programme = inputs.programme
    benefits = inputs.benefits
    sections = [
        Section(
            _("1. Indledning"),
            (
                Paragraph(
                    _(
                        "Planen beskriver programmets gevinster, hvem der ejer dem, hvordan de "
                        "måles, og hvem der følger op på dem, når programmet er lukket."
                    )
                ),
                *([Paragraph(programme.benefits_note, "note")] if programme.benefits_note else []),
            ),
        ),
        Section(
            _("2. Gevinstoversigt"),
            (
                Table(
                    (_("Gevinst"), _("Navn"), _("Type"), _("Gevinstejer"), _("Status")),
                    tuple(
                        (
                            b["code"],
                            b["name"],
                            _type_labels(b),
                            _text(b["owner"]) if b["owner"] else _("Ikke udpeget"),
                            _progress(b["progress"]),
                        )
                        for b in benefits
                    ),
                    empty_text=_("Programmet har ingen gevinster registreret."),
                ),
            ),
        ),
        Section(
            _("3. Gevinstprofiler"),
            subsections=tuple(_benefit_profile(b) for b in benefits),
        ),
        Section(_("4. Måleplan og datakilder"), (_measurement_plan(benefits),)),
        Section(
            _("5. Opfølgning efter programmets lukning"),
            (
                Paragraph(
                    _(
                        "Når programmet lukker, overgår ejerskabet af hver gevinst til driften. "
                        "Tabellen viser, hvem der følger op, og hvornår gevinsten blev overdraget."
                    )
                ),
                Table(
                    (_("Gevinst"), _("Gevinstejer"), _("Ejer i driften"), _("Overdraget")),
                    tuple(
                        (
                            f"{b['code']} {b['name']}",
                            _text(b["owner"]),
                            _text(b["operations_owner"])
                            if b["operations_owner"]
                            else _("Ikke aftalt"),
                            format_day(b["handed_over_on"]) if b["handed_over_on"] else "–",
                        )
                        for b in benefits
                    ),
                ),
            ),
        ),
        Section(
            _("6. Gevinstkort"),
            (
                Paragraph(_("Sammenhængen mellem programmets mål, spor, projekter og gevinster.")),
                Table(
                    (_("Gevinst"), _("Mål"), _("Spor"), _("Projekter")),
                    tuple(
                        (
                            b["code"],
                            "; ".join(b["goals"]) or "–",
                            ", ".join(str(n) for n in b["tracks"]) or "–",
                            ", ".join(b["projects"]) or "–",
                        )
                        for b in benefits
                    ),
                ),
            ),
        ),
    ]
    return _document("gevinstrealiseringsplan", inputs, sections)


def _benefit_profile(benefit: dict) -> Section:
    facts = Facts(
        (
            (_("Beskrivelse"), _text(benefit["description"])),
            (_("Type"), _type_labels(benefit)),
            (_("Ulempe (negativ gevinst)"), _("Ja") if benefit["is_disbenefit"] else _("Nej")),
            (_("Gevinstejer"), _text(benefit["owner"]) if benefit["owner"] else _("Ikke udpeget")),
            (_("Ansvarlig for opfølgning"), _text(benefit["responsible"])),
            (_("Modtagere"), ", ".join(benefit["recipients"]) or "–"),
        )
    )
    indicators = Table(
        (
            _("Indikator"),
            _("Enhed"),
            _("Udgangspunkt"),
            _("Mål"),
            _("Forløb"),
            _("Seneste måling"),
            _("Vurdering"),
        ),
        tuple(_indicator_row(i) for i in benefit["indicators"]),
        caption=_("Indikatorer for %(code)s", code=benefit["code"]),
        empty_text=_("Gevinsten har endnu ingen indikatorer."),
    )
    return Section(f"{benefit['code']} {benefit['name']}", (facts, indicators))


def _indicator_row(indicator: dict) -> tuple[str, ...]:
    decimals = indicator["decimals"]
    baseline, target = indicator["baseline"], indicator["target"]
    trajectory = "; ".join(
        f"{_period(p['period'])}: {_value(p['value'], decimals)}" for p in indicator["trajectory"]
    )
    latest = indicator["latest"]
    return (
        f"{indicator['code']} {indicator['name']}",
        _text(indicator["unit"]),
        f"{_value(baseline['value'], decimals)} ({_period(baseline['period'])})",
        f"{_value(target['value'], decimals)} ({_period(target['period'])})",
        trajectory or "–",
        f"{latest['shown']} ({latest['label']})" if latest else _("Ingen måling"),
        _progress(indicator["progress"]),
    )


def _measurement_plan(benefits: list[dict]) -> Table:
    from portfolio.core.periods import Frequency

    rows = tuple(
        (
            f"{i['code']} {i['name']}",
            Frequency(i["frequency"]).label,
            _text(i["method"]),
            _text(i["source"]),
        )
        for b in benefits
        for i in b["indicators"]
    )
    return Table(
        (_("Indikator"), _("Hyppighed"), _("Metode"), _("Datakilde")),
        rows,
        empty_text=_("Der er endnu ingen indikatorer at måle."),
    )


# --- Statens It-råd: status --------------------------------------------------------------


def itraad_status(inputs: Inputs) -> Document:
    snapshot = inputs.snapshot
    lights = snapshot["lights"]
    budget = snapshot.get("budget") or {}
    baseline = budget.get("baseline_printed_total") or budget.get("baseline_total")
    estimate = budget.get("estimate_total")
    deviation, share = _deviation(baseline, estimate)
    end, expected_end, months = _schedule_deviation(inputs)
    economic = [b for b in inputs.benefits if _is_economic(b)]
    other = [b for b in inputs.benefits if not _is_economic(b)]
    parameters = Table(
        (
            _("Parameter"),
            _("Vurdering"),
            _("Basislinje"),
            _("Aktuelt estimat"),
            _("Afvigelse"),
        ),
        (
            (
                _("Forventede projektudgifter"),
                _colour(lights["cost"]["light"]["colour"]),
                _("%(amount)s mio. kr.", amount=_mio(baseline)),
                _("%(amount)s mio. kr.", amount=_mio(estimate)),
                _("%(amount)s mio. kr. (%(share)s)", amount=_mio(deviation), share=share),
            ),
            (
                _("Tidsplan"),
                _colour(lights["schedule"]["light"]["colour"]),
                format_month(end) if end else "–",
                format_month(expected_end) if expected_end else "–",
                ngettext("%(num)d måned", "%(num)d måneder", months) if months is not None else "–",
            ),
            (
                _("Økonomiske gevinster"),
                _benefit_light(economic),
                ngettext("%(num)d gevinst", "%(num)d gevinster", len(economic)),
                _benefit_summary(economic),
                "–",
            ),
            (
                _("Ikke-økonomiske gevinster"),
                _benefit_light(other),
                ngettext("%(num)d gevinst", "%(num)d gevinster", len(other)),
                _benefit_summary(other),
                "–",
            ),
        ),
        numeric=frozenset(),
    )
    open_risks = [r for r in snapshot["risks"] if r["is_open"]]
    top = [r for code in snapshot["top_risks"] for r in open_risks if r["code"] == code]
    sections = [
        Section(
            _("1. De fire parametre"),
            (
                Paragraph(
                    _(
                        "Status på de fire parametre, Statens It-råd følger, målt mod den "
                        "godkendte basislinje."
                    )
                ),
                parameters,
                Paragraph(_rule_text(lights), "note"),
            ),
        ),
        Section(
            _("2. Økonomi"),
            (_budget_table(inputs),),
        ),
        Section(
            _("3. Risikobillede"),
            (
                Table(
                    (_("Risiko"), _("Titel"), _("Score"), _("Ejer")),
                    tuple((r["code"], r["title"], str(r["score"]), _text(r["owner"])) for r in top),
                    numeric=frozenset({2}),
                    empty_text=_("Ingen åbne risici."),
                ),
                Paragraph(
                    _colour(lights["risks"]["light"]["colour"])
                    + ": "
                    + lights["risks"]["light"]["reason"]
                ),
            ),
        ),
    ]
    phase = snapshot.get("phase")
    return _document(
        "itraad-status",
        inputs,
        sections,
        (_("Fase"), phase or "–"),
        (_("Samlet vurdering"), snapshot["overall_rollup"]["label"]),
    )


def _is_economic(benefit: dict) -> bool:
    return any(t in ("economic", "socio_economic") for t in benefit["types"])


def _benefit_light(benefits: list[dict]) -> str:
    order = {"off_track": 3, "at_risk": 2, "on_track": 1}
    known = [b["progress"] for b in benefits if b["progress"]]
    if not known:
        return Colour.NONE.label
    worst = max(known, key=order.__getitem__)
    return {"off_track": Colour.RED, "at_risk": Colour.YELLOW, "on_track": Colour.GREEN}[
        worst
    ].label


def _benefit_summary(benefits: list[dict]) -> str:
    measured = sum(1 for b in benefits if b["progress"])
    return _("%(measured)d af %(count)d målt", measured=measured, count=len(benefits))


def _deviation(baseline: str | None, estimate: str | None) -> tuple[str | None, str]:
    if baseline in (None, "") or estimate in (None, ""):
        return None, "–"
    base, current = Decimal(baseline), Decimal(estimate)
    difference = current - base
    share = format_percent(difference / base * 100) if base else "–"
    return str(difference), share


def _schedule_deviation(inputs: Inputs):
    """The plan's end (the last phase or wave), the end now expected, and the months between.

    The expected end is the later of the plan's end and every date still ahead that says
    otherwise: a milestone's forecast and the end month of a project not yet completed.
    """
    from portfolio.core.months import Month

    planned_ends = [item.end_month for item in inputs.programme.timeline]
    if not planned_ends:
        return None, None, None
    planned = max(planned_ends)
    expected = planned
    for milestone in inputs.snapshot["milestones"]:
        if milestone["forecast_on"] and not milestone["done_on"]:
            expected = max(expected, Month.of(dt.date.fromisoformat(milestone["forecast_on"])))
    for project in inputs.programme.projects:
        if project.end_month and project.status.value in ("planned", "active"):
            expected = max(expected, project.end_month)
    months = (expected.year - planned.year) * 12 + expected.month - planned.month
    return planned, expected, months


def _rule_text(lights: dict) -> str:
    return " ".join(
        f"{lights[d]['label']}: {lights[d]['light']['reason']}" for d in ("cost", "schedule")
    )


def _budget_table(inputs: Inputs, *, with_computed: bool = False) -> Table:
    budget = inputs.snapshot.get("budget") or {}
    years = budget.get("years", [])
    rows = [
        (
            row["label"],
            *(_mio(row["amounts"].get(y)) for y in years),
            _mio(row["total"]),
            _mio(row["lasting"]),
        )
        for row in inputs.budget_rows
    ]
    per_year = {p["year"]: p for p in budget.get("per_year", [])}
    if budget:
        rows.append(
            (
                _("I alt (godkendt)"),
                *(_mio(per_year[y]["baseline_printed"] or per_year[y]["baseline"]) for y in years),
                _mio(budget.get("baseline_printed_total") or budget.get("baseline_total")),
                _mio(budget.get("lasting")),
            )
        )
        if with_computed:
            # The sums of the approved figures, where the approved document prints others.
            rows.append(
                (
                    _("I alt (beregnet)"),
                    *(_mio(per_year[y]["baseline"]) for y in years),
                    _mio(budget.get("baseline_total")),
                    _mio(budget.get("lasting")),
                )
            )
        rows.append(
            (
                _("Estimat"),
                *(_mio(per_year[y]["estimate"]) for y in years),
                _mio(budget.get("estimate_total")),
                "",
            )
        )
    return Table(
        (_("Mio. kr."), *years, _("I alt"), _("Varigt")),
        tuple(rows),
        numeric=frozenset(range(1, len(years) + 3)),
        empty_text=_("Programmet har ingen godkendt basislinje for budgettet."),
    )


# --- Programgrundlag ---------------------------------------------------------------------


def programme_basis(inputs: Inputs) -> Document:
    programme = inputs.programme
    version = programme.document_version or "–"
    sections = [
        Section(
            _("1. Programmets stamdata"),
            (
                Facts(
                    (
                        (_("Programnavn"), programme.name),
                        (_("Programejer"), _owner(programme)),
                        (_("Primært formål"), _text(programme.primary_purpose)),
                        (_("Periode"), _period_of(programme)),
                        (_("Programmodel"), _text(programme.programme_model)),
                    )
                ),
                Table(
                    (_("Godkendt af"), _("Dato"), _("Version")),
                    tuple(
                        (a.body, format_day(a.approved_on), a.version) for a in programme.approvals
                    ),
                    empty_text=_("Ikke godkendt endnu."),
                ),
            ),
        ),
        Section(
            _("2. Vision og mål"),
            (
                Paragraph(_text(programme.vision)),
                Bullets(tuple(g.text for g in programme.vision_goals)),
            ),
        ),
        Section(_("3. Formål"), (Paragraph(_text(programme.purpose)),)),
        Section(
            _("4. Nuværende og fremtidig situation"),
            (Paragraph(_text(programme.as_is)), Paragraph(_text(programme.to_be))),
        ),
        Section(
            _("5. Spor og projekter"),
            subsections=tuple(_track_section(t, programme) for t in programme.tracks),
        ),
        Section(
            _("6. Økonomi"),
            (
                _budget_table(inputs),
                *([Paragraph(programme.budget_note, "note")] if programme.budget_note else []),
            ),
        ),
        Section(
            _("7. Gevinster"),
            (
                Table(
                    (_("Gevinst"), _("Navn"), _("Type"), _("Modtagere")),
                    tuple(
                        (b["code"], b["name"], _type_labels(b), ", ".join(b["recipients"]) or "–")
                        for b in inputs.benefits
                    ),
                ),
            ),
        ),
        Section(
            _("8. Risici"),
            (
                Table(
                    (_("Risiko"), _("Titel"), _("Sandsynlighed"), _("Konsekvens")),
                    tuple(
                        (r["code"], r["title"], _level(r["probability"]), _level(r["consequence"]))
                        for r in inputs.snapshot["risks"]
                    ),
                    empty_text=_("Ingen risici registreret."),
                ),
            ),
        ),
        Section(
            _("9. Tidsplan"),
            (
                Table(
                    (_("Fase eller bølge"), _("Start"), _("Slut")),
                    tuple(
                        (t.name, format_month(t.start_month), format_month(t.end_month))
                        for t in programme.timeline
                    ),
                ),
            ),
        ),
        Section(
            _("Revisionshistorik"),
            (
                Table(
                    (_("Version"), _("Dato"), _("Ændring")),
                    tuple(
                        (r.version, format_day(r.revised_on), _text(r.description))
                        for r in programme.revisions
                    ),
                    empty_text=_("Ingen revisioner."),
                ),
            ),
        ),
    ]
    return _document("programgrundlag", inputs, sections, (_("Version"), version))


def _period_of(programme) -> str:
    if not (programme.start_month and programme.end_month):
        return "–"
    return f"{format_month(programme.start_month)} – {format_month(programme.end_month)}"


def _level(value: str) -> str:
    from portfolio.risks.models import Level

    return Level(value).label


def _track_section(track, programme) -> Section:
    projects = [p for p in programme.projects if p.track_id == track.id]
    blocks: list[Block] = [Paragraph(track.description)] if track.description else []
    blocks.append(Bullets(tuple(d.text for d in track.deliverables)))
    blocks.append(
        Table(
            (_("Projekt"), _("Navn"), _("Status")),
            tuple((p.code, p.name, p.status.label) for p in projects),
            empty_text=_("Sporet har ingen projekter."),
        )
    )
    return Section(track.label, tuple(blocks))


# --- Programevalueringsrapport -----------------------------------------------------------


def evaluation_report(inputs: Inputs) -> Document:
    programme = inputs.programme
    snapshot = inputs.snapshot
    budget = snapshot.get("budget") or {}
    baseline = budget.get("baseline_printed_total") or budget.get("baseline_total")
    deviation, share = _deviation(baseline, budget.get("estimate_total"))
    planned, expected, months = _schedule_deviation(inputs)
    risks = snapshot["risks"]
    decided = list(snapshot["decision_log"])
    sections = [
        Section(
            _("1. Sammenfatning"),
            (
                Facts(
                    (
                        (_("Fase"), snapshot.get("phase") or "–"),
                        (_("Samlet vurdering"), snapshot["overall_rollup"]["label"]),
                        (
                            _("Økonomi"),
                            _(
                                "Godkendt %(baseline)s mio. kr., estimat %(estimate)s mio. kr., "
                                "afvigelse %(deviation)s mio. kr. (%(share)s)",
                                baseline=_mio(baseline),
                                estimate=_mio(budget.get("estimate_total")),
                                deviation=_mio(deviation),
                                share=share,
                            ),
                        ),
                        (
                            _("Tidsplan"),
                            _(
                                "Planlagt afsluttet %(planned)s, forventet %(expected)s",
                                planned=format_month(planned) if planned else "–",
                                expected=format_month(expected) if expected else "–",
                            ),
                        ),
                    )
                ),
            ),
        ),
        Section(
            _("2. Leverancer i forhold til programgrundlaget"),
            subsections=tuple(_track_section(t, programme) for t in programme.tracks),
        ),
        Section(
            _("3. Tidsplan i forhold til basislinjen"),
            (
                Table(
                    (_("Fase eller bølge"), _("Start"), _("Slut")),
                    tuple(
                        (t.name, format_month(t.start_month), format_month(t.end_month))
                        for t in programme.timeline
                    ),
                ),
                Paragraph(
                    ngettext(
                        "Afvigelse: %(num)d måned.", "Afvigelse: %(num)d måneder.", months or 0
                    )
                    if months is not None
                    else _("Programmet har ingen tidsplan.")
                ),
                Table(
                    (_("Milepæl"), _("Planlagt"), _("Forventet"), _("Nået")),
                    tuple(
                        (
                            m["title"],
                            format_day(m["planned_on"]),
                            format_day(m["forecast_on"]),
                            format_day(m["done_on"]),
                        )
                        for m in snapshot["milestones"]
                    ),
                    empty_text=_("Ingen milepæle registreret."),
                ),
            ),
        ),
        Section(
            _("4. Økonomi i forhold til den godkendte basislinje"),
            (_budget_table(inputs, with_computed=True),),
        ),
        Section(
            _("5. Realiserede gevinster og plan for resten"),
            (
                Table(
                    (
                        _("Gevinst"),
                        _("Vurdering"),
                        _("Seneste måling"),
                        _("Mål"),
                        _("Ejer i driften"),
                    ),
                    tuple(_benefit_result(b) for b in inputs.benefits),
                    empty_text=_("Programmet har ingen gevinster registreret."),
                ),
            ),
        ),
        Section(
            _("6. Risici"),
            (
                _risk_table(_("Lukkede risici"), [r for r in risks if not r["is_open"]]),
                _risk_table(_("Åbne risici"), [r for r in risks if r["is_open"]]),
            ),
        ),
        Section(
            _("7. Beslutninger og ændringer"),
            (
                Table(
                    (_("Beslutning"), _("Dato"), _("Udfald")),
                    tuple(
                        (d["title"], format_day(d["decided_on"]), _text(d["outcome"]))
                        for d in decided
                    ),
                    empty_text=_("Ingen beslutninger registreret."),
                ),
            ),
        ),
        Section(
            _("8. Erfaringer"),
            subsections=tuple(
                Section(
                    lesson.title,
                    (
                        Paragraph(_text(lesson.text)),
                        *(
                            [Paragraph(_("Anbefaling: %(text)s", text=lesson.recommendation))]
                            if lesson.recommendation
                            else []
                        ),
                    ),
                )
                for lesson in inputs.lessons
            ),
            blocks=()
            if inputs.lessons
            else (Paragraph(_("Sekretariatet har endnu ikke skrevet programmets erfaringer.")),),
        ),
    ]
    return _document("programevalueringsrapport", inputs, sections)


def _benefit_result(benefit: dict) -> tuple[str, ...]:
    latest = [i["latest"] for i in benefit["indicators"] if i["latest"]]
    targets = [
        f"{_value(i['target']['value'], i['decimals'])} ({_period(i['target']['period'])})"
        for i in benefit["indicators"]
        if i["target"]["value"]
    ]
    return (
        f"{benefit['code']} {benefit['name']}",
        _progress(benefit["progress"]),
        "; ".join(f"{p['shown']} ({p['label']})" for p in latest) or _("Ingen måling"),
        "; ".join(targets) or "–",
        _text(benefit["operations_owner"]) if benefit["operations_owner"] else _("Ikke aftalt"),
    )


def _risk_table(caption: str, risks: list[dict]) -> Table:
    from portfolio.risks.models import RiskStatus

    return Table(
        (_("Risiko"), _("Titel"), _("Status"), _("Score")),
        tuple(
            (r["code"], r["title"], RiskStatus(r["status"]).label, str(r["score"])) for r in risks
        ),
        caption=caption,
        numeric=frozenset({3}),
        empty_text=_("Ingen."),
    )


# --- Styregruppepakke --------------------------------------------------------------------


def steering_group_pack(inputs: Inputs) -> Document:
    report = inputs.report
    assert report is not None  # services.build finds the meeting (NEEDS_REPORT)
    snapshot = inputs.snapshot  # the report's own, frozen with it
    lights = snapshot["lights"]
    off_track = [b for b in snapshot["benefits"] if b["progress"] in ("at_risk", "off_track")]
    requested = snapshot["decisions_requested"]
    sections = [
        Section(
            _("Dagsorden"),
            (
                Bullets(
                    (
                        _("1. Velkomst og godkendelse af dagsorden"),
                        _("2. Programmets status: %(title)s", title=report.title),
                        ngettext(
                            "3. Beslutning: %(num)d punkt til beslutning",
                            "3. Beslutninger: %(num)d punkter til beslutning",
                            len(requested),
                        ),
                        _("4. Gevinster der ikke følger planen"),
                        _("5. Gevinstworkshops siden sidste møde"),
                        _("6. Eventuelt"),
                    )
                ),
            ),
        ),
        Section(
            _("Status"),
            (
                Facts(
                    (
                        (_("Statusrapport"), report.title),
                        (_("Fase"), snapshot.get("phase") or "–"),
                        (_("Samlet vurdering"), snapshot["overall_rollup"]["label"]),
                    )
                ),
                Table(
                    (_("Område"), _("Vurdering"), _("Begrundelse")),
                    tuple(
                        (v["label"], _colour(v["light"]["colour"]), v["light"]["reason"])
                        for v in lights.values()
                    ),
                ),
                _budget_table(inputs),
            ),
        ),
        Section(
            _("Til beslutning"),
            subsections=tuple(
                Section(
                    d["title"],
                    (
                        Facts(
                            (
                                (_("Forelægges for"), _text(d["body"])),
                                (_("Ønskes besluttet senest"), format_day(d["requested_for"])),
                                (_("Vedrører"), _text(d["linked_items"])),
                            )
                        ),
                        Paragraph(_text(d["background"])),
                    ),
                )
                for d in requested
            ),
        )
        if requested
        else Section(_("Til beslutning"), (Paragraph(_("Intet til beslutning.")),)),
        Section(
            _("Gevinster der ikke følger planen"),
            (
                Table(
                    (_("Gevinst"), _("Vurdering"), _("Gevinstejer")),
                    tuple(
                        (f"{b['code']} {b['name']}", _progress(b["progress"]), _text(b["owner"]))
                        for b in off_track
                    ),
                    empty_text=_("Alle målte gevinster følger planen."),
                ),
            ),
        ),
        Section(
            _("Gevinstworkshops siden sidste møde"),
            tuple(_workshop_block(w) for w in inputs.workshops)
            or (Paragraph(_("Der er ikke holdt gevinstworkshops siden sidste møde.")),),
        ),
    ]
    return _document(
        "styregruppepakke",
        inputs,
        sections,
        (_("Møde"), format_day(report.meeting_on)),
    )


def _workshop_block(workshop) -> Table:
    return Table(
        (_("Gevinst"), _("Vurdering"), _("Kommentar"), _("Beslutninger")),
        tuple(
            (
                item.benefit.code,
                item.assessment.label if item.assessment else "–",
                _text(item.comment),
                _text(item.decisions),
            )
            for item in workshop.items
        ),
        caption=f"{workshop.title} ({format_day(workshop.held_on)})",
        empty_text=_text(workshop.summary),
    )
