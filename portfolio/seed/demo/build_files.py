"""Write the embedded demo data platform's files: `register.sql` and the JSON-stat files.

DEMO DATA: every figure here is made up (from a fixed random seed) to look plausible for
the DDNS programme; none comes from a real register. Run it only to change the demo data:
`python portfolio/seed/demo/build_files.py`; the files it writes are committed, and
`flask --app app seed demo-metrics` reads them (building the register database from
`register.sql`).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
MONTHS = [f"{y}-{m:02d}" for y in range(2022, 2027) for m in range(1, 13)][:58]  # to 2026-10
QUARTERS = [f"{y}K{q}" for y in range(2022, 2027) for q in range(1, 5)][:19]  # to 2026K3
YEARS = ["2022", "2023", "2024", "2025", "2026"]
REGIONS = {
    "000": "Hele landet",
    "081": "Region Nordjylland",
    "082": "Region Midtjylland",
    "083": "Region Syddanmark",
    "084": "Region Hovedstaden",
    "085": "Region Sjælland",
}
NOTE = "DEMODATA: opdigtede tal til Styrbords indbyggede demo-dataplatform, ikke registerdata."


def ramp(start: float, end: float, steps: int, rnd: random.Random, noise: float) -> list[float]:
    """A rising (or falling) S-shaped path from start to end with a little noise."""
    values = []
    for i in range(steps):
        share = i / max(1, steps - 1)
        smooth = share * share * (3 - 2 * share)
        values.append(start + (end - start) * smooth + rnd.uniform(-noise, noise))
    return values


def _insert(table: str, *values: object) -> str:
    cells = ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in values)
    return f"INSERT INTO {table} VALUES ({cells});"  # noqa: S608 - our own constants


def register_sql(rnd: random.Random) -> str:
    lines = [
        "-- DEMODATA: the embedded demo data platform's register database (made-up figures).",
        "-- Built into a SQLite file by `flask --app app seed demo-metrics`.",
        "CREATE TABLE kommune_leverancer (",
        "    maaned TEXT NOT NULL,            -- YYYY-MM",
        "    omraade TEXT NOT NULL,           -- genoptraening | hjemmesygepleje",
        "    kommuner_leverer INTEGER NOT NULL,",
        "    kommuner_i_alt INTEGER NOT NULL",
        ");",
        "CREATE TABLE praksis_leverancer (",
        "    maaned TEXT NOT NULL,",
        "    kanal TEXT NOT NULL,             -- indberetningsmotor (almen praksis) | sentinel",
        "    praksis_leverer INTEGER NOT NULL,",
        "    praksis_i_alt INTEGER NOT NULL",
        ");",
        "CREATE TABLE indberetninger (",
        "    maaned TEXT NOT NULL,",
        "    modtaget INTEGER NOT NULL,",
        "    afvist INTEGER NOT NULL,",
        "    komplette INTEGER NOT NULL",
        ");",
    ]
    rehab = ramp(38, 93, len(MONTHS), rnd, 1.5)
    home = ramp(20, 97, len(MONTHS), rnd, 1.5)
    for month, a, b in zip(MONTHS, rehab, home, strict=True):
        lines.append(
            _insert("kommune_leverancer", month, "genoptraening", min(98, round(a / 100 * 98)), 98)
        )
        lines.append(
            _insert(
                "kommune_leverancer", month, "hjemmesygepleje", min(98, round(b / 100 * 98)), 98
            )
        )
    general = ramp(5, 88, len(MONTHS), rnd, 1.0)
    sentinel = ramp(0, 410, len(MONTHS), rnd, 6)
    for month, a, b in zip(MONTHS, general, sentinel, strict=True):
        lines.append(
            _insert(
                "praksis_leverancer",
                month,
                "indberetningsmotor",
                max(0, round(a / 100 * 1650)),
                1650,
            )
        )
        lines.append(_insert("praksis_leverancer", month, "sentinel", max(0, round(b)), 880))
    rejected = ramp(9.5, 2.5, len(MONTHS), rnd, 0.6)
    for index, (month, share) in enumerate(zip(MONTHS, rejected, strict=True)):
        received = 40_000 + index * 2_500 + rnd.randint(-1500, 1500)
        if month == "2025-03":
            share += 4  # a bad month: a new reporting format went live
        afvist = round(received * share / 100)
        komplette = round(received * (0.82 + 0.15 * index / len(MONTHS)))
        lines.append(_insert("indberetninger", month, received, afvist, komplette))
    return "\n".join(lines) + "\n"


def dataset(label, dimensions, values, statuses=None, unit=None) -> dict:
    """A JSON-stat 2.0 dataset; `dimensions` is [(id, label, {code: label})], time last."""
    document = {
        "version": "2.0",
        "class": "dataset",
        "label": label,
        "source": "Styrbord demo-dataplatform (DEMODATA)",
        "updated": "2026-11-01T06:00:00Z",
        "note": [NOTE],
        "id": [d[0] for d in dimensions],
        "size": [len(d[2]) for d in dimensions],
        "role": {"time": [dimensions[-1][0]]},
        "dimension": {
            d[0]: {"label": d[1], "category": {"index": list(d[2]), "label": d[2]}}
            for d in dimensions
        },
        "value": values,
    }
    if statuses:
        document["status"] = statuses
    if unit:
        document["extension"] = {"unit": unit}
    return document


def readmissions(rnd: random.Random) -> dict:
    values, statuses = [], {}
    for code in REGIONS:
        base = 11.8 if code == "000" else rnd.uniform(10.5, 13.2)
        for i, _quarter in enumerate(QUARTERS):
            values.append(round(base - 1.6 * i / len(QUARTERS) + rnd.uniform(-0.3, 0.3), 1))
    # One quarter that was not reported: missing, never zero.
    position = list(REGIONS).index("000") * len(QUARTERS) + QUARTERS.index("2024K2")
    values[position] = None
    statuses[str(position)] = ".."
    return dataset(
        "DEMO: Genindlæggelser inden for 30 dage pr. 100 udskrivelser",
        [
            ("region", "område", REGIONS),
            ("Tid", "kvartal", {q: q for q in QUARTERS}),
        ],
        values,
        statuses,
    )


def preventable(rnd: random.Random) -> dict:
    ages = {"65+": "65 år og derover", "65-79": "65-79 år", "80+": "80 år og derover"}
    values, statuses = [], {}
    for _region in REGIONS:
        for age in ages:
            base = {"65+": 42.0, "65-79": 27.0, "80+": 88.0}[age] * rnd.uniform(0.9, 1.1)
            for i, year in enumerate(YEARS):
                values.append(round(base * (1 - 0.035 * i) + rnd.uniform(-0.8, 0.8), 1))
                if year == "2026":
                    statuses[str(len(values) - 1)] = "*"  # provisional: the year is not over
    return dataset(
        "DEMO: Forebyggelige indlæggelser blandt ældre pr. 1.000 borgere",
        [
            ("region", "område", REGIONS),
            ("alder", "alder", ages),
            ("Tid", "år", {y: y for y in YEARS}),
        ],
        values,
        statuses,
    )


def research(rnd: random.Random) -> dict:
    kinds = {"forskning": "Forskningsprojekter", "kvalitet": "Kvalitetsudviklingsprojekter"}
    counts = {
        "forskning": [0, 0, 1, 2, 2, 3, 4, 6, 5, 8, 9, 11, 12, 12, 15, 17, 16, 19, 21],
        "kvalitet": [0, 1, 1, 3, 2, 4, 6, 7, 9, 10, 10, 13, 15, 14, 18, 20, 22, 23, 26],
    }
    values, statuses = [], {}
    for kind in kinds:
        values.extend(counts[kind])
    # The provider withheld one cell itself (confidentiality): suppressed, not a number.
    position = QUARTERS.index("2022K4")
    values[position] = None
    statuses[str(position)] = ":"
    return dataset(
        "DEMO: Godkendte dataudtræk med data fra det nære sundhedsvæsen (antal)",
        [
            ("formaal", "formål", kinds),
            ("Tid", "kvartal", {q: q for q in QUARTERS}),
        ],
        values,
        statuses,
    )


def main() -> None:
    rnd = random.Random(6)  # noqa: S311 - made-up demo figures, not security
    (HERE / "register.sql").write_text(register_sql(rnd), encoding="utf-8")
    for name, build in [
        ("genindlaeggelser_kvartal.json", readmissions),
        ("forebyggelige_indlaeggelser_aar.json", preventable),
        ("dataudtraek_kvartal.json", research),
    ]:
        text = json.dumps(build(rnd), ensure_ascii=False, indent=1)
        (HERE / name).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
