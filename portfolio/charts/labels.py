"""The charts' own fixed words: Danish here, English in the gettext catalogue.

The builders take the locale as an argument instead of asking Flask-Babel, so that they run
outside a request (PDF reports, the CLI) and so the locale is part of the cache key; the
catalogue is therefore read with `core.i18n.translate`, which needs no app.
"""

from __future__ import annotations

from portfolio.core.i18n import N_, translate

LOCALES = ("da", "en")

_TEXTS: dict[str, str] = {
    # key: the Danish text; its English is in the catalogue (translations/)
    # Timeline
    "timeline": N_("Tidsplan"),
    "today": N_("I dag"),
    "phases": N_("Faser"),
    "waves": N_("Bølger"),
    "phase": N_("Fase"),
    "wave": N_("Bølge"),
    "project": N_("Projekt"),
    "milestones": N_("Milepæle"),
    "milestone_planned": N_("Milepæl (plan)"),
    "milestone_reached": N_("Milepæl nået"),
    "milestone_forecast": N_("Prognose (forskudt)"),
    "not_dated": N_("ikke dateret"),
    "start_only": N_("start {start}, slut ikke dateret"),
    "end_only": N_("slut {end}, start ikke dateret"),
    "current_phase": N_("Aktuel fase"),
    "current_marker": N_("◀ aktuel"),
    "no_current_phase": N_("ingen fase i gang"),
    "today_outside": N_("I dag ({day}) ligger uden for tidslinjen"),
    "track": N_("Spor"),
    # Portfolio roadmap
    "roadmap": N_("Porteføljens køreplan"),
    "current_phase_bar": N_("Aktuel fase"),
    "no_periods": N_("ingen faser eller bølger"),
    "no_programmes": N_("Ingen programmer at vise"),
    # Risks
    "risk_matrix": N_("Risikomatrix"),
    "probability": N_("Sandsynlighed"),
    "consequence": N_("Konsekvens"),
    "level_1": N_("Lav"),
    "level_2": N_("Medium"),
    "level_3": N_("Stor"),
    "score_note": N_("Tallet i hjørnet er scoren: sandsynlighed × konsekvens (1–9)."),
    "trend_note": N_("↑ højere score end sidst   ↓ lavere score   → flyttet, samme score"),
    "moves_note": N_("Pil: fra forrige placering"),
    "no_risks": N_("Ingen risici"),
    # Budget
    "budget_years": N_("Budget pr. år"),
    "cumulative_spend": N_("Akkumuleret forbrug"),
    "baseline": N_("Godkendt budget"),
    "forecast": N_("Prognose"),
    "actual": N_("Forbrug"),
    "estimate": N_("Forbrug + prognose"),
    "mio_kr": N_("mio. kr."),
    "year": N_("År"),
    "year_end": N_("Akkumuleret til og med år"),
    "no_data": N_("ingen data"),
    "underspend": N_("Mindreforbrug"),
    "overspend": N_("Merforbrug"),
    "on_budget": N_("Som budgetteret"),
    "gap_to_date": N_("{what} til og med {year}: {amount}"),
    "gap_at_end": N_("Forventet ved afslutning ({year}): {what} {amount}"),
    # Indicators
    "indicator": N_("Indikator"),
    "measured": N_("Målt værdi"),
    "indicator_baseline": N_("Basislinje"),
    "target": N_("Mål"),
    "trajectory": N_("Forventet udvikling"),
    "suppressed": N_("skjult"),
    "suppressed_legend": N_("Skjult værdi (diskretioneret)"),
    "missing": N_("mangler"),
    "missing_legend": N_("Ingen måling"),
    "higher_is_better": N_("↑ Højere er bedre"),
    "lower_is_better": N_("↓ Lavere er bedre"),
    # Benefit map
    "benefit_map": N_("Gevinstdiagram"),
    "sources_column": N_("Spor og projekter"),
    "benefits_column": N_("Gevinster"),
    "goals_column": N_("Vision"),
    "no_benefits": N_("Programmet har endnu ingen gevinster."),
    "no_sources": N_("Ingen spor eller projekter."),
    "no_goals": N_("Visionen har ingen mål."),
}


def check_locale(locale: str) -> str:
    """Return the locale if the charts speak it, else raise ValueError."""
    if locale not in LOCALES:
        raise ValueError(f"charts speak {', '.join(LOCALES)}, not {locale!r}")
    return locale


def text(key: str, locale: str, **values: object) -> str:
    """Return the fixed text `key` in the locale, with `values` filled in."""
    chosen = translate(_TEXTS[key], check_locale(locale))
    return chosen.format(**values) if values else chosen
