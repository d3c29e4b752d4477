"""A synthetic portfolio for measuring scale: `flask --app app seed synthetic --scale N`.

Scale 1 is about the size of DDNS; scale 100 about 100 programmes, 1,000 projects, 3,000
risks, 600 benefits, 2,000 indicators with ten years of monthly observations and 50,000
budget lines. Every name says "Syntetisk", every programme's slug starts "syn-", and the
figures are random (from a fixed seed, so two runs make the same portfolio): synthetic data
is never mixed up with real programmes.

Rows are written in bulk through SQLAlchemy Core, not one object at a time through the ORM,
which is what makes scale 100 take seconds. Bulk rows therefore bypass the per-row audit
trail; the run records one audit entry describing what it generated.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import sqlalchemy as sa

from portfolio import models as m
from portfolio.audit.context import current_actor
from portfolio.audit.models import AuditEntry
from portfolio.core.models import utcnow
from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.indicators.models import Frequency, Indicator, IndicatorKind
from portfolio.metrics.models import Metric, MetricSource, StoredObservation

PORTFOLIO_NAME = "Syntetisk portefølje (målinger)"
FIRST_YEAR = 2021
YEARS = 10
PER_PROGRAMME = {
    "tracks": 4,
    "projects": 10,
    "risks": 30,
    "benefits": 6,
    "milestones": 20,
    "decisions": 4,
    "stakeholders": 10,
    "budget_rows": 10,
}
LEVELS = ("low", "medium", "high")


class _Writer:
    """Insert rows in bulk, returning their ids in order, and count them."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection
        self.counts: Counter[str] = Counter()

    def insert(self, model, rows: list[dict], *, ids: bool = False) -> list[int]:
        if not rows:
            return []
        table = model.__table__
        self.counts[table.name] += len(rows)
        if ids:
            result = self.connection.execute(
                sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
            )
            return [row.id for row in result]
        self.connection.execute(sa.insert(table), rows)
        return []


def _amount(rnd: random.Random, low: float, high: float) -> Decimal:
    return Decimal(f"{rnd.uniform(low, high):.1f}")


def _programme(writer: _Writer, rnd: random.Random, portfolio_id: int, number: int) -> None:
    start = Month(FIRST_YEAR, 1)
    end = Month(FIRST_YEAR + YEARS - 1, 12)
    (pid,) = writer.insert(
        m.Programme,
        [
            {
                "portfolio_id": portfolio_id,
                "slug": f"syn-{number:03d}",
                "name": f"Syntetisk program {number:03d}",
                "short_name": f"SYN{number:03d}",
                "owner_name": f"Programejer {number:03d}",
                "owner_title": "Direktør",
                "owner_organisation": "Syntetisk styrelse",
                "primary_purpose": "Syntetiske målinger",
                "vision": "Syntetisk program til måling af Styrbords ydeevne.",
                "start_month": start,
                "end_month": end,
                "period_precision": "year",
                "status": "active",
                "source_document": "Syntetiske data (flask seed synthetic)",
            }
        ],
        ids=True,
    )
    writer.insert(
        m.VisionGoal,
        [{"programme_id": pid, "position": i, "text": f"Mål {i}"} for i in range(1, 5)],
    )
    phases = [
        ("Identificering af program", "phase", start, start.add(2)),
        ("Præcisering af program", "phase", start.add(3), start.add(5)),
        ("Ledelse af programbølger", "phase", start.add(3), end.add(-2)),
        ("Bølge 1", "wave", start.add(3), end.add(-2)),
        ("Bølge 2", "wave", start.add(30), end.add(-2)),
        ("Lukning af program", "phase", end.add(-2), end),
    ]
    writer.insert(
        m.TimelineItem,
        [
            {
                "programme_id": pid,
                "position": i,
                "name": name,
                "kind": kind,
                "start_month": a,
                "end_month": b,
            }
            for i, (name, kind, a, b) in enumerate(phases, 1)
        ],
    )
    track_ids = writer.insert(
        m.Track,
        [
            {"programme_id": pid, "number": n, "name": f"Syntetisk spor {n}", "description": ""}
            for n in range(1, PER_PROGRAMME["tracks"] + 1)
        ],
        ids=True,
    )
    writer.insert(
        m.Deliverable,
        [
            {"track_id": t, "position": i, "text": f"Leverance {i}"}
            for t in track_ids
            for i in range(1, 4)
        ],
    )
    project_ids = writer.insert(
        m.Project,
        [
            {
                "programme_id": pid,
                "track_id": track_ids[i % len(track_ids)],
                "code": f"{i % len(track_ids) + 1}.{i // len(track_ids) + 1}",
                "name": f"Syntetisk projekt {i + 1}",
                "start_month": start.add(rnd.randint(3, 24)),
                "end_month": end.add(-rnd.randint(2, 30)),
                "status": "active",
            }
            for i in range(PER_PROGRAMME["projects"])
        ],
        ids=True,
    )
    risk_ids = writer.insert(
        m.Risk,
        [
            {
                "programme_id": pid,
                "track_id": rnd.choice([None, *track_ids]),
                "code": f"R{i}",
                "title": f"Syntetisk risiko {i}",
                "probability": rnd.choice(LEVELS),
                "consequence": rnd.choice(LEVELS),
                "status": rnd.choice(["open"] * 4 + ["closed"]),
            }
            for i in range(1, PER_PROGRAMME["risks"] + 1)
        ],
        ids=True,
    )
    writer.insert(
        m.RiskAssessment,
        [
            {
                "risk_id": r,
                "assessed_on": dt.date(FIRST_YEAR, 3, 1),
                "probability": "medium",
                "consequence": "medium",
                "note": "Syntetisk",
                "assessed_by": "synthetic",
            }
            for r in risk_ids
        ],
    )
    recipient_ids = writer.insert(
        m.Recipient,
        [
            {"programme_id": pid, "position": i, "name": name}
            for i, name in enumerate(["Borgeren", "Samfundet", "Sektoren"], 1)
        ],
        ids=True,
    )
    benefit_ids = writer.insert(
        m.Benefit,
        [
            {
                "programme_id": pid,
                "code": f"GH{i}",
                "name": f"Syntetisk gevinst {i}",
                "description": "Syntetisk",
                "owner": f"Gevinstejer {i}",
            }
            for i in range(1, PER_PROGRAMME["benefits"] + 1)
        ],
        ids=True,
    )
    writer.insert(
        m.BenefitTypeLink,
        [{"benefit_id": b, "type": "non_economic", "position": 0} for b in benefit_ids],
    )
    writer.connection.execute(
        m.Benefit.recipients.property.secondary.insert(),
        [{"benefit_id": b, "recipient_id": rnd.choice(recipient_ids)} for b in benefit_ids],
    )
    writer.insert(
        m.Milestone,
        [
            {
                "programme_id": pid,
                "track_id": rnd.choice(track_ids),
                "project_id": rnd.choice(project_ids),
                "kind": rnd.choice(["milestone", "deliverable"]),
                "title": f"Syntetisk milepæl {i}",
                "planned_on": dt.date(FIRST_YEAR + i % YEARS, 1 + i % 12, 15),
                "status": "planned",
            }
            for i in range(1, PER_PROGRAMME["milestones"] + 1)
        ],
    )
    writer.insert(
        m.Decision,
        [
            {
                "programme_id": pid,
                "title": f"Syntetisk beslutning {i}",
                "body": "Styregruppen",
                "status": "requested" if i == 1 else "decided",
                "decided_on": None if i == 1 else dt.date(FIRST_YEAR + i, 6, 1),
                "outcome": "" if i == 1 else "Godkendt.",
            }
            for i in range(1, PER_PROGRAMME["decisions"] + 1)
        ],
    )
    writer.insert(
        m.Stakeholder,
        [
            {
                "programme_id": pid,
                "position": i,
                "name": f"Interessent {i}",
                "attitude": rnd.choice(["positive", "neutral", "negative"]),
                "involvement": "",
            }
            for i in range(1, PER_PROGRAMME["stakeholders"] + 1)
        ],
    )
    _budget(writer, rnd, pid, track_ids)
    _indicators(writer, rnd, pid, number, benefit_ids, track_ids, risk_ids[:4])


def _indicators(
    writer: _Writer,
    rnd: random.Random,
    pid: int,
    number: int,
    benefit_ids: list[int],
    track_ids: list[int],
    risk_ids: list[int],
) -> None:
    """Twenty indicators per programme, each with a metric and ten years of monthly values."""
    now = utcnow()
    (source_id,) = writer.insert(
        MetricSource,
        [
            {
                "key": f"syn-{number:03d}",
                "name": f"Syntetisk kilde {number:03d}",
                "type": "jsonstat",
                "location": f"syntetisk/{number:03d}.json",
                "config": {},
                "description": "Syntetiske målinger; kilden findes ikke og er sat på pause.",
                # Paused: a refresh never tries to read a source that does not exist.
                "paused_at": now,
                "last_success_at": now,
            }
        ],
        ids=True,
    )
    subjects = (
        [("benefit_id", b, IndicatorKind.BENEFIT) for b in benefit_ids for _ in range(2)]
        + [("track_id", t, IndicatorKind.DELIVERY) for t in track_ids]
        + [("risk_id", r, IndicatorKind.KEY_RISK) for r in risk_ids]
    )
    metric_ids = writer.insert(
        Metric,
        [
            {
                "source_id": source_id,
                "key": f"syn-{number:03d}.{i}",
                "name": f"Syntetisk metrik {i}",
                "filters": {"serie": str(i)},
                "unit": "%",
                "last_success_at": now,
            }
            for i in range(len(subjects))
        ],
        ids=True,
    )
    writer.insert(
        Indicator,
        [
            {
                "programme_id": pid,
                # Every row names all four subject columns: executemany needs one shape.
                **{c: None for c in ("benefit_id", "track_id", "project_id", "risk_id")},
                column: subject_id,
                "kind": kind,
                "position": i,
                "code": f"I{i + 1}",
                "name": f"Syntetisk indikator {i + 1}",
                "unit": "%",
                "baseline_value": Decimal("40"),
                "baseline_period": Month(FIRST_YEAR, 1),
                "target_value": Decimal("80"),
                "target_period": Month(FIRST_YEAR + YEARS - 1, 12),
                "threshold_value": Decimal("20") if kind is IndicatorKind.KEY_RISK else None,
                "frequency": Frequency.MONTHLY,
                "metric_id": metric_id,
            }
            for i, ((column, subject_id, kind), metric_id) in enumerate(
                zip(subjects, metric_ids, strict=True)
            )
        ],
    )
    months = [Month(FIRST_YEAR + m // 12, m % 12 + 1) for m in range(YEARS * 12)]
    rows = []
    for metric_id in metric_ids:
        level = rnd.uniform(30, 50)
        for month in months:
            level = min(100.0, max(0.0, level + rnd.uniform(-1, 1.5)))
            text = f"{month.year:04d}-{month.month:02d}"
            rows.append(
                {
                    "metric_id": metric_id,
                    "period": text,
                    "period_start": text,
                    "revision": 1,
                    "is_current": True,
                    "value": Decimal(f"{level:.1f}"),
                    "status": "ok",
                    "fetched_at": now,
                }
            )
    writer.insert(StoredObservation, rows)


def _budget(writer: _Writer, rnd: random.Random, pid: int, track_ids: list[int]) -> None:
    rows = writer.insert(
        m.BudgetRow,
        [
            {
                "programme_id": pid,
                "position": i,
                "label": f"Syntetisk budgetrække {i}",
                "track_id": track_ids[i - 1] if i <= len(track_ids) else None,
                "is_cross_cutting": i > len(track_ids),
            }
            for i in range(1, PER_PROGRAMME["budget_rows"] + 1)
        ],
        ids=True,
    )
    baselines = writer.insert(
        m.Baseline,
        [
            {
                "programme_id": pid,
                "number": n,
                "approved_on": dt.date(FIRST_YEAR + n - 1, 1, 15),
                "approved_by": "Syntetisk bestyrelse",
                "reason": "Syntetisk",
            }
            for n in (1, 2, 3)
        ],
        ids=True,
    )
    years = [str(FIRST_YEAR + i) for i in range(YEARS)]
    lines = []
    for row in rows:
        base = {y: _amount(rnd, 0.5, 5) for y in years}
        lasting = _amount(rnd, 0.1, 2)
        for number, baseline in enumerate(baselines):
            for year in years:
                lines.append(
                    {
                        "row_id": row,
                        "baseline_id": baseline,
                        "kind": "baseline",
                        "period": year,
                        "amount": base[year] + Decimal(number) / 10,
                    }
                )
            lines.append(
                {
                    "row_id": row,
                    "baseline_id": baseline,
                    "kind": "baseline",
                    "period": "varigt",
                    "amount": lasting,
                }
            )
        for year in years:
            forecast = max(base[year] + _amount(rnd, -0.4, 0.6), Decimal("0.0"))
            lines.append(
                {
                    "row_id": row,
                    "baseline_id": None,
                    "kind": "forecast",
                    "period": year,
                    "amount": forecast,
                }
            )
            if int(year) < FIRST_YEAR + 7:  # seven years have actual spend
                lines.append(
                    {
                        "row_id": row,
                        "baseline_id": None,
                        "kind": "actual",
                        "period": year,
                        "amount": base[year],
                    }
                )
    writer.insert(m.BudgetLine, lines)


def generate(
    scale: int, *, progress: Callable[[int], None] | None = None, seed: int = 20261121
) -> Counter:
    """Create `scale` synthetic programmes (replacing earlier synthetic ones is refused)."""
    if scale < 1:
        raise ValueError("scale must be 1 or more")
    rnd = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    if (
        db.session.scalar(sa.select(m.Programme.id).where(m.Programme.slug.like("syn-%")).limit(1))
        is not None
    ):
        raise ValueError("this database already has a synthetic portfolio")
    db.session.commit()
    with db.engine.begin() as connection:
        # Bulk rows bypass the ORM's per-row audit; the run records one entry for itself.
        connection = connection.execution_options(audit_exempt=True)
        writer = _Writer(connection)
        (portfolio_id,) = writer.insert(
            m.Portfolio,
            [{"name": PORTFOLIO_NAME, "description": "Syntetiske programmer til målinger."}],
            ids=True,
        )
        for number in range(1, scale + 1):
            _programme(writer, rnd, portfolio_id, number)
            if progress:
                progress(1)
        connection.execute(
            sa.insert(AuditEntry.__table__),
            [
                {
                    "at": utcnow(),
                    "user_id": None,
                    "actor": current_actor().label[:300],
                    "action": "create",
                    "entity": "portfolios",
                    "entity_id": str(portfolio_id),
                    "entity_label": PORTFOLIO_NAME,
                    "new_value": json.dumps(
                        {"scale": scale, "rows": dict(writer.counts)}, sort_keys=True
                    ),
                }
            ],
        )
    return writer.counts
