"""The charts' own fixed words, in Danish and English.

The builders take the locale as an argument instead of asking Flask-Babel, so that they run
outside a request (PDF reports, the CLI) and so the locale is part of the cache key.
"""

from __future__ import annotations

LOCALES = ("da", "en")

_TEXTS: dict[str, tuple[str, str]] = {
    # key: (Danish, English)
    # Timeline
    "timeline": ("Tidsplan", "Timeline"),
    "today": ("I dag", "Today"),
    "phases": ("Faser", "Phases"),
    "waves": ("Bølger", "Waves"),
    "phase": ("Fase", "Phase"),
    "wave": ("Bølge", "Wave"),
    "project": ("Projekt", "Project"),
    "milestones": ("Milepæle", "Milestones"),
    "milestone_planned": ("Milepæl (plan)", "Milestone (plan)"),
    "milestone_reached": ("Milepæl nået", "Milestone reached"),
    "milestone_forecast": ("Prognose (forskudt)", "Forecast (slipped)"),
    "not_dated": ("ikke dateret", "not dated"),
    "start_only": ("start {start}, slut ikke dateret", "starts {start}, end not dated"),
    "end_only": ("slut {end}, start ikke dateret", "ends {end}, start not dated"),
    "current_phase": ("Aktuel fase", "Current phase"),
    "current_marker": ("◀ aktuel", "◀ current"),
    "no_current_phase": ("ingen fase i gang", "no phase under way"),
    "today_outside": ("I dag ({day}) ligger uden for tidslinjen", "Today ({day}) is off the chart"),
    "track": ("Spor", "Track"),
    # Risks
    "risk_matrix": ("Risikomatrix", "Risk matrix"),
    "probability": ("Sandsynlighed", "Probability"),
    "consequence": ("Konsekvens", "Consequence"),
    "level_1": ("Lav", "Low"),
    "level_2": ("Medium", "Medium"),
    "level_3": ("Stor", "High"),
    "score_note": (
        "Tallet i hjørnet er scoren: sandsynlighed × konsekvens (1–9).",
        "The number in the corner is the score: probability × consequence (1–9).",
    ),
    "trend_note": (
        "↑ højere score end sidst   ↓ lavere score   → flyttet, samme score",
        "↑ higher score than last time   ↓ lower score   → moved, same score",
    ),
    "moves_note": ("Pil: fra forrige placering", "Arrow: from previous position"),
    "no_risks": ("Ingen risici", "No risks"),
    # Budget
    "budget_years": ("Budget pr. år", "Budget by year"),
    "cumulative_spend": ("Akkumuleret forbrug", "Cumulative spend"),
    "baseline": ("Godkendt budget", "Approved budget"),
    "forecast": ("Prognose", "Forecast"),
    "actual": ("Forbrug", "Actual spend"),
    "estimate": ("Forbrug + prognose", "Actual + forecast"),
    "mio_kr": ("mio. kr.", "DKK million"),
    "year": ("År", "Year"),
    "year_end": ("Akkumuleret til og med år", "Cumulative to end of year"),
    "no_data": ("ingen data", "no data"),
    "underspend": ("Mindreforbrug", "Underspend"),
    "overspend": ("Merforbrug", "Overspend"),
    "on_budget": ("Som budgetteret", "On budget"),
    "gap_to_date": ("{what} til og med {year}: {amount}", "{what} to end of {year}: {amount}"),
    "gap_at_end": (
        "Forventet ved afslutning ({year}): {what} {amount}",
        "Expected at close ({year}): {what} {amount}",
    ),
    # Indicators
    "indicator": ("Indikator", "Indicator"),
    "measured": ("Målt værdi", "Measured"),
    "target": ("Mål", "Target"),
    "trajectory": ("Forventet udvikling", "Planned trajectory"),
    "suppressed": ("skjult", "suppressed"),
    "suppressed_legend": (
        "Skjult værdi (diskretioneret)",
        "Suppressed value (small numbers)",
    ),
    "missing": ("mangler", "missing"),
    "missing_legend": ("Ingen måling", "No measurement"),
    "higher_is_better": ("↑ Højere er bedre", "↑ Higher is better"),
    "lower_is_better": ("↓ Lavere er bedre", "↓ Lower is better"),
    # Benefit map
    "benefit_map": ("Gevinstdiagram", "Benefit map"),
    "sources_column": ("Spor og projekter", "Tracks and projects"),
    "benefits_column": ("Gevinster", "Benefits"),
    "goals_column": ("Vision", "Vision"),
    "no_benefits": (
        "Programmet har endnu ingen gevinster.",
        "The programme has no benefits yet.",
    ),
    "no_sources": ("Ingen spor eller projekter.", "No tracks or projects."),
    "no_goals": ("Visionen har ingen mål.", "The vision has no goals."),
}


def check_locale(locale: str) -> str:
    """Return the locale if the charts speak it, else raise ValueError."""
    if locale not in LOCALES:
        raise ValueError(f"charts speak {', '.join(LOCALES)}, not {locale!r}")
    return locale


def text(key: str, locale: str, **values) -> str:
    """Return the fixed text `key` in the locale, with `values` filled in."""
    danish, english = _TEXTS[key]
    chosen = english if check_locale(locale) == "en" else danish
    return chosen.format(**values) if values else chosen
