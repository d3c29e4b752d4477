"""Who may do what, in one table that services consult and docs/permissions.md shows.

Administrators may do everything. Every other right comes from a membership of a
programme, and some memberships reach only part of it: a track lead's their track, a
benefit owner's their benefit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portfolio.auth.models import Membership, Role, User
from portfolio.core.errors import PermissionDenied


class Scope(enum.Enum):
    PROGRAMME = "the whole programme"
    TRACK = "objects of their own track"
    BENEFIT = "their own benefit"
    # Not tied to one programme: any membership with the role will do (creating a programme).
    ANY = "any programme they hold the role in"


class Action(enum.Enum):
    VIEW_PROGRAMME = "programme.view"
    CREATE_PROGRAMME = "programme.create"
    EDIT_PROGRAMME = "programme.edit"
    EDIT_TRACK = "track.edit"
    COMMENT_TRACK = "track.comment"
    EDIT_PROJECT = "project.edit"
    EDIT_MILESTONE = "milestone.edit"
    EDIT_RISK = "risk.edit"
    EDIT_BENEFIT = "benefit.edit"
    ASSESS_BENEFIT = "benefit.assess"
    EDIT_STAKEHOLDER = "stakeholder.edit"
    EDIT_BUDGET = "budget.edit"
    REBASELINE = "budget.rebaseline"
    MANAGE_REPORTS = "report.manage"
    ISSUE_DOCUMENTS = "document.issue"
    OVERRIDE_LIGHT = "light.override"
    MANAGE_DECISIONS = "decision.manage"
    EDIT_CHANGE_REQUEST = "change.edit"
    DECIDE_CHANGE_REQUEST = "change.decide"
    MANAGE_WORKSHOPS = "workshop.manage"
    MANAGE_SOURCES = "source.manage"
    MANAGE_USERS = "users.manage"
    VIEW_AUDIT = "audit.view"


DESCRIPTIONS = {
    Action.VIEW_PROGRAMME: "Read every page, report, export and API answer of the programme",
    Action.CREATE_PROGRAMME: (
        "Create a programme, blank or from another as a template (the creator becomes its"
        " secretariat)"
    ),
    Action.EDIT_PROGRAMME: (
        "Edit master data, vision, approvals, tracks (add, reorder, retire, delete), phases,"
        " waves, the governance bodies and their members, and the annexes and their files"
    ),
    Action.EDIT_TRACK: "Edit a track's name, description and deliverables",
    Action.COMMENT_TRACK: "Write a track's status commentary",
    Action.EDIT_PROJECT: "Create, edit, order and retire projects and their dependencies",
    Action.EDIT_MILESTONE: "Create and edit milestones and deliverables on the timeline",
    Action.EDIT_RISK: "Create, edit, reassess and close risks and their mitigation actions",
    Action.EDIT_BENEFIT: (
        "Create benefits; edit a benefit's profile, owner, links and indicators; retire it"
        " and take it up again"
    ),
    Action.ASSESS_BENEFIT: "Record a benefit's assessments and manual indicator values",
    Action.EDIT_STAKEHOLDER: "Create, edit and delete stakeholders",
    Action.EDIT_BUDGET: "Edit and import forecast and actual spend",
    Action.REBASELINE: "Register a new approved budget baseline",
    Action.MANAGE_REPORTS: "Create, approve and delete draft status reports",
    Action.ISSUE_DOCUMENTS: "Issue (freeze) the programme model's documents",
    Action.OVERRIDE_LIGHT: "Override a status light with a written justification",
    Action.MANAGE_DECISIONS: "Record decisions requested of and taken by the steering group",
    Action.EDIT_CHANGE_REQUEST: "Draft change requests and put them forward for decision",
    Action.DECIDE_CHANGE_REQUEST: (
        "Record the steering group's decision on a change request (approval applies it)"
    ),
    Action.MANAGE_WORKSHOPS: "Plan benefit follow-up workshops and record their minutes",
    Action.MANAGE_SOURCES: "Configure metric sources and refresh metrics",
    Action.MANAGE_USERS: "Manage users and their roles",
    Action.VIEW_AUDIT: "Read and export the audit log of all programmes",
}

_P, _T, _B, _A = Scope.PROGRAMME, Scope.TRACK, Scope.BENEFIT, Scope.ANY
_EVERY_ROLE = {Role.SECRETARIAT: _P, Role.TRACK_LEAD: _P, Role.BENEFIT_OWNER: _P, Role.VIEWER: _P}

# Action -> the roles that may take it, and how far each role reaches.
PERMISSIONS: dict[Action, dict[Role, Scope]] = {
    Action.VIEW_PROGRAMME: _EVERY_ROLE,
    Action.CREATE_PROGRAMME: {Role.SECRETARIAT: _A},
    Action.EDIT_PROGRAMME: {Role.SECRETARIAT: _P},
    Action.EDIT_TRACK: {Role.SECRETARIAT: _P},
    Action.COMMENT_TRACK: {Role.SECRETARIAT: _P, Role.TRACK_LEAD: _T},
    Action.EDIT_PROJECT: {Role.SECRETARIAT: _P, Role.TRACK_LEAD: _T},
    Action.EDIT_MILESTONE: {Role.SECRETARIAT: _P, Role.TRACK_LEAD: _T},
    Action.EDIT_RISK: {Role.SECRETARIAT: _P, Role.TRACK_LEAD: _T},
    Action.EDIT_BENEFIT: {Role.SECRETARIAT: _P},
    Action.ASSESS_BENEFIT: {Role.SECRETARIAT: _P, Role.BENEFIT_OWNER: _B},
    Action.EDIT_STAKEHOLDER: {Role.SECRETARIAT: _P},
    Action.EDIT_BUDGET: {Role.SECRETARIAT: _P},
    Action.REBASELINE: {Role.SECRETARIAT: _P},
    Action.MANAGE_REPORTS: {Role.SECRETARIAT: _P},
    Action.ISSUE_DOCUMENTS: {Role.SECRETARIAT: _P},
    Action.OVERRIDE_LIGHT: {Role.SECRETARIAT: _P},
    Action.MANAGE_DECISIONS: {Role.SECRETARIAT: _P},
    Action.EDIT_CHANGE_REQUEST: {Role.SECRETARIAT: _P, Role.TRACK_LEAD: _P},
    Action.DECIDE_CHANGE_REQUEST: {Role.SECRETARIAT: _P},
    Action.MANAGE_WORKSHOPS: {Role.SECRETARIAT: _P, Role.BENEFIT_OWNER: _B},
    Action.MANAGE_SOURCES: {Role.SECRETARIAT: _P},
    Action.MANAGE_USERS: {},
    Action.VIEW_AUDIT: {},
}


@dataclass(frozen=True)
class Target:
    """Where an action lands: a programme, and within it perhaps a track or a benefit."""

    programme_id: int | None = None
    track_id: int | None = None
    benefit_id: int | None = None


def target_of(obj) -> Target:
    """Describe an object (or a Target already) by the programme, track and benefit it is in."""
    if obj is None or isinstance(obj, Target):
        return obj or Target()
    table = getattr(obj, "__tablename__", None)
    if table == "programmes":
        return Target(programme_id=obj.id)
    if table == "tracks":
        return Target(programme_id=obj.programme_id, track_id=obj.id)
    if table == "benefits":
        return Target(programme_id=obj.programme_id, benefit_id=obj.id)
    return Target(
        programme_id=getattr(obj, "programme_id", None),
        track_id=getattr(obj, "track_id", None),
        benefit_id=getattr(obj, "benefit_id", None),
    )


# Each right in the user's words, to complete "Du har ikke rettighed til at …" on a 403.
RIGHT_NAMES = {
    Action.VIEW_PROGRAMME: _l("se programmet"),
    Action.CREATE_PROGRAMME: _l("oprette programmer"),
    Action.EDIT_PROGRAMME: _l(
        "redigere programmets stamdata, vision, spor, faser, organisation og bilag"
    ),
    Action.EDIT_TRACK: _l("redigere sporets navn, beskrivelse og leverancer"),
    Action.COMMENT_TRACK: _l("skrive sporets statuskommentar"),
    Action.EDIT_PROJECT: _l("oprette, redigere, ordne og tage projekter ud af planen"),
    Action.EDIT_MILESTONE: _l("oprette og redigere milepæle"),
    Action.EDIT_RISK: _l("oprette, redigere, genvurdere og lukke risici"),
    Action.EDIT_BENEFIT: _l(
        "oprette gevinster og redigere gevinstens profil, koblinger og indikatorer"
    ),
    Action.ASSESS_BENEFIT: _l("vurdere gevinsten og indtaste indikatorværdier"),
    Action.EDIT_STAKEHOLDER: _l("oprette, redigere og slette interessenter"),
    Action.EDIT_BUDGET: _l("redigere og indlæse prognose og forbrug"),
    Action.REBASELINE: _l("registrere en ny godkendt budgetversion"),
    Action.MANAGE_REPORTS: _l("oprette, godkende og slette statusrapporter"),
    Action.ISSUE_DOCUMENTS: _l("udstede programmets dokumenter"),
    Action.OVERRIDE_LIGHT: _l("overstyre et statuslys"),
    Action.MANAGE_DECISIONS: _l("registrere beslutninger til og fra styregruppen"),
    Action.EDIT_CHANGE_REQUEST: _l("udarbejde og indstille ændringsanmodninger"),
    Action.DECIDE_CHANGE_REQUEST: _l("registrere styregruppens beslutning om ændringsanmodninger"),
    Action.MANAGE_WORKSHOPS: _l("planlægge gevinstworkshops og skrive deres referat"),
    Action.MANAGE_SOURCES: _l("opsætte datakilder og opdatere målinger"),
    Action.MANAGE_USERS: _l("administrere brugere og deres roller"),
    Action.VIEW_AUDIT: _l("se og eksportere historikken for alle programmer"),
}


def refusal_message(action: Action) -> str:
    """Say, in the user's language, which right the user lacks (the 403 page's message)."""
    return _(
        "Du har ikke rettighed til at %(right)s. Spørg programsekretariatet eller en"
        " administrator, hvis du skal have den.",
        right=RIGHT_NAMES[action],
    )


def _reaches(membership: Membership, scope: Scope, target: Target) -> bool:
    if scope is Scope.ANY:
        return True
    if membership.programme_id is not None and membership.programme_id != target.programme_id:
        return False
    if scope is Scope.TRACK:
        return target.track_id is not None and membership.track_id == target.track_id
    if scope is Scope.BENEFIT:
        return target.benefit_id is not None and membership.benefit_id == target.benefit_id
    return True


def can(user: User | None, action: Action, obj=None) -> bool:
    """Tell whether the user may take the action on the object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_admin:
        return True
    rules = PERMISSIONS[action]
    target = target_of(obj)
    return any(
        membership.role in rules and _reaches(membership, rules[membership.role], target)
        for membership in user.memberships
    )


def require(user: User | None, action: Action, obj=None) -> None:
    """Raise PermissionDenied unless the user may take the action on the object."""
    if not can(user, action, obj):
        raise PermissionDenied(refusal_message(action), action=action.value)


def visible_programme_ids(user: User) -> set[int] | None:
    """Return the programmes the user may see, or None when they may see all."""
    if user.is_admin or any(m.programme_id is None for m in user.memberships):
        return None
    return {m.programme_id for m in user.memberships}


def permission_table_markdown() -> str:
    """Render the permission table as Markdown for docs/permissions.md."""
    roles = list(Role)
    header = ["Action", "What it allows", "Admin", *[r.value for r in roles]]
    lines = [
        "# Permissions",
        "",
        "Generated from `portfolio/auth/permissions.py` by",
        "`flask --app app docs permissions`; a test fails when this file is out of date.",
        "",
        "Administrators may do everything. Each other right comes from a membership of a",
        "programme: *programme* reaches the whole programme, *track* only objects of the",
        "track lead's own track, *benefit* only the benefit owner's own benefit, *any* a",
        "membership of any programme (a secretariat of one programme may create another). A",
        "membership without a programme reaches every programme. Services check these rules,",
        "so the pages and the JSON API obey the same table. Command-line tools are run by the",
        "operator who has shell access to the server; those that change programme data act",
        "as a named user (`--as EMAIL`) and are checked against this table too.",
        "Naming a user as a benefit's owner (the benefit's form) gives them a *benefit*",
        "membership of that benefit; naming someone else, a free-text name or nobody",
        "removes it again (docs/projects.md). Both are audited rows of memberships.",
        "A refusal (403) names the missing right in words in the user's language",
        '("Du har ikke rettighed til at redigere og indlæse prognose og forbrug."), from',
        "`RIGHT_NAMES` beside this table, never the action's code.",
        "",
        "Every signed-in user may see, make and revoke their own API tokens (Min konto →",
        "API-tokens); a token acts with its owner's rights, checked on every request against",
        "this table. Administrators (`users.manage`) see and revoke any user's tokens on the",
        "user's page. A token ends when it is revoked, when its owner's password changes and",
        "when the account is closed; reopening the account does not revive it.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for action in Action:
        rules = PERMISSIONS[action]
        cells = [
            f"`{action.value}`",
            DESCRIPTIONS[action],
            "yes",
            *[rules[r].name.lower() if r in rules else "–" for r in roles],
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def permission_key(user: User | None) -> tuple:
    """Return a value equal for two users exactly when `can` answers them alike.

    Pages cached for one user are served to another only when their keys are equal.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ("anonymous",)
    if user.is_admin:
        return ("admin",)
    return tuple(
        sorted(
            (m.programme_id or 0, m.role.value, m.track_id or 0, m.benefit_id or 0)
            for m in user.memberships
        )
    )
