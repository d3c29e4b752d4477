"""Turn domain objects into the JSON shapes documented in openapi.py."""

from __future__ import annotations

from decimal import Decimal

from portfolio.budgets.tables import BudgetTable


def text(value) -> str | None:
    return None if value is None else str(value)


def amount(value: Decimal | None) -> str | None:
    """Write an amount as a decimal string with one to three decimals: "2.9", "3.0", "0.125".

    Amounts travel as strings so that no client turns them into binary floats.
    """
    if value is None:
        return None
    integral, _dot, fraction = format(value, "f").partition(".")
    fraction = fraction.rstrip("0") or "0"
    return f"{integral}.{fraction}"


def programme_summary(programme, phase=None) -> dict:
    return {
        "slug": programme.slug,
        "name": programme.name,
        "short_name": programme.short_name,
        "status": programme.status.value,
        "period": period(programme),
        "owner": {
            "name": programme.owner_name,
            "title": programme.owner_title,
            "organisation": programme.owner_organisation,
        },
        "current_phase": phase.name if phase else None,
    }


def portfolio_figures(row) -> dict:
    """The portfolio overview's figures of a programme (status/portfolio.ProgrammeRow)."""

    def dated(found) -> dict | None:
        if found is None:
            return None
        return {
            "date": found.on.isoformat() if found.on else None,
            "title": found.title,
            "overdue": found.overdue,
        }

    figures = row.figures
    return {
        "overall_light": figures.overall.colour.value,
        "lights": {key: light.colour.value for key, light in figures.lights.items()},
        "budget": None
        if not figures.has_budget
        else {
            "approved": amount(figures.approved),
            "estimate_at_completion": amount(figures.estimate),
            "variance": amount(figures.variance),
        },
        "next_milestone": dated(figures.next_milestone),
        "next_decision": dated(figures.next_decision),
    }


def period(obj) -> dict:
    return {
        "start": text(obj.start_month),
        "end": text(obj.end_month),
        "precision": obj.period_precision.value,
    }


def owner(obj) -> str | None:
    """The owner as written: a user's name, else the named person's text as stored (so a
    client reads back what it wrote)."""
    return obj.owner_user.display_name if obj.owner_user is not None else obj.owner


def project(p) -> dict:
    return {
        "code": p.code,
        "name": p.name,
        "track": p.track.number if p.track else None,
        "owner": owner(p),
        "status": p.status.value,
        "period": period(p),
        "percent_complete": p.percent_complete,
        "description": p.description,
        "version": p.version,
    }


def milestone(m) -> dict:
    return {
        "id": m.id,
        "title": m.title,
        "kind": m.kind.value,
        "planned_on": m.planned_on.isoformat(),
        "forecast_on": m.forecast_on.isoformat() if m.forecast_on else None,
        "done_on": m.done_on.isoformat() if m.done_on else None,
        "status": m.status.value,
        "track": m.track.number if m.track else None,
        "project": m.project.code if m.project else None,
        "description": m.description,
        "version": m.version,
    }


def import_report(report, *, dry_run: bool) -> dict:
    """What a programme file created and changed (or, in a dry run, would)."""
    from portfolio.audit.presentation import entity_name

    def counts(counter) -> list[dict]:
        return [
            {"entity": table, "label": entity_name(table), "count": n}
            for table, n in sorted(counter.items())
            if n
        ]

    return {
        "dry_run": dry_run,
        "changed": report.changed,
        "programmes": list(report.programmes),
        "created": counts(report.created),
        "updated": counts(report.updated),
    }


def programme_detail(programme, phase=None) -> dict:
    return {
        **programme_summary(programme, phase),
        "primary_purpose": programme.primary_purpose,
        "programme_model": programme.programme_model,
        "programme_model_version": programme.programme_model_version,
        "document_version": programme.document_version,
        "vision": programme.vision,
        "vision_goals": [g.text for g in programme.vision_goals],
        "purpose": programme.purpose,
        "conditions": programme.conditions,
        "as_is": programme.as_is,
        "to_be": programme.to_be,
        "implementation": programme.implementation,
        "approvals": [
            {"body": a.body, "date": a.approved_on.isoformat(), "version": a.version}
            for a in programme.approvals
        ],
        "revisions": [
            {"version": r.version, "date": r.revised_on.isoformat(), "description": r.description}
            for r in programme.revisions
        ],
        "tracks": [
            {
                "number": t.number,
                "name": t.name,
                "description": t.description,
                "deliverables": [
                    {"text": d.text, "source_note": d.source_note} for d in t.deliverables
                ],
            }
            for t in programme.tracks
        ],
        "projects": [project(p) for p in programme.projects],
        "timeline": [
            {
                "name": item.name,
                "kind": item.kind.value,
                "start": text(item.start_month),
                "end": text(item.end_month),
            }
            for item in programme.timeline
        ],
        "annexes": [{"title": a.title, "kind": a.kind} for a in programme.annexes],
    }


def budget_table(table: BudgetTable) -> dict:
    baseline = table.baseline
    return {
        "unit": "mio. kr.",
        "baseline": None
        if baseline is None
        else {
            "number": baseline.number,
            "approved_on": baseline.approved_on.isoformat(),
            "approved_by": baseline.approved_by,
            "document": baseline.document,
        },
        "columns": table.columns,
        "rows": [
            {
                "position": r.row.position,
                "label": r.row.label,
                "track": r.row.track.number if r.row.track else None,
                "cross_cutting": r.row.is_cross_cutting,
                "label_note": r.row.label_note,
                "amounts": {p: amount(v) for p, v in r.amounts.items()},
                "computed_total": amount(r.computed_total),
                "printed_total": amount(r.printed_total),
            }
            for r in table.rows
        ],
        "column_totals": {
            c: {
                "computed": amount(table.column_total(c)),
                "printed": amount(table.printed_columns.get(c)),
            }
            for c in table.columns
        },
        "discrepancies": [
            {
                "where": d.where,
                "printed": amount(d.printed),
                "computed": amount(d.computed),
                "difference": amount(d.difference),
            }
            for d in table.discrepancies()
        ],
    }


def risk(r) -> dict:
    return {
        "code": r.code,
        "title": r.title,
        "description": r.description,
        "consequence_text": r.consequence_text,
        "probability": r.probability.value,
        "consequence": r.consequence.value,
        "score": r.score,
        "residual_score": r.residual_score,
        "residual_counts": r.residual_counts,
        "current_score": r.current_score,
        "assessment_note": r.assessment_note,
        "owner": owner(r),
        "status": r.status.value,
        "track": r.track.number if r.track else None,
        "version": r.version,
    }


def benefit(b, readings=()) -> dict:
    """A benefit with its indicators' readings (disclosure applied: withheld values null)."""
    from portfolio.indicators.services import benefit_progress, reading_snapshot

    progress = benefit_progress(list(readings))
    return {
        "code": b.code,
        "name": b.name,
        "types": [t.value for t in b.types],
        "description": b.description,
        "recipients": [r.name for r in b.recipients],
        "owner": owner(b),
        "responsible": b.responsible,
        "operations_owner": b.operations_owner,
        "handed_over_on": b.handed_over_on.isoformat() if b.handed_over_on else None,
        "is_disbenefit": b.is_disbenefit,
        "retired_on": b.retired_on.isoformat() if b.retired_on else None,
        "retired_reason": b.retired_reason if b.retired_on else None,
        "tracks": [t.number for t in b.tracks],
        "projects": [p.code for p in b.projects],
        "progress": progress.value if progress else None,
        "indicators": [reading_snapshot(reading) for reading in readings],
        "version": b.version,
    }


def stakeholder(s) -> dict:
    return {"name": s.name, "attitude": s.attitude.value, "involvement": s.involvement}


def light(value) -> dict:
    return {
        "colour": value.colour.value,
        "reason": value.reason,
        "rule": value.rule,
        "figures": [{"label": label, "value": text} for label, text in value.figures],
        "based_on_demo_data": value.demo,
    }


def _rollup(data: dict) -> dict:
    return {
        "colour": data["colour"],
        "label": data["label"],
        "unknown": data["unknown"],
        "total": data["total"],
        "rule": data["rule"],
        "based_on_demo_data": data["demo"],
    }


def status(snapshot: dict) -> dict:
    """The status page's lights, from the same snapshot the page and reports are drawn from."""
    from portfolio.core.lights import Light

    def from_snapshot(data: dict) -> dict:
        return light(Light.from_dict(data))

    return {
        "today": snapshot["today"],
        "overall": _rollup(snapshot["overall_rollup"]),
        "based_on_demo_data": snapshot["based_on_demo_data"],
        "lights": [
            {
                "dimension": key,
                "label": str(entry["label"]),
                "light": from_snapshot(entry["light"]),
                "overridden": entry["override"] is not None,
            }
            for key, entry in snapshot["lights"].items()
        ],
        "tracks": [
            {
                "number": t["number"],
                "name": t["name"],
                "overall": _rollup(t["rollup"]),
                "parts": {key: from_snapshot(part) for key, part in t["parts"].items()},
            }
            for t in snapshot["tracks"]
        ],
        "top_risks": snapshot["top_risks"],
    }


def budget(overview) -> dict:
    """The approved table plus versions, forecast, actual, variance and cost lights."""

    def by_period(figures: dict) -> dict:
        return {p: amount(v) for p, v in figures.items()}

    return {
        **budget_table(overview.baseline_table),
        "years": overview.years,
        "versions": [
            {
                "number": b.number,
                "approved_on": b.approved_on.isoformat(),
                "approved_by": b.approved_by,
                "document": b.document,
                "reason": b.reason,
                "decision": b.decision,
                "current": b.id == overview.baseline.id,
            }
            for b in overview.versions
        ],
        "figures": [
            {
                "position": f.row.position,
                "label": f.row.label,
                "baseline": by_period(f.baseline),
                "forecast": by_period(f.forecast),
                "actual": by_period(f.actual),
                "variance": {
                    kind: {
                        p: amount(f.variance(kind, p))
                        for p in overview.periods
                        if f.variance(kind, p) is not None
                    }
                    for kind in ("forecast", "actual")
                },
                "estimate": {
                    y: amount(f.estimate(y, y in overview.closed_years))
                    for y in overview.years
                    if f.estimate(y, y in overview.closed_years) is not None
                },
                "cost_light": light(overview.row_costs[f.row.id].light),
            }
            for f in overview.rows
        ],
        # The one estimate at completion (the page, charts, light, report and workbook show it):
        # actual spend for the closed years, the forecast (else the approved amount) for the rest.
        "closed_years": sorted(overview.closed_years),
        "estimate_at_completion": amount(overview.estimate_total),
        "cost_light": light(overview.programme_cost.light),
    }
