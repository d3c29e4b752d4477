"""Concrete URLs for every route of the app, filled in with DDNS objects."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from portfolio.extensions import db
from portfolio.organisation.models import Stakeholder
from portfolio.programmes.services import get_programme

# Routes that need no signed-in user (the allowlist the route walker checks).
PUBLIC = {
    "auth.login",
    "auth.oidc_login",
    "auth.oidc_callback",
    "static",
    "core.healthz",
    "core.set_language",
    "api.openapi",
    "calendars.programme_feed",
    "calendars.personal_feed",
    "mail.forgot_password",
    "mail.set_password",
}


def sample_values() -> dict[str, object]:
    """Values for every URL parameter: DDNS objects, and a user with one role to manage."""
    from portfolio.auth import services as auth_services
    from portfolio.auth.models import ApiToken, Role

    ddns = get_programme("ddns")
    stakeholder_id = db.session.scalar(
        sa.select(Stakeholder.id).where(Stakeholder.programme_id == ddns.id).limit(1)
    )
    target = auth_services.get_user_by_email("target@example.dk")
    if target is None:
        target = auth_services.create_user("target@example.dk", "et langt og sikkert kodeord")
    if not target.memberships:  # a test may just have removed it
        auth_services.grant_role(target, Role.VIEWER, programme=ddns)
        db.session.commit()
    token_id = db.session.scalar(
        sa.select(ApiToken.id).where(ApiToken.user_id == target.id).limit(1)
    )
    if token_id is None:
        auth_services.issue_token(target, "Prøvetoken")
        db.session.commit()
        token_id = db.session.scalar(
            sa.select(ApiToken.id).where(ApiToken.user_id == target.id).limit(1)
        )
    from portfolio.auth.models import OidcGroupRole

    mapping_id = db.session.scalar(sa.select(OidcGroupRole.id).limit(1))
    if mapping_id is None:
        mapping = OidcGroupRole(claim_value="prøvegruppe", role=Role.VIEWER, programme_id=ddns.id)
        db.session.add(mapping)
        db.session.commit()
        mapping_id = mapping.id
    from portfolio.calendars import services as calendar_services
    from portfolio.calendars.models import FeedToken

    feed_token_id = db.session.scalar(
        sa.select(FeedToken.id).where(FeedToken.user_id == target.id).limit(1)
    )
    if feed_token_id is None:
        calendar_services.issue_feed_token(target, ddns)
        db.session.commit()
        feed_token_id = db.session.scalar(
            sa.select(FeedToken.id).where(FeedToken.user_id == target.id).limit(1)
        )
    ids = _sample_objects(ddns)
    body_id, member_id = _sample_member(ddns)
    return {
        "body_id": body_id,
        "member_id": member_id,
        "annex_id": _sample_annex(ddns),
        "feed_token_id": feed_token_id,
        **ids,
        "mapping_id": mapping_id,
        "slug": "ddns",
        "number": 1,
        "stakeholder_id": stakeholder_id,
        "filename": "css/styrbord.css",
        "kind": "forecast",
        "document_kind": "gevinstrealiseringsplan",
        "file_format": "docx",
        "name": "timeline",
        "user_id": target.id,
        "membership_id": target.memberships[0].id,
        "token_id": token_id,
        "subject": "benefit",
        "size": "trend",
        "indicator_code": ids.pop("indicator_code"),
        "timeline_id": ddns.timeline[0].id,
        "direction": "up",
    }


def _sample_objects(ddns) -> dict[str, int]:
    """Make sure there is a milestone, decision, mitigation action and report to address."""
    import datetime as dt

    from portfolio.reports.models import StatusReport
    from portfolio.reports.services import create_report
    from portfolio.risks.models import MitigationAction, Risk
    from portfolio.status.models import Decision, Milestone

    if db.session.scalar(sa.select(Decision.id).limit(1)) is None:
        db.session.add(Decision(programme_id=ddns.id, title="Prøvebeslutning", body="PSG"))
    risk = db.session.scalar(sa.select(Risk).where(Risk.code == "R1"))
    if not risk.actions:
        db.session.add(MitigationAction(risk=risk, description="Prøvehandling"))
    db.session.flush()
    if db.session.scalar(sa.select(StatusReport.id).limit(1)) is None:
        from portfolio.auth import services as auth_services

        reporter = auth_services.get_user_by_email(
            "reporter@example.dk"
        ) or auth_services.create_user(
            "reporter@example.dk", "et langt og sikkert kodeord", is_admin=True
        )
        create_report(
            reporter,
            ddns,
            title="Prøverapport",
            meeting_on=dt.date(2026, 12, 3),
            today=dt.date(2026, 11, 21),
        )
    from portfolio.indicators.models import Indicator

    indicator = db.session.scalar(sa.select(Indicator).where(Indicator.code == "GH1.T"))
    if indicator is None:
        from portfolio.benefits.services import get_benefit

        db.session.add(
            Indicator(
                programme_id=ddns.id,
                benefit=get_benefit(ddns, "GH1"),
                code="GH1.T",
                name="Prøveindikator",
            )
        )
    workshop = _sample_workshop(ddns)
    metric = _sample_metric()
    lesson_id, issued_id = _sample_documents(ddns)
    project_milestone_id, dependency_id = _sample_plan(ddns)
    change_item = _sample_change_request(ddns)
    db.session.commit()
    return {
        "change_kind": "timeline",
        "item_id": change_item.id,
        "indicator_code": "GH1.T",
        "workshop_id": workshop.id,
        "trend_code": "GH1.T1",
        "source_id": metric.source_id,
        "metric_id": metric.id,
        "workshop_action_id": workshop.actions[0].id,
        "milestone_id": db.session.scalar(sa.select(Milestone.id).limit(1)),
        "project_milestone_id": project_milestone_id,
        "dependency_id": dependency_id,
        "decision_id": db.session.scalar(sa.select(Decision.id).limit(1)),
        "action_id": db.session.scalar(sa.select(MitigationAction.id).limit(1)),
        "report_id": db.session.scalar(
            sa.select(StatusReport.id).order_by(StatusReport.id.desc()).limit(1)
        ),
        "lesson_id": lesson_id,
        "issued_id": issued_id,
    }


def _sample_documents(ddns) -> tuple[int, int]:
    """A lesson learned, and an issued document (a small Word file of its own)."""
    import hashlib
    import io

    from docx import Document

    from portfolio.documents.models import IssuedDocument, Lesson

    lesson = db.session.scalar(sa.select(Lesson).limit(1))
    if lesson is None:
        lesson = Lesson(programme_id=ddns.id, position=1, title="Prøveerfaring")
        db.session.add(lesson)
    issued = db.session.scalar(sa.select(IssuedDocument).limit(1))
    if issued is None:
        word = io.BytesIO()
        Document().save(word)
        content = word.getvalue()
        issued = IssuedDocument(
            programme_id=ddns.id,
            kind="itraad-status",
            number=1,
            version_label="1",
            title="Prøvedokument",
            issued_by="reporter@example.dk",
            docx=content,
            docx_sha256=hashlib.sha256(content).hexdigest(),
        )
        db.session.add(issued)
    db.session.flush()
    return lesson.id, issued.id


def _sample_member(ddns) -> tuple[int, int]:
    """A governance body of DDNS with a member (the seed gives the steering group six)."""
    from portfolio.organisation.models import GovernanceBody, GovernanceMember

    member = db.session.scalar(
        sa.select(GovernanceMember)
        .join(GovernanceBody)
        .where(GovernanceBody.programme_id == ddns.id)
        .order_by(GovernanceBody.position, GovernanceMember.position)
        .limit(1)
    )
    return member.body_id, member.id


def _sample_annex(ddns) -> int:
    """A DDNS annex with a small PDF attached, so that its download can be reached."""
    import hashlib

    from portfolio.programmes.models import Annex

    annex = db.session.scalar(
        sa.select(Annex).where(Annex.programme_id == ddns.id).order_by(Annex.position).limit(1)
    )
    if annex.file_sha256 is None:
        content = b"%PDF-1.4\n%%EOF\n"
        annex.file_name, annex.file_type = "bilag.pdf", "application/pdf"
        annex.file_size, annex.file_content = len(content), content
        annex.file_sha256 = hashlib.sha256(content).hexdigest()
        db.session.commit()
    return annex.id


def _sample_workshop(ddns):
    """A planned workshop with GH1 and GH2 on its agenda and an action for GH1.

    GH1 gets an indicator with two manual values, so that its trend chart can be drawn.
    """
    import datetime as dt
    from decimal import Decimal

    from portfolio.benefits.services import get_benefit
    from portfolio.core.months import Month
    from portfolio.indicators.models import Indicator, ManualValue
    from portfolio.workshops.models import Workshop, WorkshopAction, WorkshopItem

    workshop = db.session.scalar(sa.select(Workshop).limit(1))
    if workshop is None:
        gh1, gh2 = get_benefit(ddns, "GH1"), get_benefit(ddns, "GH2")
        if db.session.scalar(sa.select(Indicator).where(Indicator.code == "GH1.T1")) is None:
            indicator = Indicator(
                programme_id=ddns.id, benefit=gh1, code="GH1.T1", name="Prøveindikator"
            )
            db.session.add(indicator)
            db.session.flush()
            for year, value in ((2024, "12.5"), (2025, "14")):
                db.session.add(
                    ManualValue(
                        indicator_id=indicator.id, period=Month(year, 1), value=Decimal(value)
                    )
                )
        workshop = Workshop(
            programme_id=ddns.id,
            title="Prøveworkshop",
            held_on=dt.date(2026, 12, 1),
            items=[WorkshopItem(benefit=gh1, position=0), WorkshopItem(benefit=gh2, position=1)],
        )
        workshop.actions = [WorkshopAction(benefit=gh1, text="Prøvehandling", owner="A")]
        db.session.add(workshop)
        db.session.flush()
    return workshop


def _sample_plan(ddns) -> tuple[int, int]:
    """A milestone of project 1.1, and 1.1 depending on 1.2 (finish to start)."""
    import datetime as dt

    from portfolio.programmes.models import Project, ProjectDependency
    from portfolio.status.models import Milestone

    def project(code):
        return db.session.scalar(
            sa.select(Project).where(Project.programme_id == ddns.id, Project.code == code)
        )

    first, second = project("1.1"), project("1.2")
    milestone = db.session.scalar(sa.select(Milestone).where(Milestone.project_id == first.id))
    if milestone is None:
        milestone = Milestone(
            programme_id=ddns.id,
            track_id=first.track_id,
            project_id=first.id,
            title="Prøvemilepæl i projektet",
            planned_on=dt.date(2027, 3, 1),
        )
        db.session.add(milestone)
    dependency = db.session.scalar(
        sa.select(ProjectDependency).where(ProjectDependency.project_id == first.id)
    )
    if dependency is None:
        dependency = ProjectDependency(project=first, depends_on=second)
        db.session.add(dependency)
    db.session.flush()
    return milestone.id, dependency.id


def _sample_change_request(ddns):
    """A draft change request ÆA1 moving the first phase by a month."""
    import datetime as dt

    from portfolio.changes.models import ChangeItem, ChangeKind, ChangeRequest

    request = db.session.scalar(sa.select(ChangeRequest).where(ChangeRequest.code == "ÆA1"))
    if request is None:
        phase = ddns.timeline[0]
        request = ChangeRequest(
            programme_id=ddns.id,
            number=1,
            code="ÆA1",
            title="Prøveanmodning",
            requested_by="Sekretariatet",
            requested_on=dt.date(2026, 11, 20),
        )
        request.items.append(
            ChangeItem(
                position=1,
                kind=ChangeKind.TIMELINE,
                target_id=phase.id,
                new_start=phase.start_month.add(1),
                new_end=phase.end_month.add(1),
            )
        )
        db.session.add(request)
        db.session.flush()
    return request.items[0] if request.items else request


def _sample_metric():
    """A JSON-stat source with one metric."""
    from portfolio.metrics.models import Metric, MetricSource

    metric = db.session.scalar(sa.select(Metric).limit(1))
    if metric is None:
        source = MetricSource(
            key="prøvekilde", name="Prøvekilde", type="jsonstat", location="/tmp/ingen.json"
        )
        metric = Metric(source=source, key="prøvemetrik", name="Prøvemetrik")
        db.session.add(metric)
        db.session.flush()
    return metric


# A sensible <code> for each endpoint that takes one.
CODES = {
    "programmes.project": "1.1",
    "programmes.edit_project": "1.1",
    "programmes.retire_project": "1.1",
    "programmes.restore_project": "1.1",
    "programmes.move_project": "1.1",
    "programmes.add_dependency": "1.1",
    "programmes.remove_dependency": "1.1",
    "programmes.new_project_milestone": "1.1",
    "programmes.edit_project_milestone": "1.1",
    "risks.show": "R1",
    "risks.edit": "R1",
    "api.update_risk": "R1",
    "api.project": "1.1",
    "api.update_project": "1.1",
    "risks.reassess": "R1",
    "risks.close": "R1",
    "risks.add_action": "R1",
    "risks.update_action": "R1",
    "benefits.show": "GH1",
    "benefits.edit": "GH1",
    "benefits.retire": "GH1",
    "benefits.reinstate": "GH1",
    "workshops.item": "GH1",
    "workshops.record_item": "GH1",
    "workshops.trend": "GH1",
    "indicators.new": "GH1",
    "changes.show": "ÆA1",
    "changes.edit": "ÆA1",
    "changes.add_item": "ÆA1",
    "changes.remove_item": "ÆA1",
    "changes.submit": "ÆA1",
    "changes.decide": "ÆA1",
    "api.change_request": "ÆA1",
    "api.decide_change_request": "ÆA1",
    "api.add_change_item": "ÆA1",
    "api.submit_change_request": "ÆA1",
}


def url_for_rule(app: Flask, rule, values: dict) -> str:
    arguments = {name: values[name] for name in rule.arguments if name in values}
    if "code" in rule.arguments:
        arguments["code"] = CODES[rule.endpoint]
    if "name" in rule.arguments:
        arguments["name"] = "budget-years" if rule.endpoint.startswith("budgets.") else "timeline"
    with app.test_request_context():
        return app.url_for(rule.endpoint, **arguments)


def all_routes(app: Flask, method: str):
    """Yield (endpoint, url) for every rule accepting the method."""
    values = sample_values()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if method in rule.methods:
            yield rule.endpoint, url_for_rule(app, rule, values)
