"""The writable fields of each API write: how the body is read, and what openapi.py shows.

Each table maps a JSON field to its reader (portfolio/api/writes.py) and to the name the
service knows it by. A table holds only the fields its service takes (PROJECT_FIELDS and
the like), so a field the service drops leaves the API and its document with it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portfolio.api import writes as w
from portfolio.programmes import projects
from portfolio.programmes.models import ProjectStatus
from portfolio.risks.models import Level, RiskStatus
from portfolio.status import services as status_services
from portfolio.status.models import MilestoneKind, MilestoneStatus


def _taken_by(service_fields: tuple[str, ...], table: dict[str, w.Field]) -> dict[str, w.Field]:
    return {name: spec for name, spec in table.items() if (spec.attr or name) in service_fields}


_LEVEL = _l("Vælg low, medium eller high.")

RISK = {
    "title": w.make(w.text(300, visible=True)),
    "description": w.make(w.text(20000)),
    "consequence_text": w.make(w.text(5000)),
    "owner": w.make(w.text(200, nullable=True)),
    "probability": w.make(w.choice(Level, _LEVEL)),
    "consequence": w.make(w.choice(Level, _LEVEL)),
    "status": w.make(w.choice(RiskStatus, _l("Ukendt status."))),
}

MILESTONE = _taken_by(
    status_services.MILESTONE_FIELDS,
    {
        "title": w.make(w.text(300, visible=True), required=True),
        "kind": w.make(w.choice(MilestoneKind)),
        "planned_on": w.make(w.day(nullable=False), required=True),
        "forecast_on": w.make(w.day()),
        "done_on": w.make(w.day()),
        "status": w.make(w.choice(MilestoneStatus)),
        "track": w.make(w.track_number(), attr="track_id"),
        "project": w.make(w.project_code(), attr="project_id"),
        "description": w.make(w.text(5000)),
    },
)

# A code holds a character that shows, so the pattern allows blanks only around one.
PROJECT_CODE_PATTERN = r"^[0-9A-Za-zÆØÅæøå .-]*[0-9A-Za-zÆØÅæøå.-][0-9A-Za-zÆØÅæøå .-]*$"

PROJECT = _taken_by(
    projects.PROJECT_FIELDS,
    {
        "code": w.make(w.code(20, PROJECT_CODE_PATTERN), required=True),
        "name": w.make(w.text(300, visible=True), required=True),
        "track": w.make(w.track_number(), attr="track_id"),
        "owner": w.make(w.text(200, nullable=True)),
        "status": w.make(w.choice(ProjectStatus)),
        "start_month": w.make(w.month()),
        "end_month": w.make(w.month()),
        "percent_complete": w.make(w.percent()),
        "description": w.make(w.text(20000)),
    },
)

# Fields whose refusal a well-formed body can still meet: they name something that must
# exist (a track, a project), be free (a code) or agree with another field (a period's
# end after its start, a done milestone's date). The fuzzer allows a 422 on these alone.
RULE_FIELDS = {
    "milestone": {"track", "project", "done_on"},
    "project": {"track", "code", "end_month", "start_month"},
}
