"""A programme as a reviewable YAML file: export one, import any (docs/programme-file.md).

The format is the embedded DDNS file's (portfolio/seed/schema.py). The export writes what
the database holds, as stored: no figure is recomputed or "repaired". The import validates
the whole file first, reporting every problem by its path and line, then creates what is
missing and updates what differs, in the caller's one transaction; a second run finds
nothing to change. Every write goes through the ORM, so the audit listeners record it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import yaml
from flask_babel import gettext as _
from pydantic import ValidationError, model_validator

from portfolio import models as m
from portfolio.budgets.models import LASTING, TOTAL
from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.risks.services import today_for_history
from portfolio.seed.loader import SeedReport, _Loader
from portfolio.seed.schema import ProgrammeData, SeedFile

HEADER = (
    "# A Styrbord programme file (format 1): docs/programme-file.md describes it,\n"
    "# docs/programme-file.schema.json checks it. Amounts are mio. kr. as stored.\n"
    "# `flask --app app import programme FILE` loads it; a second run changes nothing.\n\n"
)


class ProgrammeFile(SeedFile):
    """A programme file: a seed file whose links may also name projects already stored."""

    @model_validator(mode="after")
    def links_resolve(self):
        # Checked against the file and the database by the import (import_programmes).
        return self


def programme_file_schema() -> dict:
    """Return the JSON Schema of a programme file, generated from the validating model."""
    schema = SeedFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Styrbord programme file"
    return schema


def programme_file_schema_text() -> str:
    return json.dumps(programme_file_schema(), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------- errors


class ProgrammeFileError(Exception):
    """The file cannot be imported; nothing was written. `problems` lists every one."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# A key a path may name as it is; any other (an unknown key is input from outside, as much
# as a value) is named "(key)", so that no message repeats what the file held.
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _path_text(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = str(part) if _PLAIN_KEY.match(str(part)) else "(key)"
            text += f".{name}" if text else name
    return text or "(file)"


def _line_of(root: yaml.Node | None, loc: tuple) -> int | None:
    """Return the line (1-based) of the deepest node the path reaches in the YAML tree."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        found = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if str(key.value) == str(part):
                    found = value
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            found = node.value[part]
        if found is None:
            continue  # a union's branch name or a missing key: stay on the parent
        node = found
        line = node.start_mark.line + 1
    return line


def _problem(root, loc: tuple, message: str) -> str:
    line = _line_of(root, loc)
    where = f"line {line}: " if line else ""
    return f"{where}{_path_text(loc)}: {message}"


class _AliasRefused(yaml.YAMLError):
    def __init__(self, mark):
        super().__init__()
        self.problem_mark = mark
        self.problem = "anchors and aliases (& and *) are not allowed"


def _refuse_aliases(text: str) -> None:
    """Refuse YAML aliases before anything is built: a programme file needs none, and a few
    nested aliases make a small file stand for billions of nodes (a "billion laughs")."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise _AliasRefused(event.start_mark)


def read_programme_file(text: str) -> ProgrammeFile:
    """Parse and validate a programme file, raising ProgrammeFileError with every problem.

    Messages name a path and a line and say what is wrong, never repeating the value
    found there (the file is input from outside).
    """
    try:
        _refuse_aliases(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ProgrammeFileError([f"{where}not valid YAML: {problem}"]) from error
    try:
        return ProgrammeFile.model_validate(raw)
    except ValidationError as error:
        problems: list[str] = []
        for e in error.errors(include_input=False, include_url=False):
            loc = tuple(e["loc"])
            if e["type"] == "references":
                problems.extend(
                    _problem(root, loc + tuple(where), message)
                    for where, message in e["ctx"]["problems"]
                )
            else:
                problems.append(_problem(root, loc, e["msg"]))
        raise ProgrammeFileError(problems) from error


# ---------------------------------------------------------------------------- export


def _decimal_text(value: Decimal) -> str:
    """Write an amount as printed: no trailing zeros, never an exponent (2.900 → "2.9")."""
    return format(value.normalize(), "f")


def _rows(model, order, **where) -> list:
    return list(db.session.scalars(sa.select(model).filter_by(**where).order_by(*order)))


def _period(start: Month | None, end: Month | None, precision) -> dict | None:
    if start is None or end is None:
        return None
    return {"start": str(start), "end": str(end), "precision": precision.value}


def _budget(programme: m.Programme, track_numbers: dict[int, int]) -> dict | None:
    baseline = db.session.scalar(
        sa.select(m.Baseline)
        .where(m.Baseline.programme_id == programme.id)
        .order_by(m.Baseline.number.desc())
        .limit(1)
    )
    if baseline is None:
        return None
    rows = _rows(m.BudgetRow, [m.BudgetRow.position], programme_id=programme.id)
    lines = _rows(m.BudgetLine, [m.BudgetLine.id], baseline_id=baseline.id)
    amounts: dict[int, dict[str, str]] = {}
    years: set[int] = set()
    for line in lines:
        amounts.setdefault(line.row_id, {})[line.period] = _decimal_text(line.amount)
        if line.period != LASTING:
            years.add(int(line.period))
    printed = _rows(m.PrintedTotal, [m.PrintedTotal.id], baseline_id=baseline.id)
    row_totals = {p.row_id: p.amount for p in printed if p.row_id is not None}
    column_totals = {p.column: _decimal_text(p.amount) for p in printed if p.row_id is None}
    columns = [str(y) for y in sorted(years)] + [LASTING]
    return {
        "unit": "mio. kr.",
        "years": sorted(years),
        "note": programme.budget_note,
        "baseline": {
            "number": baseline.number,
            "approved_on": baseline.approved_on,
            "approved_by": baseline.approved_by,
            "document": baseline.document,
            "reason": baseline.reason,
            "decision": baseline.decision,
        },
        "rows": [
            {
                "label": row.label,
                "track": track_numbers.get(row.track_id) if row.track_id else None,
                "cross_cutting": row.is_cross_cutting,
                "label_note": row.label_note,
                "amounts": {c: amounts.get(row.id, {}).get(c) for c in columns},
                "printed_total": _decimal_text(row_totals[row.id])
                if row.id in row_totals
                else None,
            }
            for row in rows
        ],
        "printed_column_totals": {
            **{c: column_totals.get(c) for c in columns[:-1]},
            TOTAL: column_totals.get(TOTAL),
            LASTING: column_totals.get(LASTING),
        },
    }


def _programme_data(programme: m.Programme) -> dict:
    pid = programme.id
    tracks = _rows(m.Track, [m.Track.number], programme_id=pid)
    number_of = {t.id: t.number for t in tracks}
    projects = _rows(m.Project, [m.Project.code], programme_id=pid)
    code_of = {p.id: p.code for p in projects}
    risks = _rows(m.Risk, [m.Risk.code], programme_id=pid)
    first_assessment = db.session.scalar(
        sa.select(m.RiskAssessment)
        .join(m.Risk)
        .where(m.Risk.programme_id == pid)
        .order_by(m.RiskAssessment.assessed_on, m.RiskAssessment.id)
        .limit(1)
    )
    bodies = _rows(m.GovernanceBody, [m.GovernanceBody.position], programme_id=pid)
    name_of_body = {b.id: b.name for b in bodies}
    benefits = _rows(m.Benefit, [m.Benefit.code], programme_id=pid)
    return {
        "slug": programme.slug,
        "name": programme.name,
        "short_name": programme.short_name,
        "source_document": programme.source_document,
        "programme_model": programme.programme_model,
        "programme_model_version": programme.programme_model_version,
        "document_version": programme.document_version,
        "status": programme.status.value,
        "period": _period(programme.start_month, programme.end_month, programme.period_precision),
        "owner": {
            "name": programme.owner_name,
            "title": programme.owner_title,
            "organisation": programme.owner_organisation,
        }
        if programme.owner_name
        else None,
        "primary_purpose": programme.primary_purpose,
        "vision": programme.vision,
        "vision_goals": [g.text for g in programme.vision_goals],
        "purpose": programme.purpose,
        "conditions": programme.conditions,
        "as_is": programme.as_is,
        "to_be": programme.to_be,
        "implementation": programme.implementation,
        "approvals": [
            {"body": a.body, "date": a.approved_on, "version": a.version}
            for a in programme.approvals
        ],
        "revisions": [
            {"version": r.version, "date": r.revised_on, "description": r.description}
            for r in programme.revisions
        ],
        "tracks": [
            {
                "number": t.number,
                "name": t.name,
                "description": t.description,
                "deliverables": [
                    {"text": d.text, "source_note": d.source_note} if d.source_note else d.text
                    for d in t.deliverables
                ],
            }
            for t in tracks
        ],
        "projects": [_project_data(p, number_of) for p in projects],
        "timeline": [
            {
                "name": item.name,
                "kind": item.kind.value,
                "start": str(item.start_month),
                "end": str(item.end_month),
            }
            for item in programme.timeline
        ],
        "budget": _budget(programme, number_of),
        "benefits_note": programme.benefits_note,
        "recipients": [
            r.name for r in _rows(m.Recipient, [m.Recipient.position], programme_id=pid)
        ],
        "benefits": [
            {
                "code": b.code,
                "name": b.name,
                "types": [link.type.value for link in b.type_links],
                "description": b.description,
                "recipients": [r.name for r in b.recipients],
                "owner": b.owner_label,
                "disbenefit": b.is_disbenefit,
            }
            for b in benefits
        ],
        "risks_note": programme.risks_note,
        "risks_assessed_on": first_assessment.assessed_on if first_assessment else None,
        "risks_assessment_note": first_assessment.note if first_assessment else "",
        "risks": [
            {
                "code": r.code,
                "title": r.title,
                "description": r.description,
                "consequence_text": r.consequence_text,
                "probability": r.probability.value,
                "consequence": r.consequence.value,
                "assessment_note": r.assessment_note,
                "owner": r.owner_label,
                "track": number_of.get(r.track_id) if r.track_id else None,
            }
            for r in risks
        ],
        "milestones": [
            {
                "title": ms.title,
                "kind": ms.kind.value,
                "planned_on": ms.planned_on,
                "done_on": ms.done_on,
                "track": number_of.get(ms.track_id) if ms.track_id else None,
                "description": ms.description,
            }
            for ms in _rows(m.Milestone, [m.Milestone.planned_on, m.Milestone.id], programme_id=pid)
        ],
        "organisation_note": programme.organisation_note,
        "governance": [
            {
                "name": b.name,
                "kind": b.kind.value,
                "parent": name_of_body.get(b.parent_id) if b.parent_id else None,
                "track": number_of.get(b.track_id) if b.track_id else None,
                "project": code_of.get(b.project_id) if b.project_id else None,
                "description": b.description,
                "members": [
                    {"name": member.name, "role": member.role}
                    for member in _rows(
                        m.GovernanceMember, [m.GovernanceMember.position], body_id=b.id
                    )
                ],
            }
            for b in bodies
        ],
        "stakeholders_note": programme.stakeholders_note,
        "stakeholders": [
            {"name": s.name, "attitude": s.attitude.value, "involvement": s.involvement}
            for s in _rows(m.Stakeholder, [m.Stakeholder.position], programme_id=pid)
        ],
        "annexes_note": programme.annexes_note,
        "annexes": [
            {"title": a.title, "kind": a.kind, "reference": a.reference} for a in programme.annexes
        ],
    }


def _project_data(project: m.Project, number_of: dict[int, int]) -> dict:
    items: dict[m.ProjectItemKind, list[str]] = {kind: [] for kind in m.ProjectItemKind}
    for item in project.items:
        items[item.kind].append(item.text)
    return {
        "code": project.code,
        "name": project.name,
        "track": number_of.get(project.track_id) if project.track_id else None,
        "owner": project.owner_label,
        "status": project.status.value,
        "period": _period(project.start_month, project.end_month, project.period_precision),
        "description": project.description,
        "deliverables": items[m.ProjectItemKind.DELIVERABLE],
        "expected_effects": items[m.ProjectItemKind.EXPECTED_EFFECT],
        "target_groups": items[m.ProjectItemKind.TARGET_GROUP],
    }


def _plain(value: Any) -> Any:
    """Turn a model dump into what YAML writes: amounts as their printed text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return _decimal_text(value)
    return value


class _Dumper(yaml.SafeDumper):
    """Multi-line text as a literal block, so the file reads like the document it holds."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def export_programme(programme: m.Programme) -> str:
    """Write the programme (and its outgoing project links) as a programme file's text.

    The data passes the validating model on its way out, so what is written is a file
    the import takes; defaults are left out to keep the file short.
    """
    links = []
    for project in _rows(m.Project, [m.Project.code], programme_id=programme.id):
        for link in sorted(project.links_out, key=lambda x: x.id):
            links.append(
                {
                    "from": {"programme": programme.slug, "project": project.code},
                    "to": {
                        "programme": link.to_project.programme.slug,
                        "project": link.to_project.code,
                    },
                    "relation": link.relation,
                    "description": link.description,
                }
            )
    data = ProgrammeFile.model_validate(
        {
            "format": 1,
            "portfolio": {
                "name": programme.portfolio.name,
                "description": programme.portfolio.description,
            },
            "programmes": [_programme_data(programme)],
            "links": links,
        }
    )
    dumped = _plain(data.model_dump(mode="python", by_alias=True, exclude_defaults=True))
    body = yaml.dump(
        dumped, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2
    )
    return HEADER + body


# ---------------------------------------------------------------------------- import


@dataclass
class ImportReport(SeedReport):
    updated: Counter = field(default_factory=Counter)
    programmes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.total_created or sum(self.updated.values()))


# Kept as the app has them when the file is imported again: a risk's assessment is its
# history, and a milestone's status moves in the app (the file knows only if it is done).
_KEEP_ON_UPDATE: dict[type, set[str] | None] = {
    m.RiskAssessment: None,  # None: every field
    m.Milestone: {"status"},
}


class _Sync(_Loader):
    """The seed loader, except that an object already stored takes the file's values."""

    report: ImportReport

    def ensure(self, model, key: dict, **values):
        query = sa.select(model).filter_by(**key)
        obj = db.session.scalars(query).one_or_none()
        if obj is None:
            return super().ensure(model, key, **values)
        keep = _KEEP_ON_UPDATE.get(model, set())
        changed = set()
        if keep is not None:
            for name, value in values.items():
                if name not in keep and getattr(obj, name) != value:
                    setattr(obj, name, value)
                    changed.add(name)
        if model is m.Risk and changed & {"probability", "consequence"}:
            # As when the risk is edited: a change of its levels is a reassessment, so
            # the risk's history stays whole.
            db.session.add(
                m.RiskAssessment(
                    risk=obj,
                    assessed_on=today_for_history(),
                    probability=obj.probability,
                    consequence=obj.consequence,
                    residual_probability=obj.residual_probability,
                    residual_consequence=obj.residual_consequence,
                    note=_("Niveau ændret ved import af en programfil."),
                    assessed_by="import",
                )
            )
            self.report.created["risk_assessments"] += 1
        if changed:
            db.session.flush()
            self.report.updated[model.__tablename__] += 1
        else:
            self.report.existing[model.__tablename__] += 1
        return obj

    # Set by import_programmes for each programme: where its problems are reported.
    root: yaml.Node | None = None
    index: int = 0

    def __init__(self, report: ImportReport):
        super().__init__(report)
        self.problems: list[str] = []

    def budget(self, pid: int, data: ProgrammeData, tracks) -> None:
        """Create a baseline the database lacks; refuse to change one it holds.

        An approved baseline is final (the database refuses any change to it): a new
        budget is a new baseline with the next number. The rows' labels may change.
        """
        budget = data.budget
        assert budget is not None  # the loader calls this only for a programme with one
        stored = db.session.scalars(
            sa.select(m.Baseline).filter_by(programme_id=pid, number=budget.baseline.number)
        ).one_or_none()
        if stored is None:
            super().budget(pid, data, tracks)
            return
        where = ("programmes", self.index, "budget")
        message = (
            f"differs from approved baseline {stored.number}, which cannot change;"
            " a new budget is a baseline with a new number"
        )
        for name in ("approved_on", "approved_by", "document", "reason", "decision"):
            if getattr(stored, name) != getattr(budget.baseline, name):
                self.problems.append(_problem(self.root, (*where, "baseline", name), message))
        printed = {(p.row_id, p.column): p.amount for p in stored.printed_totals}
        for position, row_data in enumerate(budget.rows, 1):
            row = self.ensure(
                m.BudgetRow,
                {"programme_id": pid, "position": position},
                label=row_data.label,
                track_id=tracks[row_data.track].id if row_data.track else None,
                is_cross_cutting=row_data.cross_cutting,
                label_note=row_data.label_note,
            )
            lines = {
                line.period: line.amount
                for line in db.session.scalars(
                    sa.select(m.BudgetLine).filter_by(row_id=row.id, baseline_id=stored.id)
                )
            }
            row_where = (*where, "rows", position - 1)
            for period, amount in row_data.amounts.items():
                if lines.get(period) != amount:
                    self.problems.append(
                        _problem(self.root, (*row_where, "amounts", period), message)
                    )
            if printed.get((row.id, TOTAL)) != row_data.printed_total:
                self.problems.append(_problem(self.root, (*row_where, "printed_total"), message))
        for column, amount in budget.printed_column_totals.items():
            if printed.get((None, column)) != amount:
                self.problems.append(
                    _problem(self.root, (*where, "printed_column_totals", column), message)
                )

    def benefits(self, pid: int, data: ProgrammeData) -> None:
        super().benefits(pid, data)
        recipients = {r.name: r for r in _rows(m.Recipient, [m.Recipient.id], programme_id=pid)}
        for b in data.benefits:
            benefit = db.session.scalars(
                sa.select(m.Benefit).filter_by(programme_id=pid, code=b.code)
            ).one()
            if [link.type.value for link in benefit.type_links] != list(b.types):
                benefit.type_links = []
                db.session.flush()
                benefit.type_links = [
                    m.BenefitTypeLink(type=m.BenefitType(t), position=i)
                    for i, t in enumerate(b.types)
                ]
                self.report.updated["benefit_types"] += 1
            if [r.name for r in benefit.recipients] != list(b.recipients):
                benefit.recipients = [recipients[name] for name in b.recipients]
                self.report.updated["benefit_recipients"] += 1
            db.session.flush()


def _check_links(seed: ProgrammeFile, root) -> list[str]:
    in_file = {(p.slug, x.code) for p in seed.programmes for x in p.projects}
    problems = []
    for index, link in enumerate(seed.links):
        for end, ref in (("from", link.from_), ("to", link.to)):
            if (ref.programme, ref.project) in in_file:
                continue
            stored = db.session.scalar(
                sa.select(m.Project.id)
                .join(m.Programme)
                .where(m.Programme.slug == ref.programme, m.Project.code == ref.project)
            )
            if stored is None:
                problems.append(
                    _problem(
                        root,
                        ("links", index, end),
                        "names a project that is neither in the file nor in Styrbord",
                    )
                )
    return problems


# A programme file is text a person reviews; a file this big is a mistake, not a programme.
MAX_FILE_BYTES = 5 * 1024 * 1024


def decode_programme_file(content: bytes) -> str:
    """Return an uploaded or read file's text, or raise ProgrammeFileError (too big, not UTF-8)."""
    if len(content) > MAX_FILE_BYTES:
        raise ProgrammeFileError([f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"])
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ProgrammeFileError(["not UTF-8 text"]) from error


def import_programmes(text: str) -> ImportReport:
    """Validate a programme file and write it into the session (flushing, not committing).

    Raise ProgrammeFileError when anything in it is wrong; what was flushed by then is the
    caller's to roll back (the command does), so nothing of the file is kept.
    """
    seed = read_programme_file(text)
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if problems := _check_links(seed, root):
        raise ProgrammeFileError(problems)
    report = ImportReport()
    loader = _Sync(report)
    portfolio = loader.ensure(
        m.Portfolio, {"name": seed.portfolio.name}, description=seed.portfolio.description
    )
    loader.root = root
    for index, programme_data in enumerate(seed.programmes):
        loader.index = index
        loader.programme(portfolio, programme_data)
        report.programmes.append(programme_data.slug)
    if loader.problems:
        raise ProgrammeFileError(loader.problems)
    for link in seed.links:
        ends = []
        for ref in (link.from_, link.to):
            ends.append(
                db.session.scalars(
                    sa.select(m.Project)
                    .join(m.Programme)
                    .where(m.Programme.slug == ref.programme, m.Project.code == ref.project)
                ).one()
            )
        loader.ensure(
            m.ProjectLink,
            {"from_project_id": ends[0].id, "to_project_id": ends[1].id},
            relation=link.relation,
            description=link.description,
        )
    return report
