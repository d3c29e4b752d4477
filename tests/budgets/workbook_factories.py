"""Builders of workbook input for the tests and the benchmark: the real DDNS table and more."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from decimal import Decimal

from portfolio.budgets.workbook_data import (
    BaselineVersion,
    BenefitRow,
    BudgetWorkbook,
    RiskRow,
    WorkbookRow,
)

D = Decimal
YEARS = ("2023", "2024", "2025", "2026")
EXPORTED_AT = dt.datetime(2025, 3, 14, 9, 26, 53, tzinfo=dt.UTC)
TRACK_NOTE = (
    "Rækkens etiket er ulæselig i kildeteksten; læst som sporet ud fra tabellens overskrift "
    "(fordelt på spor) og rækkefølgen."
)

# Section 7 of the DDNS programme basis, mio. kr., exactly as printed.
DDNS_TABLE = {
    1: ("Spor 1: Nationalt datagrundlag for kommuner",
        ("2.9", "2.5", "4.3", "3.7"), "3.0", "13.4"),
    2: ("Spor 2: Nationalt datagrundlag for almen praksis",
        ("1.5", "3.4", "3.4", "4.2"), "3.0", "12.4"),
    3: ("Spor 3: Nationalt datagrundlag for speciallægepraksis",
        ("0.5", "0.9", "4.7", "4.2"), "2.0", "10.3"),
    4: ("Spor 4: Bedre brug af data fra det nære sundhedsvæsen",
        ("2.7", "3.1", "4.4", "4.7"), "2.0", "15.0"),
    5: ("Femte række (etiket ulæselig i kilden; formentlig tværgående)",
        ("0.7", "1.3", "2.5", "2.5"), "1.3", "7.0"),
}  # fmt: skip
DDNS_PRINTED_COLUMNS = {
    "2023": D("8.3"),
    "2024": D("11.3"),
    "2025": D("19.3"),
    "2026": D("19.3"),
    "total": D("58.1"),
    "varigt": D("11.3"),
}


def ddns_baseline_amounts() -> dict[int, dict[str, Decimal]]:
    """Return the DDNS baseline: position → period → amount."""
    return {
        position: {**{y: D(v) for y, v in zip(YEARS, years, strict=True)}, "varigt": D(lasting)}
        for position, (_, years, lasting, _) in DDNS_TABLE.items()
    }


def ddns_rows(forecast=None, actual=None) -> list[WorkbookRow]:
    """Return the five DDNS budget rows, with forecast/actual amounts if given."""
    baseline = ddns_baseline_amounts()
    return [
        WorkbookRow(
            position=position,
            label=label,
            note=TRACK_NOTE if position < 5 else "Den femte rækkes etiket kan ikke læses.",
            track_number=position if position < 5 else None,
            baseline=baseline[position],
            forecast=(forecast or {}).get(position, {}),
            actual=(actual or {}).get(position, {}),
            printed_total=D(printed),
        )
        for position, (label, _, _, printed) in DDNS_TABLE.items()
    ]


def ddns_version() -> BaselineVersion:
    return BaselineVersion(
        number=1,
        approved_on=dt.date(2023, 1, 18),
        approved_by="National bestyrelse for data på sundheds- og ældreområdet",
        document="Programgrundlag v. 1.0",
        reason="Programgrundlaget godkendt.",
        decision="",
        amounts=ddns_baseline_amounts(),
    )


def ddns_risks() -> list[RiskRow]:
    return [
        RiskRow("R1", "Datakvalitet", "Kvaliteten af data er afgørende.", "Mindre.", "Stor",
                "Lav", 3, None, "Åben", None),
        RiskRow("R2", "Tilgængelighed af nøgleressourcer på tværs af organisationer",
                "Der kan opstå flaskehalse.", "Stor ift. tid.", "Medium", "Stor", 6, None,
                "Åben", None),
    ]  # fmt: skip


def ddns_benefits() -> list[BenefitRow]:
    return [
        BenefitRow("GH1", "Mere sammenhængende patientforløb", ("Ikke-økonomisk gevinst",),
                   "Kobling af data.", ("Borgeren", "Det nære sundhedsvæsen"), None),
        BenefitRow("GH3", "Planlægning og styring",
                   ("Økonomisk gevinst", "Samfundsøkonomisk gevinst"), "Bedre grundlag.",
                   ("Samfundet",), "Gevinstejer A/S"),
    ]  # fmt: skip


def ddns_workbook(**changes) -> BudgetWorkbook:
    """Return the DDNS workbook input; keyword arguments replace fields."""
    version = ddns_version()
    data = BudgetWorkbook(
        programme_name="Samlet indsats for data i det nære sundhedsvæsen",
        programme_slug="ddns",
        programme_short_name="DDNS",
        years=YEARS,
        rows=ddns_rows(),
        printed_column_totals=DDNS_PRINTED_COLUMNS,
        baseline=version,
        versions=[version],
        risks=ddns_risks(),
        benefits=ddns_benefits(),
        exported_at=EXPORTED_AT,
        exported_by="Økonomi & Styring <okonomi@example.dk>",
        source_document=(
            "Programgrundlag for Samlet indsats for data i det nære sundhedsvæsen, "
            "version 1.0, godkendt 18. januar 2023"
        ),
        budget_note="Ovenstående tabel indeholder de midler, der er afsat til "
        "Sundhedsdatastyrelsen fra sundhedsreformen.",
    )
    return dataclasses.replace(data, **changes) if changes else data


def ddns_with_two_versions() -> BudgetWorkbook:
    """Return DDNS with a second, rebaselined version (row 2 moved money from 2024 to 2025)."""
    first = ddns_version()
    amounts = ddns_baseline_amounts()
    amounts[2] = {**amounts[2], "2024": D("2.9"), "2025": D("3.9")}
    amounts[5] = {**amounts[5], "2026": D("2.75")}
    second = BaselineVersion(
        number=2,
        approved_on=dt.date(2024, 6, 3),
        approved_by="Programstyregruppen",
        document="Styregruppemøde 3. juni 2024",
        reason="Forsinket hjemmel i spor 2.",
        decision="Midler flyttes fra 2024 til 2025.",
        amounts=amounts,
    )
    rows = [dataclasses.replace(r, baseline=amounts[r.position]) for r in ddns_rows()]
    return ddns_workbook(rows=rows, baseline=second, versions=[first, second])


def synthetic_workbook(
    index: int, rows: int = 10, years: int = 10, seed: int = 0
) -> BudgetWorkbook:
    """Return a made-up programme with `rows` budget rows over `years` years, all filled."""
    rng = random.Random(seed * 100_003 + index)  # noqa: S311 – test data, not secrets
    year_list = tuple(str(2020 + y) for y in range(years))
    periods = (*year_list, "varigt")

    def amounts() -> dict[str, Decimal]:
        return {p: D(rng.randint(0, 99_999)).scaleb(-3) for p in periods}

    budget_rows = []
    version_amounts = {}
    for position in range(1, rows + 1):
        baseline = amounts()
        version_amounts[position] = baseline
        budget_rows.append(
            WorkbookRow(
                position=position,
                label=f"Spor {position}: Indsatsområde {position} i program {index}",
                note=None,
                track_number=position,
                baseline=baseline,
                forecast=amounts(),
                actual=amounts(),
                printed_total=sum((baseline[y] for y in year_list), D(0)),
            )
        )
    version = BaselineVersion(
        number=1,
        approved_on=dt.date(2020, 1, 1),
        approved_by="Styregruppen",
        amounts=version_amounts,
    )
    return BudgetWorkbook(
        programme_name=f"Program nr. {index}",
        programme_slug=f"program-{index}",
        programme_short_name=f"P{index}",
        years=year_list,
        rows=budget_rows,
        printed_column_totals={},
        baseline=version,
        versions=[version],
        risks=[],
        benefits=[],
        exported_at=EXPORTED_AT,
        exported_by="bench",
        source_document=f"Programgrundlag for program {index}",
    )
