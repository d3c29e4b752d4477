"""Planning a programme's projects: create, edit, order, retire and restore them, and the
finish-to-start dependencies between them.

The pages, the JSON API and the command line share these functions; each takes the acting
user and checks `project.edit` (a track lead only for their own track's projects). What a
caller may write is `PROJECT_FIELDS`: a project's lead is `owner` (a named person) or
`owner_user_id` (a user of the system), never both (auth/people.py).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _

from portfolio.audit.versions import apply_changes, check_version
from portfolio.auth.models import User
from portfolio.auth.people import check_owner
from portfolio.auth.permissions import Action, Target, require
from portfolio.core.errors import NotFound, RuleViolation
from portfolio.core.models import utcnow
from portfolio.core.months import Month
from portfolio.extensions import db
from portfolio.programmes.models import Programme, Project, ProjectDependency

PROJECT_FIELDS = (
    "code",
    "name",
    "description",
    "owner",
    "owner_user_id",
    "track_id",
    "status",
    "percent_complete",
    "start_month",
    "end_month",
)


def create_project(actor: User, programme: Programme, values: dict) -> Project:
    """Add a project to a programme (a track lead only to their own track).

    It goes last in its track's order. `values` holds PROJECT_FIELDS; `code` and `name`
    are required.
    """
    values = _only(values, PROJECT_FIELDS)
    require(
        actor,
        Action.EDIT_PROJECT,
        Target(programme_id=programme.id, track_id=values.get("track_id")),
    )
    errors = {}
    for name, message in (
        ("code", _("Angiv projektets nummer.")),
        ("name", _("Angiv projektets navn.")),
    ):
        if not (values.get(name) or "").strip():
            errors[name] = [message]
    if errors:
        raise RuleViolation(_("Projektet blev ikke oprettet."), errors=errors)
    _check_track(programme, values.get("track_id"))
    _check_period(values.get("start_month"), values.get("end_month"))
    _check_percent(values.get("percent_complete"))
    _check_code_free(programme, values["code"])
    values = check_owner(values)
    siblings = _siblings(programme.id, values.get("track_id"))
    position = max((p.position for p in siblings), default=0) + 1
    project = Project(programme_id=programme.id, position=position, **values)
    db.session.add(project)
    db.session.flush()
    return project


def update_project(
    actor: User, project: Project, values: dict, version: int | None = None
) -> Project:
    """Change a project; moving it to another track needs rights on both tracks.

    `version` is the version the change was started from; a colleague's save in between
    refuses it (StaleEdit).
    """
    require(actor, Action.EDIT_PROJECT, project)
    changes = _only(values, PROJECT_FIELDS)
    if "track_id" in changes and changes["track_id"] != project.track_id:
        require(
            actor,
            Action.EDIT_PROJECT,
            Target(programme_id=project.programme_id, track_id=changes["track_id"]),
        )
        _check_track(project.programme, changes["track_id"])
    for name in ("code", "name"):
        if name in changes and not (changes[name] or "").strip():
            raise RuleViolation(
                _("Projektet blev ikke gemt."), errors={name: [_("Feltet skal udfyldes.")]}
            )
    if "code" in changes and changes["code"] != project.code:
        _check_code_free(project.programme, changes["code"])
    _check_period(
        changes.get("start_month", project.start_month), changes.get("end_month", project.end_month)
    )
    _check_percent(changes.get("percent_complete"))
    changes = check_owner(changes, current_user_id=project.owner_user_id)
    apply_changes(project, changes, version)
    return project


def retire_project(actor: User, project: Project, version: int | None = None) -> Project:
    """Take a project out of the plan: off the timelines and the lights, kept and listed.

    Its milestones stay (and still count on the status page); its dependencies go, as a
    retired project neither waits for nor holds up another.
    """
    require(actor, Action.EDIT_PROJECT, project)
    check_version(project, version)
    if project.is_retired:
        raise RuleViolation(_("Projektet er allerede udgået af planen."))
    for dependency in [*project.depends_on, *project.needed_by]:
        db.session.delete(dependency)
    project.retired_at = utcnow()
    db.session.flush()
    return project


def restore_project(actor: User, project: Project, version: int | None = None) -> Project:
    """Put a retired project back in the plan, last in its track's order."""
    require(actor, Action.EDIT_PROJECT, project)
    check_version(project, version)
    if not project.is_retired:
        raise RuleViolation(_("Projektet er ikke udgået af planen."))
    siblings = _siblings(project.programme_id, project.track_id)
    project.position = max((p.position for p in siblings), default=0) + 1
    project.retired_at = None
    db.session.flush()
    return project


def move_project(actor: User, project: Project, offset: int) -> Project:
    """Move a project up (offset -1) or down (+1) among its track's projects in the plan.

    The track's projects are numbered 1, 2, 3 … in their shown order, then the project
    trades places with its neighbour; at either end nothing moves.
    """
    require(actor, Action.EDIT_PROJECT, project)
    if project.is_retired:
        raise RuleViolation(_("Et udgået projekt har ingen plads i rækkefølgen."))
    siblings = _siblings(project.programme_id, project.track_id)
    index = siblings.index(project)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(siblings):
        return project
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings, 1):
        if sibling.position != position:
            sibling.position = position
    db.session.flush()
    return project


def _siblings(programme_id: int, track_id: int | None) -> list[Project]:
    """The projects of the same track still in the plan, in their shown order."""
    return list(
        db.session.scalars(
            sa.select(Project)
            .where(
                Project.programme_id == programme_id,
                Project.track_id.is_(None) if track_id is None else Project.track_id == track_id,
                Project.retired_at.is_(None),
            )
            .order_by(Project.position, Project.code, Project.id)
        )
    )


def planned_projects(projects: Iterable[Project]) -> list[Project]:
    """The projects still in the plan (not retired), in their order."""
    return [p for p in projects if not p.is_retired]


# ---------------------------------------------------------------------------- dependencies


def add_dependency(
    actor: User, project: Project, depends_on: Project, description: str = ""
) -> ProjectDependency:
    """Record that `project` starts only when `depends_on` is finished (afslutning før start).

    Refused: a project depending on itself, on a project of another programme or a retired
    one, the same dependency twice, and any dependency that would close a cycle.
    """
    require(actor, Action.EDIT_PROJECT, project)
    field = "depends_on_id"
    if depends_on.id == project.id:
        message = _("Et projekt kan ikke afhænge af sig selv.")
        raise RuleViolation(message, errors={field: [message]})
    if depends_on.programme_id != project.programme_id or depends_on.is_retired:
        message = _("Vælg et af programmets projekter i planen.")
        raise RuleViolation(message, errors={field: [message]})
    if project.is_retired:
        raise RuleViolation(_("Et udgået projekt kan ikke få afhængigheder."))
    if any(d.depends_on_id == depends_on.id for d in project.depends_on):
        message = _(
            "%(project)s afhænger allerede af %(other)s.",
            project=project.code,
            other=depends_on.code,
        )
        raise RuleViolation(message, errors={field: [message]})
    path = _path(depends_on.id, project.id)
    if path is not None:
        codes = {
            row.id: row.code
            for row in db.session.execute(
                sa.select(Project.id, Project.code).where(Project.id.in_(path))
            )
        }
        chain = " → ".join([project.code, *(codes[i] for i in path)])
        message = _(
            "Afhængigheden er ikke gemt: den ville give en kreds (%(chain)s), så ingen af "
            "projekterne kunne begynde.",
            chain=chain,
        )
        raise RuleViolation(message, errors={field: [message]})
    dependency = ProjectDependency(
        project=project, depends_on=depends_on, description=(description or "").strip()
    )
    db.session.add(dependency)
    db.session.flush()
    return dependency


def _path(start: int, goal: int) -> list[int] | None:
    """The chain of "depends on" steps from `start` to `goal`, if there is one.

    Walks the programme's dependencies in memory (a programme has tens of projects).
    """
    edges: dict[int, list[int]] = {}
    for project_id, depends_on_id in db.session.execute(
        sa.select(ProjectDependency.project_id, ProjectDependency.depends_on_id)
    ):
        edges.setdefault(project_id, []).append(depends_on_id)
    came_from: dict[int, int | None] = {start: None}
    queue = [start]
    while queue:
        current = queue.pop(0)
        if current == goal:
            chain = [current]
            while (previous := came_from[chain[-1]]) is not None:
                chain.append(previous)
            return list(reversed(chain))
        for following in edges.get(current, ()):
            if following not in came_from:
                came_from[following] = current
                queue.append(following)
    return None


def get_dependency(project: Project, dependency_id: int) -> ProjectDependency:
    dependency = db.session.get(ProjectDependency, dependency_id)
    if dependency is None or dependency.project_id != project.id:
        raise NotFound(_("Afhængigheden findes ikke."))
    return dependency


def remove_dependency(actor: User, dependency: ProjectDependency) -> None:
    """Remove a dependency (the dependent project's rights are needed)."""
    require(actor, Action.EDIT_PROJECT, dependency.project)
    from portfolio.core.locking import delete_once

    delete_once(dependency)
    db.session.flush()


def start_conflicts(project: Project) -> list[ProjectDependency]:
    """The dependencies whose predecessor ends after this project starts (by the months).

    Finish-to-start to the month: a project may start in the month its predecessor ends.
    """
    if project.start_month is None:
        return []
    return [
        d
        for d in project.depends_on
        if d.depends_on.end_month is not None and d.depends_on.end_month > project.start_month
    ]


# ---------------------------------------------------------------------------- checks


def _only(values: dict, fields: Iterable[str]) -> dict:
    return {k: v for k, v in values.items() if k in fields}


def _check_period(start: Month | None, end: Month | None) -> None:
    if start is not None and end is not None and start > end:
        raise RuleViolation(
            _("Perioden slutter før den begynder."),
            errors={"end_month": [_("Slutmåneden skal ligge efter startmåneden.")]},
        )


def _check_percent(value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        message = _("Færdiggørelsen skal være et helt tal fra 0 til 100 (procent).")
        raise RuleViolation(message, errors={"percent_complete": [message]})


def _check_track(programme: Programme, track_id: int | None) -> None:
    if track_id is not None and track_id not in {t.id for t in programme.tracks}:
        raise RuleViolation(
            _("Sporet hører ikke til programmet."),
            errors={"track_id": [_("Vælg et af programmets spor.")]},
        )


def _check_code_free(programme: Programme, code: str) -> None:
    taken = db.session.scalar(
        sa.select(Project.id).where(Project.programme_id == programme.id, Project.code == code)
    )
    if taken is not None:
        raise RuleViolation(
            _("Projektnummeret er allerede i brug."),
            errors={"code": [_("Et andet projekt har allerede dette nummer.")]},
        )
