"""The embedded demo data platform: demo sources, metrics and DDNS indicators, no network.

`flask --app app seed demo-metrics` (and `flask setup`, which `make run` calls) builds a
small SQLite register database from `portfolio/seed/demo/register.sql` in the instance
folder, registers it and the JSON-stat files in `portfolio/seed/demo/` as demo sources
(`is_demo=True`, names starting "Demo:", keys starting "demo-"), adds metrics and
indicators for the DDNS benefits GH1–GH6, two track indicators and a key risk indicator on
risk R1 (data quality), and refreshes them. Every figure is made up.

Demo figures never mix with real ones: they live only in demo sources, every indicator
fed from them is labelled demo by its source, and no real source is ever given a demo
metric. Running the command again changes nothing (the refresh finds nothing due).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from portfolio.benefits.models import Benefit
from portfolio.config import DEMO_REGISTER_FILE, default_demo_register
from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.indicators.models import (
    Direction,
    Frequency,
    Indicator,
    IndicatorKind,
    TrajectoryPoint,
)
from portfolio.metrics.models import Metric, MetricSource
from portfolio.metrics.services import create_metric, create_source
from portfolio.programmes.models import Programme, Track
from portfolio.risks.models import Risk

DEMO_DIR = Path(__file__).resolve().parent / "demo"
REGISTER_FILE = DEMO_REGISTER_FILE
PROGRAMME = "ddns"
DESCRIPTION = "DEMODATA: opdigtede tal fra Styrbords indbyggede demo-dataplatform."


@dataclass(frozen=True)
class DemoSource:
    key: str
    name: str
    type: str
    file: str  # a file in DEMO_DIR, or the register database
    config: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DemoIndicator:
    code: str
    subject: tuple[str, object]  # ("benefit", "GH1") | ("track", 1) | ("risk", "R1")
    kind: IndicatorKind
    name: str
    definition: str
    source: str
    filters: dict
    unit: str
    frequency: Frequency
    direction: Direction
    baseline: tuple[str, Month]
    target: tuple[str, Month] | None
    trajectory: tuple[tuple[Month, str], ...] = ()
    is_count: bool = False
    decimals: int = 1
    threshold: str | None = None
    method: str = ""


def _register_query(select: str) -> dict:
    return {"query": select, "period_column": "period", "value_column": "value"}


SOURCES = [
    DemoSource(
        "demo-kommuner",
        "Demo: Kommunale leverancer til det nationale register",
        "sql",
        REGISTER_FILE,
        _register_query(
            "SELECT maaned AS period, omraade, "
            "printf('%.1f', 100.0 * kommuner_leverer / kommuner_i_alt) AS value "
            "FROM kommune_leverancer ORDER BY maaned"
        ),
    ),
    DemoSource(
        "demo-kommuner-antal",
        "Demo: Kommuner med daglige leverancer (antal)",
        "sql",
        REGISTER_FILE,
        _register_query(
            "SELECT maaned AS period, omraade, kommuner_leverer AS value "
            "FROM kommune_leverancer ORDER BY maaned"
        ),
    ),
    DemoSource(
        "demo-praksis",
        "Demo: Praksis der leverer data (indberetningsmotor og Sentinel)",
        "sql",
        REGISTER_FILE,
        _register_query(
            "SELECT maaned AS period, kanal, 'andel' AS maal, "
            "printf('%.1f', 100.0 * praksis_leverer / praksis_i_alt) AS value "
            "FROM praksis_leverancer "
            "UNION ALL SELECT maaned, kanal, 'antal', praksis_leverer FROM praksis_leverancer "
            "ORDER BY 1"
        ),
    ),
    DemoSource(
        "demo-indberetninger",
        "Demo: Indberetninger, afvisninger og komplethed",
        "sql",
        REGISTER_FILE,
        _register_query(
            "SELECT maaned AS period, 'afviste' AS maal, "
            "printf('%.1f', 100.0 * afvist / modtaget) AS value FROM indberetninger "
            "UNION ALL SELECT maaned, 'komplette', "
            "printf('%.1f', 100.0 * komplette / modtaget) FROM indberetninger ORDER BY 1"
        ),
    ),
    DemoSource(
        "demo-genindlaeggelser",
        "Demo: Genindlæggelser inden for 30 dage (JSON-stat)",
        "jsonstat",
        "genindlaeggelser_kvartal.json",
    ),
    DemoSource(
        "demo-forebyggelige",
        "Demo: Forebyggelige indlæggelser blandt ældre (JSON-stat)",
        "jsonstat",
        "forebyggelige_indlaeggelser_aar.json",
    ),
    DemoSource(
        "demo-dataudtraek",
        "Demo: Dataudtræk til forskning og kvalitetsudvikling (JSON-stat)",
        "jsonstat",
        "dataudtraek_kvartal.json",
    ),
]


def _yearly(values: dict[int, str]) -> tuple[tuple[Month, str], ...]:
    return tuple((Month(year, 12), value) for year, value in values.items())


INDICATORS = [
    DemoIndicator(
        "GH1.1",
        ("benefit", "GH1"),
        IndicatorKind.BENEFIT,
        "Kommuner hvis genoptræningsdata når det nationale register",
        "Andel af de 98 kommuner, hvis indberetninger om genoptræning er modtaget i "
        "det nationale register i måneden.",
        "demo-kommuner",
        {"omraade": "genoptraening"},
        "%",
        Frequency.MONTHLY,
        Direction.HIGHER_IS_BETTER,
        ("38.8", Month(2022, 1)),
        ("95", Month(2026, 12)),
        _yearly({2023: "55", 2024: "70", 2025: "85", 2026: "95"}),
        method="Kommuner med modtagne data / 98, opgjort ved månedens udgang.",
    ),
    DemoIndicator(
        "GH1.2",
        ("benefit", "GH1"),
        IndicatorKind.BENEFIT,
        "Genindlæggelser inden for 30 dage",
        "Akutte genindlæggelser inden for 30 dage pr. 100 udskrivelser, hele landet.",
        "demo-genindlaeggelser",
        {"region": "000"},
        "pr. 100 udskrivelser",
        Frequency.QUARTERLY,
        Direction.LOWER_IS_BETTER,
        ("11.8", Month(2022, 1)),
        ("10.0", Month(2026, 10)),
        _yearly({2023: "11.4", 2024: "11.0", 2025: "10.5", 2026: "10.0"}),
    ),
    DemoIndicator(
        "GH2.1",
        ("benefit", "GH2"),
        IndicatorKind.BENEFIT,
        "Almen praksis der leverer data via indberetningsmotoren",
        "Andel af landets almene praksis, der har leveret data via indberetningsmotoren i måneden.",
        "demo-praksis",
        {"kanal": "indberetningsmotor", "maal": "andel"},
        "%",
        Frequency.MONTHLY,
        Direction.HIGHER_IS_BETTER,
        ("5", Month(2022, 1)),
        ("90", Month(2026, 12)),
        _yearly({2023: "25", 2024: "50", 2025: "75", 2026: "90"}),
    ),
    DemoIndicator(
        "GH3.1",
        ("benefit", "GH3"),
        IndicatorKind.BENEFIT,
        "Speciallægepraksis der leverer data via Sentinel",
        "Antal speciallægepraksis, der har leveret data via Sentinel i måneden.",
        "demo-praksis",
        {"kanal": "sentinel", "maal": "antal"},
        "praksis",
        Frequency.MONTHLY,
        Direction.HIGHER_IS_BETTER,
        ("0", Month(2022, 1)),
        ("450", Month(2026, 12)),
        _yearly({2023: "100", 2024: "220", 2025: "340", 2026: "450"}),
        is_count=True,
        decimals=0,
    ),
    DemoIndicator(
        "GH4.1",
        ("benefit", "GH4"),
        IndicatorKind.BENEFIT,
        "Forebyggelige indlæggelser blandt ældre",
        "Forebyggelige indlæggelser blandt borgere på 65 år og derover pr. 1.000 borgere, "
        "hele landet.",
        "demo-forebyggelige",
        {"region": "000", "alder": "65+"},
        "pr. 1.000 borgere",
        Frequency.YEARLY,
        Direction.LOWER_IS_BETTER,
        ("42", Month(2022, 1)),
        ("36", Month(2026, 1)),
        _yearly({2023: "40.5", 2024: "39", 2025: "37.5", 2026: "36"}),
    ),
    DemoIndicator(
        "GH5.1",
        ("benefit", "GH5"),
        IndicatorKind.BENEFIT,
        "Afviste indberetninger",
        "Andel af månedens modtagne indberetninger, der blev afvist ved validering.",
        "demo-indberetninger",
        {"maal": "afviste"},
        "%",
        Frequency.MONTHLY,
        Direction.LOWER_IS_BETTER,
        ("9.5", Month(2022, 1)),
        ("3", Month(2026, 12)),
        _yearly({2023: "7.5", 2024: "5.5", 2025: "4", 2026: "3"}),
    ),
    DemoIndicator(
        "GH6.1",
        ("benefit", "GH6"),
        IndicatorKind.BENEFIT,
        "Forskningsprojekter med data fra det nære sundhedsvæsen",
        "Antal godkendte dataudtræk til forskningsprojekter i kvartalet.",
        "demo-dataudtraek",
        {"formaal": "forskning"},
        "udtræk",
        Frequency.QUARTERLY,
        Direction.HIGHER_IS_BETTER,
        ("0", Month(2022, 1)),
        ("20", Month(2026, 10)),
        _yearly({2023: "5", 2024: "10", 2025: "15", 2026: "20"}),
        is_count=True,
        decimals=0,
    ),
    DemoIndicator(
        "S1.1",
        ("track", 1),
        IndicatorKind.DELIVERY,
        "Kommuner hvis daglige leverancer af hjemmesygeplejedata modtages",
        "Antal kommuner, hvis daglige leverancer om hjemmesygepleje er modtaget i måneden.",
        "demo-kommuner-antal",
        {"omraade": "hjemmesygepleje"},
        "kommuner",
        Frequency.MONTHLY,
        Direction.HIGHER_IS_BETTER,
        ("20", Month(2022, 1)),
        ("98", Month(2026, 6)),
        _yearly({2023: "45", 2024: "75", 2025: "92", 2026: "98"}),
        decimals=0,
    ),
    DemoIndicator(
        "S2.1",
        ("track", 2),
        IndicatorKind.DATA_QUALITY,
        "Komplette indberetninger",
        "Andel af månedens indberetninger, hvor alle obligatoriske felter er udfyldt.",
        "demo-indberetninger",
        {"maal": "komplette"},
        "%",
        Frequency.MONTHLY,
        Direction.HIGHER_IS_BETTER,
        ("82", Month(2022, 1)),
        ("97", Month(2026, 12)),
        _yearly({2023: "86", 2024: "90", 2025: "94", 2026: "97"}),
    ),
    DemoIndicator(
        "R1.1",
        ("risk", "R1"),
        IndicatorKind.KEY_RISK,
        "Afviste indberetninger (nøglerisikoindikator)",
        "Andel afviste indberetninger; over tærsklen skal risikoen for datakvalitet vurderes igen.",
        "demo-indberetninger",
        {"maal": "afviste"},
        "%",
        Frequency.MONTHLY,
        Direction.LOWER_IS_BETTER,
        ("9.5", Month(2022, 1)),
        None,
        threshold="6",
    ),
]


def register_path() -> Path:
    """Return where the demo register database lives (DEMO_REGISTER_PATH, see config.py)."""
    configured = current_app.config.get("DEMO_REGISTER_PATH")
    return Path(configured) if configured else default_demo_register(str(db.engine.url))


def build_register(path: Path) -> bool:
    """Build the demo register database from `register.sql` unless it is there; say if built."""
    script = (DEMO_DIR / "register.sql").read_text(encoding="utf-8")
    if path.is_file():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    connection = sqlite3.connect(partial)
    try:
        connection.executescript(script)
        connection.commit()
    finally:
        connection.close()
    partial.replace(path)
    return True


def _location(spec: DemoSource) -> str:
    if spec.file == REGISTER_FILE:
        return f"sqlite:///{register_path()}"
    return str(DEMO_DIR / spec.file)


def _subject(programme: Programme, subject: tuple[str, object]) -> dict:
    kind, ref = subject
    if kind == "benefit":
        model, column = Benefit, Benefit.code
    elif kind == "track":
        model, column = Track, Track.number
    else:
        model, column = Risk, Risk.code
    row = db.session.scalar(
        sa.select(model).where(model.programme_id == programme.id, column == ref)
    )
    if row is None:
        raise LookupError(f"DDNS has no {kind} {ref}")
    return {f"{kind}_id": row.id}


@dataclass
class DemoReport:
    sources: int = 0
    metrics: int = 0
    indicators: int = 0
    register_built: bool = False


def seed_demo_metrics() -> DemoReport:
    """Create the demo sources, metrics and indicators that are missing; commit once.

    Needs the DDNS programme. Existing rows (matched by key or code) are left as they are.
    """
    programme = db.session.scalar(sa.select(Programme).where(Programme.slug == PROGRAMME))
    if programme is None:
        raise LookupError("load the DDNS data first (flask --app app seed ddns)")
    report = DemoReport(register_built=build_register(register_path()))
    sources = {
        s.key: s
        for s in db.session.scalars(sa.select(MetricSource).where(MetricSource.is_demo.is_(True)))
    }
    for spec in SOURCES:
        source = sources.get(spec.key)
        location = _location(spec)
        if source is None:
            sources[spec.key] = create_source(
                spec.key,
                spec.name,
                spec.type,
                location,
                spec.config,
                timeout_seconds=10,
                is_demo=True,
                description=DESCRIPTION,
            )
            report.sources += 1
        elif source.location != location:
            source.location = location  # the instance folder moved (a new checkout)
    existing = {
        i.code: i
        for i in db.session.scalars(
            sa.select(Indicator).where(Indicator.programme_id == programme.id)
        )
    }
    metrics = {m.key: m for m in db.session.scalars(sa.select(Metric))}
    for position, spec in enumerate(INDICATORS):
        if spec.code in existing:
            continue
        key = f"demo.{spec.source.removeprefix('demo-')}." + ".".join(
            str(v) for v in spec.filters.values()
        )
        metric = metrics.get(key)
        if metric is None:
            metric = metrics[key] = create_metric(
                sources[spec.source],
                key,
                f"Demo: {spec.name}",
                filters=spec.filters,
                unit=spec.unit,
                is_count=spec.is_count,
            )
            report.metrics += 1
        baseline_value, baseline_period = spec.baseline
        indicator = Indicator(
            programme_id=programme.id,
            **_subject(programme, spec.subject),
            kind=spec.kind,
            position=position,
            code=spec.code,
            name=spec.name,
            definition=spec.definition,
            unit=spec.unit,
            decimals=spec.decimals,
            direction=spec.direction,
            frequency=spec.frequency,
            method=spec.method or "Hentes automatisk fra demo-dataplatformen (DEMODATA).",
            baseline_value=Decimal(baseline_value),
            baseline_period=baseline_period,
            target_value=Decimal(spec.target[0]) if spec.target else None,
            target_period=spec.target[1] if spec.target else None,
            threshold_value=Decimal(spec.threshold) if spec.threshold else None,
            metric_id=metric.id,
            is_count=spec.is_count,
            responsible="Demo: gevinstejer",
            trajectory=[
                TrajectoryPoint(period=period, value=Decimal(value))
                for period, value in spec.trajectory
            ],
        )
        db.session.add(indicator)
        report.indicators += 1
    db.session.commit()
    return report
