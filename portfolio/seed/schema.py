"""The shape of the seed data file, checked before anything is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from portfolio.budgets.workbook_data import MAX_AMOUNT
from portfolio.core.months import Month
from portfolio.core.text import clean_value
from portfolio.core.validators import EARLIEST_DAY, LATEST_DAY, is_plausible_day


class Strict(BaseModel):
    """A part of the seed file: no unknown keys; text cleaned and dates checked as forms do."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _text_and_dates(cls, value):
        # The seed file is text from outside like any other (core/text.py): nobody is there
        # to ask about a stray control character, so it goes; a date outside the years the
        # forms take is a mistake in the file, and said so before anything is written.
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            if not is_plausible_day(value):
                raise ValueError(f"date {value.isoformat()} is not between 1900 and 2200")
            return value
        if isinstance(value, str | list | dict):
            return clean_value(value)
        return value


def _month(value: str) -> str:
    month = Month.parse(value)
    if not EARLIEST_DAY.year <= month.year <= LATEST_DAY.year:
        raise ValueError(f"month {value} is not between 1900 and 2200")
    return value


class Period(Strict):
    start: str
    end: str
    precision: Literal["month", "year"] = "month"

    _check = field_validator("start", "end")(_month)

    @model_validator(mode="after")
    def ordered(self):
        if Month.parse(self.start) > Month.parse(self.end):
            raise ValueError("period starts after it ends")
        return self


class Owner(Strict):
    name: str
    title: str | None = None
    organisation: str | None = None


class ApprovalData(Strict):
    body: str
    date: dt.date
    version: str


class RevisionData(Strict):
    version: str
    date: dt.date
    description: str = ""


class DeliverableData(Strict):
    text: str
    source_note: str | None = None


class TrackData(Strict):
    number: int = Field(ge=1)
    name: str
    description: str = ""
    deliverables: list[str | DeliverableData] = []


class ProjectData(Strict):
    code: str
    name: str
    track: int | None = None
    owner: str | None = None
    status: Literal["planned", "active", "completed", "cancelled"] = "active"
    period: Period | None = None
    description: str = ""
    deliverables: list[str] = []
    expected_effects: list[str] = []
    target_groups: list[str] = []


class TimelineData(Strict):
    name: str
    kind: Literal["phase", "wave"]
    start: str
    end: str

    _check = field_validator("start", "end")(_month)


Amount = Decimal


def _amount(value: Decimal) -> Decimal:
    # Below the workbook's limit (1 000 000 mio. kr.) before anything is computed with it:
    # quantizing 1e308 fails, and the column holds thousandths in a 64-bit integer.
    if (
        not value.is_finite()
        or value < 0
        or value >= MAX_AMOUNT
        or value != value.quantize(Decimal("0.001"))
    ):
        raise ValueError("amounts are non-negative, below 1000000, with at most three decimals")
    return value


class BudgetRowData(Strict):
    label: str
    track: int | None = None
    cross_cutting: bool = False
    label_note: str | None = None
    amounts: dict[str, Amount]
    printed_total: Amount

    @field_validator("amounts")
    @classmethod
    def amounts_valid(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        for amount in value.values():
            _amount(amount)
        return value

    _total = field_validator("printed_total")(_amount)


class BaselineData(Strict):
    number: int = Field(ge=1)
    approved_on: dt.date
    approved_by: str
    document: str = ""
    reason: str = ""
    decision: str = ""


class BudgetData(Strict):
    caption: str = ""
    unit: Literal["mio. kr."]
    years: list[int]
    note: str = ""
    baseline: BaselineData
    rows: list[BudgetRowData]
    printed_column_totals: dict[str, Amount]

    @model_validator(mode="after")
    def columns_complete(self):
        columns = {str(y) for y in self.years} | {"varigt"}
        for row in self.rows:
            if set(row.amounts) != columns:
                raise ValueError(f"row {row.label!r} needs exactly the columns {sorted(columns)}")
        if set(self.printed_column_totals) != columns | {"total"}:
            raise ValueError("printed_column_totals needs each year, 'total' and 'varigt'")
        return self


class BenefitData(Strict):
    code: str
    name: str
    types: list[Literal["economic", "socio_economic", "non_economic"]] = Field(min_length=1)
    description: str = ""
    recipients: list[str] = []
    owner: str | None = None
    disbenefit: bool = False


class RiskData(Strict):
    code: str
    title: str
    description: str = ""
    consequence_text: str = ""
    probability: Literal["low", "medium", "high"]
    consequence: Literal["low", "medium", "high"]
    assessment_note: str | None = None
    owner: str | None = None
    track: int | None = None


class MilestoneData(Strict):
    title: str
    kind: Literal["milestone", "deliverable"] = "milestone"
    planned_on: dt.date
    done_on: dt.date | None = None
    track: int | None = None
    description: str = ""


class MemberData(Strict):
    name: str
    role: str = ""


class BodyData(Strict):
    name: str
    kind: Literal[
        "board",
        "programme_steering_group",
        "secretariat",
        "steering_group",
        "working_group",
        "project_group",
        "technical_group",
        "taskforce",
    ]
    parent: str | None = None
    track: int | None = None
    project: str | None = None
    description: str = ""
    members: list[MemberData] = []


class StakeholderData(Strict):
    name: str
    attitude: Literal["positive", "neutral", "negative"]
    involvement: str = ""


class AnnexData(Strict):
    title: str
    kind: str = ""
    reference: str | None = None


class ProgrammeData(Strict):
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    short_name: str
    source_document: str | None = None
    programme_model: str | None = None
    programme_model_version: str | None = None
    document_version: str | None = None
    status: Literal["planned", "active", "closing", "closed"]
    period: Period
    owner: Owner | None = None
    primary_purpose: str | None = None
    vision: str = ""
    vision_goals: list[str] = []
    purpose: str = ""
    conditions: str = ""
    as_is: str = ""
    to_be: str = ""
    implementation: str = ""
    approvals: list[ApprovalData] = []
    revisions: list[RevisionData] = []
    tracks: list[TrackData] = []
    projects: list[ProjectData] = []
    timeline: list[TimelineData] = []
    budget: BudgetData | None = None
    benefits_note: str = ""
    recipients: list[str] = []
    benefits: list[BenefitData] = []
    risks_note: str = ""
    # The day the risks were assessed as listed (the approval of the basis).
    risks_assessed_on: dt.date | None = None
    risks_assessment_note: str = ""
    risks: list[RiskData] = []
    milestones: list[MilestoneData] = []
    organisation_note: str = ""
    governance: list[BodyData] = []
    stakeholders_note: str = ""
    stakeholders: list[StakeholderData] = []
    annexes_note: str = ""
    annexes: list[AnnexData] = []

    @model_validator(mode="after")
    def references_resolve(self):
        # Every problem at once, each by its path within the programme and without the
        # value found there (the file is input from outside); the import reads them back
        # from the error's context to give each its own line.
        problems = reference_problems(self)
        if problems:
            summary = "; ".join(f"{_dotted(loc)}: {message}" for loc, message in problems)
            raise PydanticCustomError(
                "references", "{summary}", {"summary": summary, "problems": problems}
            )
        return self


def _dotted(loc: tuple) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)[1:]


def reference_problems(data: ProgrammeData) -> list[tuple[tuple, str]]:
    """List what in a programme names something the programme lacks, or repeats a key."""
    problems: list[tuple[tuple, str]] = []

    def repeats(section: str, key: str, values: list) -> None:
        seen = set()
        for index, value in enumerate(values):
            if value in seen:
                problems.append(((section, index, key), "repeats an earlier entry's value"))
            seen.add(value)

    tracks = {t.number for t in data.tracks}
    codes = [p.code for p in data.projects]
    repeats("tracks", "number", [t.number for t in data.tracks])
    repeats("projects", "code", codes)
    repeats("benefits", "code", [b.code for b in data.benefits])
    repeats("risks", "code", [r.code for r in data.risks])
    repeats("milestones", "title", [x.title for x in data.milestones])
    repeats("governance", "name", [b.name for b in data.governance])
    repeats("stakeholders", "name", [x.name for x in data.stakeholders])
    for index, name in enumerate(data.recipients):
        if name in data.recipients[:index]:
            problems.append((("recipients", index), "repeats an earlier recipient"))
    unknown_track = "names a track number the programme does not have"
    sections: tuple[tuple[str, list[ProjectData | RiskData | MilestoneData | BodyData]], ...]
    sections = (
        ("projects", list(data.projects)),
        ("risks", list(data.risks)),
        ("milestones", list(data.milestones)),
        ("governance", list(data.governance)),
    )
    for section, items in sections:
        for index, item in enumerate(items):
            if item.track is not None and item.track not in tracks:
                problems.append(((section, index, "track"), unknown_track))
    if data.budget:
        for index, row in enumerate(data.budget.rows):
            if row.track is not None and row.track not in tracks:
                problems.append((("budget", "rows", index, "track"), unknown_track))
            if (row.track is None) != row.cross_cutting:
                problems.append(
                    (("budget", "rows", index), "needs either a track or cross_cutting: true")
                )
    for index, benefit in enumerate(data.benefits):
        if set(benefit.recipients) - set(data.recipients):
            problems.append(
                (("benefits", index, "recipients"), "names a recipient not in recipients")
            )
    names = [b.name for b in data.governance]
    for index, body in enumerate(data.governance):
        if body.parent is not None and body.parent not in names:
            problems.append((("governance", index, "parent"), "names no body in governance"))
        if body.project is not None and body.project not in codes:
            problems.append((("governance", index, "project"), "names no project in projects"))
    return problems


class ProjectRef(Strict):
    programme: str
    project: str


class LinkData(Strict):
    from_: ProjectRef = Field(alias="from")
    to: ProjectRef
    relation: str
    description: str = ""


class PortfolioData(Strict):
    name: str
    description: str = ""


class SeedFile(Strict):
    format: Literal[1]
    portfolio: PortfolioData
    programmes: list[ProgrammeData]
    links: list[LinkData] = []

    @model_validator(mode="after")
    def links_resolve(self):
        projects = {(p.slug, x.code) for p in self.programmes for x in p.projects}
        for link in self.links:
            for ref in (link.from_, link.to):
                if (ref.programme, ref.project) not in projects:
                    raise ValueError(f"link names unknown project {ref.programme}/{ref.project}")
        return self
