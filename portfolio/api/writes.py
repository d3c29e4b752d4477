"""The JSON API's writes: one way to read a request body, check it and save it.

Every write endpoint describes its writable fields as a table of `Field`s (the JSON name,
how to read the value, the name the service knows it by, whether a create needs it, its
OpenAPI schema) and hands it to `read_body`, which

1. demands a JSON object;
2. for an update, checks the `version` the change is based on (an integer 1..2³¹-1);
3. refuses NUL and lone surrogates anywhere in the body (400), which no client means to
   send and no database or encoder takes;
4. removes the other control characters, as every form does (a text's length is counted
   as sent, so that what the document refuses is refused);
5. refuses unknown fields (422), naming those whose names look like field names;
6. reads each field (type, length, choice, month, date, reference), collecting every error;
7. for a create, demands the required fields.

Errors are RuleViolations with one list of messages per field, in the user's language;
no message repeats a submitted or stored value. `save` then calls the service, maps the
service's field names in its RuleViolation back to the JSON names, and commits; a stale
version becomes the 409 `conflict_response` describes (the API blueprint registers it).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _

from portfolio.auth.models import User
from portfolio.auth.permissions import Action, Target, can, refusal_message
from portfolio.core.errors import DomainError, PermissionDenied, RuleViolation, StaleEdit
from portfolio.core.models import Versioned
from portfolio.core.months import Month
from portfolio.core.text import clean_value, has_visible_text, refusal
from portfolio.core.validators import day_refusal, month_refusal, parse_day
from portfolio.extensions import csrf, db

T = TypeVar("T")

# A name an unknown field may be reported by; any other is reported under UNNAMED, so
# that nothing a client sent comes back in an answer.
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
UNNAMED = "_unknown"

# Text may hold any character but NUL (no database text column stores it); lone surrogates
# cannot be expressed portably in a pattern, and are refused with a 400 too.
NO_NUL = {"pattern": "^[^\\u0000]*$"}


class FieldError(ValueError):
    """A field's value cannot be taken; the message says why, never repeating the value."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Context:
    """What reading a field may need to know: the programme the write lands in."""

    programme: Any = None


Reader = Callable[[Any, Context], Any]


@dataclass(frozen=True)
class Field:
    read: Reader
    schema: dict
    attr: str | None = None  # the service's name for the field; None: the JSON name
    required: bool = False  # a create must carry it


@dataclass
class Body:
    version: int | None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def based_on(self) -> int:
        """The version an update is based on (read_body with versioned=True demands one)."""
        if self.version is None:
            raise RuleViolation(_("Angiv den version, ændringen bygger på."))
        return self.version


# ---------------------------------------------------------------------------- readers


def wrong_type() -> str:
    return _("Forkert type.")


def text(max_length: int, *, visible: bool = False, nullable: bool = False) -> tuple[Reader, dict]:
    """Text of at most `max_length` characters (stripped); `visible`: something that shows."""

    def read(value: Any, context: Context) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise FieldError(wrong_type())
        if visible and not has_visible_text(value):
            raise FieldError(_("Feltet skal udfyldes."))
        if len(value) > max_length:
            raise FieldError(_("Højst %(max)d tegn.", max=max_length))
        return value.strip()

    schema: dict = {"type": ["string", "null"] if nullable else "string", "maxLength": max_length}
    if visible:
        schema["minLength"] = 1
        schema["allOf"] = [NO_NUL, VISIBLE_TEXT]
    else:
        schema.update(NO_NUL)
    return read, schema


def code(max_length: int, pattern: str) -> tuple[Reader, dict]:
    """A code: text matching `pattern` (which must hold one character that shows)."""
    read_text, _schema = text(max_length, visible=True)
    compiled = re.compile(pattern)

    def read(value: Any, context: Context) -> Any:
        value = read_text(value, context)
        if not compiled.match(value):
            raise FieldError(_("Brug bogstaver, tal, punktum, bindestreg og mellemrum."))
        return value

    return read, {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": pattern}


def choice(enum_cls: type[enum.Enum], message: Any = None) -> tuple[Reader, dict]:
    """One of an enumeration's values; `message` (lazy text) replaces the default refusal."""
    values = [member.value for member in enum_cls]

    def read(value: Any, context: Context) -> Any:
        if not isinstance(value, str):
            raise FieldError(wrong_type())
        try:
            return enum_cls(value)
        except ValueError:
            if message is not None:
                raise FieldError(str(message)) from None
            raise FieldError(_("Vælg en af: %(choices)s.", choices=", ".join(values))) from None

    return read, {"type": "string", "enum": values}


# The range forms take (core/validators.py): 1900-01 to 2200-12.
MONTH_PATTERN = r"^(19\d\d|2[01]\d\d|2200)-(0[1-9]|1[0-2])$"
DAY_PATTERN = r"^(19\d\d|2[01]\d\d|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


def month(*, nullable: bool = True) -> tuple[Reader, dict]:
    """A month written YYYY-MM, between 1900-01 and 2200-12."""

    def read(value: Any, context: Context) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise FieldError(wrong_type())
        if not re.fullmatch(r"\d{4}-\d{2}", value):
            raise FieldError(_("Angiv en måned som ÅÅÅÅ-MM, fx 2026-11."))
        try:
            parsed = Month.parse(value)
        except ValueError:
            raise FieldError(_("Angiv en måned som ÅÅÅÅ-MM, fx 2026-11.")) from None
        reason = month_refusal(parsed)
        if reason is not None:
            raise FieldError(str(reason))
        return parsed

    schema = {
        "type": ["string", "null"] if nullable else "string",
        "pattern": MONTH_PATTERN,
        "description": "A month, YYYY-MM (1900-01 to 2200-12)",
    }
    return read, schema


def day(*, nullable: bool = True) -> tuple[Reader, dict]:
    """A date written YYYY-MM-DD, between 1900-01-01 and 2200-12-31."""

    def read(value: Any, context: Context) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise FieldError(wrong_type())
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise FieldError(_("Ugyldig dato. Skriv den som ÅÅÅÅ-MM-DD, fx 2026-11-30."))
        try:
            parsed: dt.date = parse_day(value)
        except ValueError as error:
            raise FieldError(str(error)) from None
        reason = day_refusal(parsed)
        if reason is not None:
            raise FieldError(reason)
        return parsed

    schema = {
        "type": ["string", "null"] if nullable else "string",
        "format": "date",
        "pattern": DAY_PATTERN,
        "description": "A date, YYYY-MM-DD (1900-01-01 to 2200-12-31)",
    }
    return read, schema


def percent() -> tuple[Reader, dict]:
    """A whole percentage from 0 to 100, or null (not assessed)."""

    def read(value: Any, context: Context) -> Any:
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise FieldError(wrong_type())
        if not 0 <= value <= 100:
            raise FieldError(_("Angiv en procent fra 0 til 100."))
        return value

    return read, {"type": ["integer", "null"], "minimum": 0, "maximum": 100}


def track_number() -> tuple[Reader, dict]:
    """A track of the programme by its number, or null; read as the track's id."""

    def read(value: Any, context: Context) -> Any:
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise FieldError(wrong_type())
        for track in context.programme.tracks:
            if track.number == value:
                return track.id
        raise FieldError(_("Programmet har intet spor med det nummer."))

    return read, {
        "type": ["integer", "null"],
        "minimum": 1,
        "maximum": 2**31 - 1,
        "description": "The track's number within the programme",
    }


def project_code() -> tuple[Reader, dict]:
    """A project of the programme by its code, or null; read as the project's id."""

    def read(value: Any, context: Context) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise FieldError(wrong_type())
        for project in context.programme.projects:
            if project.code == value.strip():
                return project.id
        raise FieldError(_("Programmet har intet projekt med det nummer."))

    return read, {
        "type": ["string", "null"],
        "maxLength": 20,
        **NO_NUL,
        "description": "The project's code within the programme",
    }


def make(reader: tuple[Reader, dict], *, attr: str | None = None, required: bool = False) -> Field:
    read, schema = reader
    return Field(read=read, schema=schema, attr=attr, required=required)


# Text that shows (core/text.has_visible_text). The pattern takes a moment to build (it
# lists every invisible character), so openapi.build_spec fills it in the first time.
VISIBLE_TEXT: dict = {}


# ---------------------------------------------------------------------------- reading


def protect_session_write() -> None:
    """Demand a CSRF token unless the request authenticated with a bearer token."""
    if current_app.config["WTF_CSRF_ENABLED"] and not g.get("token_authenticated"):
        csrf.protect()


def require_somewhere(user: User, action: Action, programme) -> None:
    """Refuse (403) a user who may take `action` nowhere in the programme.

    A create is checked against the very track it lands in by its service; this check comes
    first, so that a user without the right hears 403 whatever the body holds.
    """
    if can(user, action, programme):
        return
    for track in programme.tracks:
        if can(user, action, Target(programme_id=programme.id, track_id=track.id)):
            return
    raise PermissionDenied(refusal_message(action), action=action.value)


def read_version(body: dict) -> int:
    version = body.get("version")
    if isinstance(version, float) and version.is_integer():
        version = int(version)  # JSON has one number type: 3.0 is the integer 3
    if not isinstance(version, int) or isinstance(version, bool):
        raise RuleViolation(
            _("Angiv den version, ændringen bygger på."),
            errors={"version": [_("Skal være et heltal.")]},
        )
    if not 1 <= version <= Versioned.MAX_VERSION:
        raise RuleViolation(
            _("Angiv den version, ændringen bygger på."),
            errors={"version": [_("Ukendt version.")]},
        )
    return version


def read_body(
    fields: Mapping[str, Field],
    *,
    versioned: bool,
    refused: str,
    context: Context | None = None,
    creating: bool = False,
) -> Body:
    """Read the request's JSON body against `fields` (see the module's description).

    `versioned`: an update, whose body carries the `version` it is based on. `creating`:
    the required fields must be there. `refused` is the message of a refusal of fields.
    Returns the version and the values under the service's names.
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise RuleViolation(_("Forespørgslen skal være et JSON-objekt."))
    version = read_version(body) if versioned else None
    reason = refusal(body)
    if reason is not None:
        # NUL (PostgreSQL cannot store it) or a lone surrogate (no encoder writes it): no
        # client means to send either, so the request is refused rather than mended.
        raise DomainError(reason)
    sent = body
    body = clean_value(body)  # the other control characters go, as from every form
    known = set(fields) | ({"version"} if versioned else set())
    unknown = set(body) - known
    if unknown:
        errors = {
            name if _FIELD_NAME.match(name) else UNNAMED: [_("Ukendt felt.")] for name in unknown
        }
        raise RuleViolation(_("Ukendte felter."), errors=errors)
    context = context or Context()
    values: dict[str, Any] = {}
    errors = {}
    for name, value in body.items():
        if name == "version" and versioned:
            continue
        spec = fields[name]
        try:
            values[spec.attr or name] = spec.read(value, context)
        except FieldError as error:
            errors[name] = [error.message]
            continue
        # The document's limit holds for what was sent, control characters included.
        limit = spec.schema.get("maxLength")
        raw = sent.get(name)
        if limit is not None and isinstance(raw, str) and len(raw) > limit:
            errors[name] = [_("Højst %(max)d tegn.", max=limit)]
    if creating:
        for name, spec in fields.items():
            if spec.required and name not in body:
                errors.setdefault(name, [_("Feltet skal udfyldes.")])
    if errors:
        raise RuleViolation(refused, errors=errors)
    return Body(version=version, values=values)


def save(fields: Mapping[str, Field], work: Callable[[], T]) -> T:
    """Run the service call and commit; its field errors come back under the JSON names."""
    try:
        result = work()
    except RuleViolation as error:
        db.session.rollback()
        names = {spec.attr or name: name for name, spec in fields.items()}
        error.errors = {names.get(key, key): messages for key, messages in error.errors.items()}
        raise
    db.session.commit()
    return result


def conflict_response(error: StaleEdit):
    """The 409 of a stale version: the message, the current version and the changes since."""
    db.session.rollback()
    details = {
        "current_version": error.current_version,
        "changes": [
            {
                "at": c.at.isoformat(),
                "actor": c.actor,
                "field": c.field,
                "old": c.old_value,
                "new": c.new_value,
            }
            for c in error.changes
        ],
    }
    return jsonify(
        error={"status": 409, "code": "conflict", "message": error.message, "details": details}
    ), 409


# ---------------------------------------------------------------------------- documents


def request_schema(fields: Mapping[str, Field], *, versioned: bool, creating: bool = False) -> dict:
    """The OpenAPI schema of a body these fields read."""
    properties = {}
    if versioned:
        properties["version"] = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    properties.update({name: spec.schema for name, spec in fields.items()})
    required = (["version"] if versioned else []) + (
        [name for name, spec in fields.items() if spec.required] if creating else []
    )
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema
