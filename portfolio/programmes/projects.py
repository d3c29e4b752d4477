"""Creating and changing a programme's projects, for the pages, the JSON API and the CLI.

`values` hold the fields of PROJECT_FIELDS as Python values: text, a Month or None for
`start_month` and `end_month`, a ProjectStatus, and a track's id (or None) for `track_id`.
A refusal is a RuleViolation with a list of messages per field (the field names below);
no message repeats a value. Permission: `project.edit`, i.e. the secretariat, or the
track lead of the track the project is in (and, when it moves, of the track it moves to).
Every change is audited by the audit listeners; an update is checked against the version
it is based on (a StaleEdit when someone saved since).
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from portfolio.auth.models import User
from portfolio.auth.permissions import Action, Target, require
from portfolio.core.errors import RuleViolation
from portfolio.core.text import has_visible_text
from portfolio.programmes import services
from portfolio.programmes.models import Programme, Project

PROJECT_FIELDS = (
    "code",
    "name",
    "description",
    "owner",
    "track_id",
    "start_month",
    "end_month",
    "status",
)

REQUIRED = ("code", "name")
MAX_LENGTHS = {"code": 20, "name": 300, "description": 20_000, "owner": 200}
CODE_PATTERN = re.compile(r"^[0-9A-Za-zÆØÅæøå .-]+$")


def _check(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Return the values with text stripped, or raise RuleViolation naming every bad field."""
    values = {k: v for k, v in values.items() if k in PROJECT_FIELDS}
    errors: dict[str, list[str]] = {}
    for name in REQUIRED:
        if (creating and name not in values) or (
            name in values
            and not (isinstance(values[name], str) and has_visible_text(values[name]))
        ):
            errors[name] = [_("Feltet skal udfyldes.")]
    for name, limit in MAX_LENGTHS.items():
        value = values.get(name)
        if isinstance(value, str):
            if len(value) > limit and name not in errors:
                errors[name] = [_("Højst %(max)d tegn.", max=limit)]
            values[name] = value.strip()
    code = values.get("code")
    if isinstance(code, str) and "code" not in errors and not CODE_PATTERN.match(code):
        errors["code"] = [_("Brug bogstaver, tal, punktum, bindestreg og mellemrum.")]
    if errors:
        raise RuleViolation(_("Projektet blev ikke gemt."), errors=errors)
    return values


def create_project(actor: User, programme: Programme, values: dict) -> Project:
    """Add a project to the programme (a track lead only to their own track)."""
    require(
        actor,
        Action.EDIT_PROJECT,
        Target(programme_id=programme.id, track_id=values.get("track_id")),
    )
    return services.create_project(actor, programme, _check(values, creating=True))


def update_project(actor: User, project: Project, values: dict, version: int) -> Project:
    """Change a project as of `version`; moving it needs rights on both tracks."""
    require(actor, Action.EDIT_PROJECT, project)
    services.update_project(actor, project, _check(values, creating=False), version)
    return project
