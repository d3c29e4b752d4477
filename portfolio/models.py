"""Every model, imported in one place so that Alembic and the tests see the whole schema."""

from portfolio.audit.models import AuditEntry
from portfolio.auth.models import Membership, Role, User
from portfolio.benefits.models import Benefit, BenefitType, BenefitTypeLink, Recipient
from portfolio.budgets.models import (
    Baseline,
    BudgetImport,
    BudgetKind,
    BudgetLine,
    BudgetRow,
    PrintedTotal,
)
from portfolio.charts.models import ChartCache
from portfolio.organisation.models import (
    Attitude,
    BodyKind,
    GovernanceBody,
    GovernanceMember,
    Stakeholder,
)
from portfolio.programmes.models import (
    Annex,
    Approval,
    Deliverable,
    Portfolio,
    Precision,
    Programme,
    ProgrammeStatus,
    Project,
    ProjectItem,
    ProjectItemKind,
    ProjectLink,
    ProjectStatus,
    Revision,
    TimelineItem,
    TimelineKind,
    Track,
    VisionGoal,
)
from portfolio.risks.models import Level, Risk, RiskStatus

__all__ = [
    "Annex",
    "Approval",
    "Attitude",
    "AuditEntry",
    "Baseline",
    "Benefit",
    "BenefitType",
    "BenefitTypeLink",
    "BodyKind",
    "BudgetImport",
    "BudgetKind",
    "BudgetLine",
    "BudgetRow",
    "ChartCache",
    "Deliverable",
    "GovernanceBody",
    "GovernanceMember",
    "Level",
    "Membership",
    "Portfolio",
    "Precision",
    "PrintedTotal",
    "Programme",
    "ProgrammeStatus",
    "Project",
    "ProjectItem",
    "ProjectItemKind",
    "ProjectLink",
    "ProjectStatus",
    "Recipient",
    "Revision",
    "Risk",
    "RiskStatus",
    "Role",
    "Stakeholder",
    "TimelineItem",
    "TimelineKind",
    "Track",
    "User",
    "VisionGoal",
]
